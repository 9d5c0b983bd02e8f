"""A job runs once per key, failures are retried later and later, periodic slots are queued,
and a run not done by its due time is queued again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django_q.models import OrmQ

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


def _queued() -> list[tuple[str, str]]:
    return [(task.task["args"][0], task.task["args"][1]) for task in OrmQ.objects.all()]


def test_a_key_runs_once_however_often_it_is_queued_or_run() -> None:
    enqueue(sample_jobs.COUNTED, "k1")
    enqueue(sample_jobs.COUNTED, "k1")  # a second scheduler, say
    assert _queued() == [(sample_jobs.COUNTED, "k1")] * 2
    assert run(sample_jobs.COUNTED, "k1", MODULE) == DONE
    assert run(sample_jobs.COUNTED, "k1", MODULE) == SKIPPED
    assert run(sample_jobs.COUNTED, "k2", MODULE) == DONE
    assert sample_jobs.calls == ["k1", "k2"]
    done = JobRun.objects.get(job=sample_jobs.COUNTED, key="k1")
    assert done.finished is not None
    assert (done.attempts, done.due) == (1, None)
    enqueue(sample_jobs.COUNTED, "k1")  # done: nothing more is queued
    assert len(_queued()) == 2


def test_a_failure_is_retried_later_and_later_then_given_up() -> None:
    due = []
    for _attempt in range(3):
        before = datetime.now(tz=UTC)
        assert run(sample_jobs.FLAKY, "f", MODULE) == FAILED
        failed = JobRun.objects.get(job=sample_jobs.FLAKY, key="f")
        due.append(None if failed.due is None else (failed.due - before).total_seconds())
    assert failed.finished is None
    assert failed.attempts == 3
    assert failed.last_error == "RuntimeError: the channel is down"
    assert due[2] is None  # retries=2: the third failure is the last
    assert 5 <= due[0] < 6  # type: ignore[operator]
    assert 10 <= due[1] < 11  # type: ignore[operator]


def test_the_backoff_doubles_up_to_an_hour() -> None:
    flaky = job_get(sample_jobs.FLAKY)
    assert [flaky.delay(attempt) for attempt in (1, 2, 3)] == [5, 10, 20]
    assert flaky.delay(30) == 3600


def test_tick_queues_again_a_run_not_done_by_its_due_time() -> None:
    now = datetime.now(tz=UTC)
    JobRun.objects.create(
        job=sample_jobs.COUNTED, key="lost", module=MODULE, due=now - timedelta(seconds=1)
    )
    JobRun.objects.create(job=sample_jobs.COUNTED, key="later", due=now + timedelta(hours=1))
    JobRun.objects.create(job=sample_jobs.COUNTED, key="given up", due=None)
    JobRun.objects.create(job="removed", key="1", module=MODULE, due=now - timedelta(seconds=1))
    queued = tick(now)
    assert (sample_jobs.COUNTED, "lost") in queued
    assert (sample_jobs.COUNTED, "later") not in queued
    assert (sample_jobs.COUNTED, "given up") not in queued
    assert (sample_jobs.COUNTED, "lost") in _queued()
    assert run("removed", "1", MODULE) == FAILED
    removed = JobRun.objects.get(job="removed")
    assert (removed.due, removed.last_error) == (None, "no such job")
    lost = JobRun.objects.get(job=sample_jobs.COUNTED, key="lost")
    assert lost.due is not None
    assert lost.due > now  # queued again: due again later
    assert run(sample_jobs.COUNTED, "lost", MODULE) == DONE


def test_a_retry_after_a_failure_finishes_the_run() -> None:
    JobRun.objects.create(job=sample_jobs.COUNTED, key="r", attempts=1, last_error="boom")
    assert run(sample_jobs.COUNTED, "r", MODULE) == DONE
    done = JobRun.objects.get(job=sample_jobs.COUNTED, key="r")
    assert (done.attempts, done.last_error) == (2, "")
    assert done.finished is not None


def test_tick_queues_each_periodic_slot_until_it_is_recorded() -> None:
    heartbeat = job_get(HEARTBEAT)
    assert heartbeat in jobs_periodic()
    now = datetime(2026, 12, 5, 9, 7, 30, tzinfo=UTC)
    slot = heartbeat.slot(now)
    assert heartbeat.every is not None
    assert slot <= now < slot + heartbeat.every
    # The other periodic jobs (reminders and digests) are queued beside it.
    assert (HEARTBEAT, slot.isoformat()) in tick(now)
    assert tick(now) == []  # queued, and not yet due again
    assert run(HEARTBEAT, slot.isoformat(), "tandem.jobs.schedules") == DONE
    assert tick(now) == []
    assert [queued for queued in _queued() if queued[0] == HEARTBEAT] == [
        (HEARTBEAT, slot.isoformat())
    ]


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
    assert run(HEARTBEAT, "2026-12-05T09:05:00+00:00", "tandem.jobs.schedules") == DONE
    assert not JobRun.objects.filter(pk=old.pk).exists()
    assert JobRun.objects.filter(pk=recent.pk).exists()
