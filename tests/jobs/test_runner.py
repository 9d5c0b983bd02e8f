"""A job runs once per key, failures are retried later and later, periodic slots are queued."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django_q.models import OrmQ, Schedule

from tandem.jobs.models import JobRun
from tandem.jobs.registry import job_get, jobs_periodic
from tandem.jobs.runner import DONE, FAILED, SKIPPED, enqueue, run, tick
from tandem.jobs.schedules import HEARTBEAT
from tests.jobs import sample_jobs

pytestmark = pytest.mark.django_db

MODULE = sample_jobs.__name__


@pytest.fixture(autouse=True)
def _no_calls() -> Iterator[None]:
    sample_jobs.calls.clear()
    yield
    sample_jobs.calls.clear()


def test_a_key_runs_once_however_often_it_is_run() -> None:
    assert run(sample_jobs.COUNTED, "k1", MODULE, 1) == DONE
    assert run(sample_jobs.COUNTED, "k1", MODULE, 1) == SKIPPED
    assert run(sample_jobs.COUNTED, "k2", MODULE, 1) == DONE
    assert sample_jobs.calls == ["k1", "k2"]
    done = JobRun.objects.get(job=sample_jobs.COUNTED, key="k1")
    assert done.finished is not None
    assert done.attempts == 1


def test_a_failure_is_recorded_and_retried_later_and_later() -> None:
    before = datetime.now(tz=UTC)
    assert run(sample_jobs.FLAKY, "f", MODULE, 1) == FAILED
    assert run(sample_jobs.FLAKY, "f", MODULE, 2) == FAILED
    assert run(sample_jobs.FLAKY, "f", MODULE, 3) == FAILED  # the last: retries=2
    failed = JobRun.objects.get(job=sample_jobs.FLAKY, key="f")
    assert failed.finished is None
    assert failed.attempts == 3
    assert failed.last_error == "RuntimeError: the channel is down"
    retries = list(Schedule.objects.order_by("next_run"))
    assert [ast.literal_eval(each.args)[3] for each in retries] == [2, 3]
    delays = [(each.next_run - before).total_seconds() for each in retries]
    assert 5 <= delays[0] < 7
    assert 10 <= delays[1] < 12
    assert all(each.schedule_type == Schedule.ONCE for each in retries)


def test_the_backoff_doubles_up_to_an_hour() -> None:
    flaky = job_get(sample_jobs.FLAKY)
    assert [flaky.delay(attempt) for attempt in (1, 2, 3)] == [5, 10, 20]
    assert flaky.delay(30) == 3600


def test_a_retry_after_a_failure_finishes_the_run() -> None:
    JobRun.objects.create(job=sample_jobs.COUNTED, key="r", attempts=1, last_error="boom")
    assert run(sample_jobs.COUNTED, "r", MODULE, 2) == DONE
    done = JobRun.objects.get(job=sample_jobs.COUNTED, key="r")
    assert (done.attempts, done.last_error) == (2, "")
    assert done.finished is not None


def test_enqueue_puts_the_run_in_the_database_queue() -> None:
    enqueue(sample_jobs.COUNTED, "q")
    assert OrmQ.objects.count() == 1


def test_tick_queues_each_periodic_slot_until_it_has_run() -> None:
    heartbeat = job_get(HEARTBEAT)
    assert heartbeat in jobs_periodic()
    now = datetime(2026, 12, 5, 9, 7, 30, tzinfo=UTC)
    slot = heartbeat.slot(now)
    assert slot <= now < slot + heartbeat.every  # type: ignore[operator]
    assert tick(now) == [(HEARTBEAT, slot.isoformat())]
    assert run(HEARTBEAT, slot.isoformat(), "tandem.jobs.schedules", 1) == DONE
    assert tick(now) == []
    assert OrmQ.objects.count() == 1


def test_the_slot_starts_at_whole_periods() -> None:
    heartbeat = job_get(HEARTBEAT)
    assert heartbeat.every is not None
    now = datetime(2026, 12, 5, 9, 7, 30, tzinfo=UTC)
    slot = heartbeat.slot(now)
    assert slot.timestamp() % heartbeat.every.total_seconds() == 0
    assert heartbeat.slot(slot + heartbeat.every - timedelta(microseconds=1)) == slot


def test_the_heartbeat_trims_old_runs() -> None:
    old = JobRun.objects.create(job="old", key="1", finished=datetime(2020, 1, 1, tzinfo=UTC))
    recent = JobRun.objects.create(job="recent", key="1", finished=datetime.now(tz=UTC))
    assert run(HEARTBEAT, "2026-12-05T09:05:00+00:00", "tandem.jobs.schedules", 1) == DONE
    assert not JobRun.objects.filter(pk=old.pk).exists()
    assert JobRun.objects.filter(pk=recent.pk).exists()
