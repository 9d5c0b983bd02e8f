"""The rhythm job: every 15 minutes, the reminders and digests whose moment fell since the last
run's slot; a missed slot is caught up once by the next run, never twice."""

from __future__ import annotations

from datetime import UTC, datetime, time

from tandem.core import model as m
from tandem.jobs.registry import job_get
from tandem.jobs.rhythm import CATCH_UP, EVERY, RHYTHM, window_start
from tandem.jobs.runner import run_once
from tandem.notifications.cadence import DIGEST, REMINDER, Rhythm, cadence_set
from tandem.notifications.models import Notification

NINE = datetime(2026, 11, 21, 9, tzinfo=UTC)  # the demo's today, a Saturday


def test_the_job_is_periodic_every_15_minutes() -> None:
    assert job_get(RHYTHM).every == EVERY


def test_a_first_run_covers_its_own_slot_then_each_the_time_since_the_last(
    demo_in_db: m.Organization,
) -> None:
    assert window_start(NINE) == NINE - EVERY
    run_once(job_get(RHYTHM), (NINE - 3 * EVERY).isoformat())
    assert window_start(NINE) == NINE - 3 * EVERY  # two slots missed since: caught up
    assert window_start(NINE + 3 * CATCH_UP) == NINE + 2 * CATCH_UP  # too old: a day only


def test_a_missed_slot_is_caught_up_once(demo_in_db: m.Organization) -> None:
    cadence_set(kind=REMINDER, rhythm=Rhythm(5, time(9, 0)))
    cadence_set(kind=DIGEST, rhythm=Rhythm(5, time(9, 0)))
    job = job_get(RHYTHM)
    run_once(job, (NINE - EVERY).isoformat())  # 08:45: nobody's moment yet
    assert not Notification.objects.exists()
    run_once(job, (NINE + 2 * EVERY).isoformat())  # 09:00 and 09:15 were missed
    written = Notification.objects.count()
    assert written >= 2 * len(demo_in_db.people) - 5  # a digest each, most a reminder
    run_once(job, (NINE + 3 * EVERY).isoformat())
    run_once(job, (NINE + 2 * EVERY).isoformat())  # run again: done already
    assert Notification.objects.count() == written


def test_a_run_on_an_empty_organisation_does_nothing(db: None) -> None:
    assert run_once(job_get(RHYTHM), NINE.isoformat())
    assert not Notification.objects.exists()
