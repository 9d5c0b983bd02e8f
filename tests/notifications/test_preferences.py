"""Who hears of what, by which channel and when: a person's choices over the organisation's
defaults, the organisation's locks over both, pause, the weekly cap, and a fixed number of
queries however many people are read."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from tandem.notifications.preference_models import (
    OrganisationChannel,
    OrganisationDefaults,
    PersonChannel,
    Preferences,
)
from tandem.notifications.preferences import (
    EMAIL,
    INBOX,
    Reader,
    readers_get,
    reminder_cap_left,
)
from tandem.people.models import Person

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def person(person_id: str, email: str | None = "x@example.com") -> Person:
    return Person.objects.create(id=person_id, name=person_id.title(), email=email)


def test_without_any_choice_everything_is_on_in_the_organisations_time_zone() -> None:
    person("ben")
    reader = readers_get(["ben"], now=NOW)["ben"]
    assert reader.time_zone == ZoneInfo("UTC")
    assert reader.wants("digest", EMAIL)
    assert reader.wants("reminder", EMAIL)
    assert reader.wants("digest", INBOX)
    assert reader.send_at(NOW) == NOW
    assert reader.reminder_cap is None
    assert not reader.paused


def test_the_organisations_defaults_reach_who_chose_nothing() -> None:
    person("ben")
    OrganisationDefaults.objects.create(
        id=1, time_zone="Europe/Paris", quiet_start=time(22), quiet_end=time(7), reminder_cap=2
    )
    OrganisationChannel.objects.create(category="digest", channel=EMAIL, on=False)
    reader = readers_get(["ben"], now=NOW)["ben"]
    assert reader.time_zone == ZoneInfo("Europe/Paris")
    assert (reader.quiet_start, reader.quiet_end) == (time(22), time(7))
    assert reader.reminder_cap == 2
    assert not reader.wants("digest", EMAIL)
    assert reader.wants("digest", INBOX)
    assert reader.wants("reminder", EMAIL)


@override_settings(TANDEM_TIME_ZONE="America/New_York")
def test_the_time_zone_setting_is_the_organisations_until_an_admin_sets_one() -> None:
    person("ben")
    assert readers_get(["ben"])["ben"].time_zone == ZoneInfo("America/New_York")


def test_a_persons_own_choices_win_over_the_defaults() -> None:
    person("ben")
    OrganisationDefaults.objects.create(id=1, time_zone="Europe/Paris", reminder_cap=2)
    OrganisationChannel.objects.create(category="digest", channel=EMAIL, on=False)
    Preferences.objects.create(
        person_id="ben",
        time_zone="Asia/Tokyo",
        own_quiet_hours=True,  # none at all
        own_reminder_cap=True,  # no cap
    )
    PersonChannel.objects.create(person_id="ben", category="digest", channel=EMAIL, on=True)
    PersonChannel.objects.create(person_id="ben", category="risk", channel=EMAIL, on=False)
    reader = readers_get(["ben"], now=NOW)["ben"]
    assert reader.time_zone == ZoneInfo("Asia/Tokyo")
    assert reader.quiet_start is None
    assert reader.reminder_cap is None
    assert reader.wants("digest", EMAIL)
    assert not reader.wants("risk", EMAIL)


def test_a_lock_is_the_organisations_value_whatever_the_person_chose() -> None:
    person("ben")
    OrganisationChannel.objects.create(
        category="reminder", channel=EMAIL, on=True, locked=True, lock_reason="the check-in rhythm"
    )
    PersonChannel.objects.create(person_id="ben", category="reminder", channel=EMAIL, on=False)
    reader = readers_get(["ben"], now=NOW)["ben"]
    assert reader.wants("reminder", EMAIL)
    assert reader.is_locked("reminder", EMAIL)
    assert not reader.is_locked("digest", EMAIL)


def test_an_unknown_time_zone_stored_earlier_is_the_organisations_never_an_error() -> None:
    person("ben")
    OrganisationDefaults.objects.create(id=1, time_zone="Europe/Paris")
    Preferences.objects.create(person_id="ben", time_zone="Mars/Olympus_Mons")
    reader = readers_get(["ben"], now=NOW)["ben"]
    assert reader.time_zone == ZoneInfo("Europe/Paris")
    assert reader.time_zone_unknown == "Mars/Olympus_Mons"


def test_no_email_address_means_no_email_but_the_inbox() -> None:
    person("ben", email=None)
    reader = readers_get(["ben"], now=NOW)["ben"]
    assert not reader.wants("dependency", EMAIL)
    assert reader.wants("dependency", INBOX)


def test_paused_people_get_only_the_inbox_until_the_date_in_their_time_zone() -> None:
    person("ben")
    Preferences.objects.create(
        person_id="ben", time_zone="Asia/Tokyo", paused=True, paused_until=date(2026, 11, 22)
    )
    # 14:00 UTC on the 21st is 23:00 in Tokyo: still paused.
    before = readers_get(["ben"], now=datetime(2026, 11, 21, 14, 0, tzinfo=UTC))["ben"]
    assert before.paused
    assert not before.wants("dependency", EMAIL)
    assert before.wants("dependency", INBOX)
    # 15:00 UTC is midnight on the 22nd in Tokyo: back.
    after = readers_get(["ben"], now=datetime(2026, 11, 21, 15, 0, tzinfo=UTC))["ben"]
    assert not after.paused
    assert after.wants("dependency", EMAIL)


def test_paused_indefinitely_stays_paused() -> None:
    person("ben")
    Preferences.objects.create(person_id="ben", paused=True)
    reader = readers_get(["ben"], now=datetime(2030, 1, 1, tzinfo=UTC))["ben"]
    assert reader.paused
    assert not reader.wants("digest", EMAIL)


def test_removed_people_are_left_out_and_nobody_costs_nothing(
    django_assert_num_queries: object,
) -> None:
    person("ben")
    assert set(readers_get(["ben", "gone"])) == {"ben"}
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert readers_get([]) == {}


@pytest.mark.parametrize("count", [1, 50])
def test_a_fixed_number_of_queries_for_any_number_of_people(
    count: int, django_assert_num_queries: object
) -> None:
    OrganisationDefaults.objects.create(id=1, time_zone="Europe/Paris")
    OrganisationChannel.objects.create(category="digest", channel=EMAIL, on=False, locked=True)
    for n in range(count):
        person(f"p{n}")
        Preferences.objects.create(person_id=f"p{n}", time_zone="Asia/Tokyo")
        PersonChannel.objects.create(person_id=f"p{n}", category="risk", channel=EMAIL, on=False)
    ids = [f"p{n}" for n in range(count)]
    # The organisation's defaults, its channels, the people with their own, their channels.
    with django_assert_num_queries(4):  # type: ignore[operator]
        readers = readers_get(ids)
    assert len(readers) == count
    assert all(
        not r.wants("risk", EMAIL) and not r.wants("digest", EMAIL) for r in readers.values()
    )


# --- quiet hours -----------------------------------------------------------------------------


def quiet_reader(zone: str, start: time, end: time) -> Reader:
    return Reader("ben", "Ben", "b@example.com", ZoneInfo(zone), quiet_start=start, quiet_end=end)


def test_outside_quiet_hours_a_message_goes_now() -> None:
    reader = quiet_reader("Europe/Paris", time(22), time(7))
    now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)  # 13:00 in Paris
    assert reader.send_at(now) == now


def test_quiet_hours_over_midnight_end_the_next_morning() -> None:
    reader = quiet_reader("Europe/Paris", time(22), time(7))
    evening = datetime(2026, 11, 21, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    assert reader.send_at(evening) == datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
    night = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 03:00 in Paris
    assert reader.send_at(night) == datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def test_quiet_hours_within_a_day() -> None:
    reader = quiet_reader("America/New_York", time(12), time(13, 30))
    lunch = datetime(2026, 11, 21, 17, 15, tzinfo=UTC)  # 12:15 in New York (UTC-5)
    assert reader.send_at(lunch) == datetime(2026, 11, 21, 18, 30, tzinfo=UTC)
    assert reader.send_at(datetime(2026, 11, 21, 18, 30, tzinfo=UTC)).hour == 18


def test_quiet_hours_end_at_the_wall_clock_time_across_a_dst_change() -> None:
    reader = quiet_reader("Europe/Paris", time(22), time(7))
    # The night of 28-29 March 2026 Paris moves from UTC+1 to UTC+2: 07:00 is 05:00 UTC.
    night = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # midnight in Paris, still UTC+1
    assert reader.send_at(night) == datetime(2026, 3, 29, 5, 0, tzinfo=UTC)
    # The night of 24-25 October 2026 it moves back to UTC+1: 07:00 is 06:00 UTC.
    autumn = datetime(2026, 10, 24, 21, 0, tzinfo=UTC)  # 23:00 in Paris, UTC+2
    assert reader.send_at(autumn) == datetime(2026, 10, 25, 6, 0, tzinfo=UTC)


def test_quiet_hours_ending_in_a_skipped_hour_end_just_after_it() -> None:
    reader = quiet_reader("Europe/Paris", time(1), time(2, 30))
    # 02:30 does not exist on 29 March 2026 in Paris (02:00 -> 03:00).
    now = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 in Paris
    resumes = reader.send_at(now)
    assert resumes > now
    assert resumes == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 in Paris


# --- the weekly cap --------------------------------------------------------------------------


def test_the_weekly_cap_left() -> None:
    capped = Reader("ben", "Ben", None, ZoneInfo("UTC"), reminder_cap=2)
    assert reminder_cap_left(capped, 0) == 2
    assert reminder_cap_left(capped, 2) == 0
    assert reminder_cap_left(capped, 5) == 0
    assert reminder_cap_left(Reader("ben", "Ben", None, ZoneInfo("UTC")), 40) is None


def test_a_large_organisation_is_read_in_batches_of_a_fixed_cost(
    monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: object
) -> None:
    monkeypatch.setattr("tandem.notifications.preferences.READERS_BATCH", 10)
    for n in range(25):
        person(f"p{n}")
    # The organisation's two, then two a batch of 10 (the people, their channels).
    with django_assert_num_queries(2 + 2 * 3):  # type: ignore[operator]
        readers = readers_get([f"p{n}" for n in range(25)])
    assert len(readers) == 25
