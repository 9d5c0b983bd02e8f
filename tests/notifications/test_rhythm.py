"""A round of reminders: the right people at their own local time, once, exactly what needs
their check-in, not when up to date, paused or at their weekly cap, and their lead told after
a streak of missed reminders; in a fixed number of queries per batch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.access.policy import audience_get
from tandem.checkins.services import checkin_record
from tandem.core import model as m
from tandem.notifications import rhythm as rhythm_module
from tandem.notifications.cadence import DIGEST, REMINDER, Rhythm, cadence_set
from tandem.notifications.models import Notification, ReminderStreak
from tandem.notifications.preferences import Reader, readers_get
from tandem.notifications.rhythm import rhythm_run
from tandem.okrs.selectors import closed_cycles_get
from tandem.organization.attention import attention_get
from tandem.organization.cache import view_get
from tandem.people.services import person_archive, person_restore
from tests.conftest import TODAY

# The demo's today is a Saturday: reminders and digests at 09:00 on Saturdays.
SATURDAY_NINE = Rhythm(5, time(9, 0))
AT_NINE = datetime(2026, 11, 21, 9, tzinfo=UTC)
BEFORE = datetime(2026, 11, 21, 8, 45, tzinfo=UTC)


@pytest.fixture
def zones(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The readers' time zones and pauses (the preferences contract, set per test)."""
    chosen: dict[str, Any] = {}

    def readers(person_ids: Any) -> dict[str, Reader]:
        found = readers_get(person_ids)
        return {
            pid: replace(
                reader, time_zone=ZoneInfo(chosen.get(pid, "UTC")), **chosen.get((pid, "prefs"), {})
            )
            for pid, reader in found.items()
        }

    monkeypatch.setattr(rhythm_module, "readers_get", readers)
    return chosen


@pytest.fixture
def saturdays(demo_in_db: m.Organization) -> None:
    cadence_set(kind=REMINDER, rhythm=SATURDAY_NINE)
    cadence_set(kind=DIGEST, rhythm=SATURDAY_NINE)


def reminded() -> dict[str, list[str]]:
    """Each reader's reminder, as the key results it lists."""
    found = {}
    for note in Notification.objects.filter(kind="checkin_reminder"):
        found[note.recipient_id] = [i["text"].split()[0] for i in note.sections[0]["items"]]
    return found


def attention_of(person_id: str) -> list[str]:
    audience = audience_get(person_id=person_id)
    view = view_get(audience=audience, as_of=TODAY)
    return [d.key_result for d in attention_get(view, audience, closed_cycles_get()).checkins_due]


def test_each_reminder_lists_exactly_what_needs_the_readers_check_in(
    saturdays: None, zones: dict[str, str], demo_organization: m.Organization
) -> None:
    counts = rhythm_run(BEFORE, AT_NINE)
    got = reminded()
    assert counts.reminders == len(got) > 3
    for person_id in demo_organization.people:
        assert got.get(person_id, []) == attention_of(person_id), person_id


def test_a_reminders_link_opens_the_check_in_form(saturdays: None, zones: dict[str, str]) -> None:
    rhythm_run(BEFORE, AT_NINE)
    note = Notification.objects.get(kind="checkin_reminder", recipient_id="ben")
    first = note.sections[0]["items"][0]
    key_result = first["text"].split()[0]
    assert first["link"].endswith(f"#kr-{key_result}")
    assert first["link"].startswith("/objectives/")


def test_readers_hear_at_their_own_local_time(saturdays: None, zones: dict[str, Any]) -> None:
    zones["ben"] = "America/New_York"  # 09:00 there is 14:00 UTC
    zones["cai"] = "Asia/Tokyo"  # 09:00 there is 00:00 UTC
    rhythm_run(BEFORE, AT_NINE)
    assert "ben" not in reminded()
    assert "cai" not in reminded()
    rhythm_run(datetime(2026, 11, 21, 13, 45, tzinfo=UTC), datetime(2026, 11, 21, 14, tzinfo=UTC))
    assert "ben" in reminded()
    assert (
        Notification.objects.get(kind="checkin_reminder", recipient_id="ben").slot == "2026-11-21"
    )
    rhythm_run(datetime(2026, 11, 20, 23, 45, tzinfo=UTC), datetime(2026, 11, 21, 0, tzinfo=UTC))
    assert (
        Notification.objects.get(kind="checkin_reminder", recipient_id="cai").slot == "2026-11-21"
    )


def test_a_missed_window_is_caught_up_once_never_twice(
    saturdays: None, zones: dict[str, str]
) -> None:
    # No run from 08:00 to 11:00: the 11:00 run's window reaches back to the last run.
    rhythm_run(datetime(2026, 11, 21, 8, tzinfo=UTC), datetime(2026, 11, 21, 11, tzinfo=UTC))
    first = Notification.objects.count()
    assert first > 0
    # An overlapping window (a retry, a second worker) writes nothing new.
    again = rhythm_run(BEFORE, datetime(2026, 11, 21, 11, 15, tzinfo=UTC))
    assert Notification.objects.count() == first
    assert again.reminders == again.digests == 0


def test_someone_up_to_date_is_not_reminded_but_gets_their_digest(
    saturdays: None, zones: dict[str, str]
) -> None:
    for key_result_id in attention_of("tom"):  # tom checks in on everything due
        checkin_record(key_result_id=key_result_id, day=TODAY, confidence=7, author_id="tom")
    assert attention_of("tom") == []
    rhythm_run(BEFORE, AT_NINE)
    assert "tom" not in reminded()
    assert "ben" in reminded()
    assert Notification.objects.filter(kind="weekly_digest", recipient_id="tom").exists()


def test_a_paused_reader_gets_nothing(saturdays: None, zones: dict[Any, Any]) -> None:
    zones["ben", "prefs"] = {"paused": True}
    rhythm_run(BEFORE, AT_NINE)
    assert not Notification.objects.filter(recipient_id="ben").exists()


def test_the_weekly_cap_holds_reminders_back(saturdays: None, zones: dict[Any, Any]) -> None:
    zones["ben", "prefs"] = {"reminder_cap": 1}
    cadence_set(kind=REMINDER, rhythm=Rhythm(4, time(9, 0)), person_id="ben")  # Fridays
    rhythm_run(datetime(2026, 11, 20, 8, 45, tzinfo=UTC), datetime(2026, 11, 20, 9, tzinfo=UTC))
    assert "ben" in reminded()
    cadence_set(kind=REMINDER, rhythm=SATURDAY_NINE, person_id="ben")  # and Saturdays too
    rhythm_run(BEFORE, AT_NINE)
    assert Notification.objects.filter(kind="checkin_reminder", recipient_id="ben").count() == 1


def test_the_lead_hears_after_the_set_number_of_missed_reminders_once_per_streak(
    saturdays: None, zones: dict[str, str], settings: Any
) -> None:
    settings.TANDEM_REMINDER_ESCALATE_AFTER = 2
    windows = [(date(2026, 11, d), d) for d in (7, 14, 21)]
    for day, _d in windows:  # three Saturdays in a row with check-ins due
        moment = datetime.combine(day, time(9), tzinfo=UTC)
        rhythm_run(moment.replace(hour=8, minute=45), moment)
    told = Notification.objects.filter(kind="checkin_reminder_missed", object_id="ben")
    assert list(told.values_list("recipient_id", "slot")) == [("ana", "2026-11-14")]
    assert "Ben" in told.get().title


def test_no_lead_hears_when_the_setting_is_off(saturdays: None, zones: dict[str, str]) -> None:
    for day in (7, 14, 21):
        moment = datetime(2026, 11, day, 9, tzinfo=UTC)
        rhythm_run(moment.replace(hour=8, minute=45), moment)
    assert not Notification.objects.filter(kind="checkin_reminder_missed").exists()


@pytest.fixture
def batch_queries(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of queries of each batch of the rounds run."""
    counted: list[int] = []
    real: Callable[..., None] = rhythm_module._batch

    def counting(*args: Any) -> None:
        with CaptureQueriesContext(connection) as queries:
            real(*args)
        counted.append(len(queries))

    monkeypatch.setattr(rhythm_module, "_batch", counting)
    return counted


def test_each_batch_takes_a_fixed_number_of_queries_whatever_its_size(
    saturdays: None, zones: dict[str, str], batch_queries: list[int]
) -> None:
    counted = batch_queries

    def again(batch: int) -> list[int]:
        Notification.objects.all().delete()
        ReminderStreak.objects.all().delete()
        counted.clear()
        rhythm_run(BEFORE, AT_NINE, batch=batch)
        return list(counted)

    again(50)  # warm: the organisation is read and evaluated once per process
    small, large = again(4), again(50)
    assert len(small) > 3
    # The readers (the organisation's defaults, its channel choices and locks, the people's
    # choices, the people: 4), the cadences, what was sent, the week's reminders, the streaks,
    # the archived among the recipients, one write of notifications and one of streaks, two
    # savepoints (begun and released). The first batch of a run also reads the round, once:
    # the revision (for today's and last week's evaluations), the closed cycles, the admins
    # and the archived (the organisation itself comes from the process's cache).
    assert small[0] == large[0] == 15 + 5
    assert small[1:] == [15] * (len(small) - 1)


def test_a_window_with_nobodys_moment_reads_only_who_they_are(
    saturdays: None, zones: dict[str, str], batch_queries: list[int]
) -> None:
    counts = rhythm_run(AT_NINE, AT_NINE.replace(minute=15), batch=4)
    assert counts.reminders == counts.digests == 0
    # Per batch: the readers (4) and their cadences, in a savepoint; no organisation is
    # evaluated.
    assert batch_queries == [7] * counts.batches


def test_an_archived_person_is_neither_reminded_nor_sent_a_digest(
    saturdays: None, zones: dict[str, str]
) -> None:
    person_archive(person_id="ben")
    rhythm_run(BEFORE, AT_NINE)
    assert not Notification.objects.filter(recipient_id="ben").exists()
    assert not ReminderStreak.objects.filter(person_id="ben").exists()
    assert "cai" in reminded()  # the others are, as ever
    person_restore(person_id="ben")
    rhythm_run(BEFORE, AT_NINE)
    assert "ben" in reminded()


def test_the_word_meant_for_an_archived_lead_goes_to_the_lead_above(
    saturdays: None, zones: dict[str, str], settings: Any
) -> None:
    settings.TANDEM_REMINDER_ESCALATE_AFTER = 2
    person_archive(person_id="ana")  # leads Search (ben's first team); Northwind's lead is zoe
    for day in (7, 14):
        moment = datetime(2026, 11, day, 9, tzinfo=UTC)
        rhythm_run(moment.replace(hour=8, minute=45), moment)
    told = Notification.objects.filter(kind="checkin_reminder_missed", object_id="ben")
    assert list(told.values_list("recipient_id", flat=True)) == ["zoe"]
    assert not Notification.objects.filter(recipient_id="ana").exists()
