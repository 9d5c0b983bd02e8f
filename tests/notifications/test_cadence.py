"""Cadences: the organisation's, overridden per team and per person, and the moments they fall
on in each reader's time zone, clocks changing included."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tandem.core import model as m
from tandem.errors import InvalidError
from tandem.notifications.cadence import (
    DEFAULTS,
    DIGEST,
    REMINDER,
    Rhythm,
    cadence_set,
    cadences_get,
    first_teams,
)

NEW_YORK, TOKYO = ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")
MONDAY_NINE = Rhythm(weekday=0, at=time(9, 0))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_default_is_monday_nine_for_reminders_and_eight_for_digests() -> None:
    assert DEFAULTS[REMINDER].describe() == "Monday at 09:00, every week"
    assert DEFAULTS[DIGEST].at == time(8, 0)


def test_a_person_overrides_their_team_which_overrides_the_organisation(
    demo_in_db: m.Organization,
) -> None:
    cadence_set(kind=REMINDER, rhythm=Rhythm(1, time(10, 0)))
    cadence_set(kind=REMINDER, rhythm=Rhythm(2, time(11, 0)), team_id="search")
    cadence_set(kind=REMINDER, rhythm=Rhythm(3, time(12, 0), every_weeks=2), person_id="ben")
    cadences = cadences_get(["ben", "cai"])
    assert cadences.of(REMINDER, "ben", "search").weekday == 3
    assert cadences.of(REMINDER, "cai", "search").weekday == 2
    assert cadences.of(REMINDER, "dan", "infra").weekday == 1
    assert cadences.of(DIGEST, "ben", "search") == DEFAULTS[DIGEST]
    cadence_set(kind=REMINDER, rhythm=None, person_id="ben")  # cleared: the team's again
    assert cadences_get(["ben"]).of(REMINDER, "ben", "search").weekday == 2


def test_a_cadence_refuses_nonsense(demo_in_db: m.Organization) -> None:
    with pytest.raises(InvalidError, match="reminder or digest"):
        cadence_set(kind="weekly", rhythm=MONDAY_NINE)
    with pytest.raises(InvalidError, match="weekday"):
        cadence_set(kind=REMINDER, rhythm=Rhythm(7, time(9, 0)))
    with pytest.raises(InvalidError, match="52 weeks"):
        cadence_set(kind=REMINDER, rhythm=Rhythm(0, time(9, 0), every_weeks=0))


def test_the_first_team_is_the_first_in_the_organisations_order() -> None:
    teams = [("company", "zoe", ("sofia",)), ("search", "ana", ("ben", "zoe"))]
    assert dict(first_teams(teams)) == {
        "zoe": "company",
        "sofia": "company",
        "ana": "search",
        "ben": "search",
    }


def test_every_two_weeks_counts_from_the_week_it_starts() -> None:
    rhythm = Rhythm(0, time(9, 0), every_weeks=2, starts_on=date(2026, 11, 4))  # a Wednesday
    assert rhythm.falls_on(date(2026, 11, 2))  # that week's Monday
    assert not rhythm.falls_on(date(2026, 11, 9))
    assert rhythm.falls_on(date(2026, 11, 16))
    assert not rhythm.falls_on(date(2026, 10, 19))  # before it starts
    assert not rhythm.falls_on(date(2026, 11, 17))  # a Tuesday


def test_the_moment_follows_the_readers_clock_through_daylight_saving() -> None:
    # New York changes to summer time on 8 March 2026: 09:00 is 14:00 UTC before, 13:00 after.
    assert MONDAY_NINE.moment(date(2026, 3, 2), NEW_YORK) == utc(2026, 3, 2, 14)
    assert MONDAY_NINE.moment(date(2026, 3, 9), NEW_YORK) == utc(2026, 3, 9, 13)
    # Tokyo has no summer time: Monday 09:00 is Monday 00:00 UTC.
    assert MONDAY_NINE.moment(date(2026, 3, 9), TOKYO) == utc(2026, 3, 9, 0)


def test_the_window_finds_each_readers_local_day_once() -> None:
    start, end = utc(2026, 3, 9, 12, 45), utc(2026, 3, 9, 13)
    assert MONDAY_NINE.last_between(NEW_YORK, start, end) == date(2026, 3, 9)
    assert MONDAY_NINE.last_between(TOKYO, start, end) is None
    # The next window does not find it again.
    assert MONDAY_NINE.last_between(NEW_YORK, end, utc(2026, 3, 9, 13, 15)) is None
    # Sunday 15:00 UTC is Monday 00:00 in Tokyo: its local day is Monday.
    late = Rhythm(0, time(0, 0))
    assert late.last_between(TOKYO, utc(2026, 3, 8, 14, 50), utc(2026, 3, 8, 15)) == date(
        2026, 3, 9
    )


def test_a_time_skipped_when_the_clocks_go_forward_still_comes_once() -> None:
    rhythm = Rhythm(6, time(2, 30))  # Sunday 02:30 does not exist in New York on 8 March 2026
    found = [
        rhythm.last_between(NEW_YORK, utc(2026, 3, 8, hour), utc(2026, 3, 8, hour + 1))
        for hour in range(12)
    ]
    assert found.count(date(2026, 3, 8)) == 1
