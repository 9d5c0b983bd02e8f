"""Running a job exactly once per key, retrying it with backoff, and the scheduler's tick.

The queue library (Django-Q2) carries ``run(name, key, module)`` to a worker process. This
module adds what no broker promises on its own:

- a run marks itself done in its own transaction under a unique (job, key), so a duplicate (a
  second scheduler's tick, a redelivery) finds it done and does nothing;
- every queued run is recorded with the time it is ``due`` by; a run not done by then (its
  worker was killed, or Redis, which keeps no receipts, lost it) is queued again by the next
  tick of any worker, so nothing is lost whatever the broker;
- a failure is retried ``job.retries`` times, each later than the one before (the tick queues
  it again once its ``due`` time, pushed back by the backoff, has passed).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from tandem.jobs.models import JobRun
from tandem.jobs.registry import Job, job_get, jobs_periodic

log = logging.getLogger(__name__)

RUN = "tandem.jobs.runner.run"
DONE = "done"
SKIPPED = "already done"
FAILED = "failed"


def _grace() -> timedelta:
    """How long a queued run may take to be done before it is queued again: the broker's own
    redelivery time (more than a job's timeout), and as long again for a busy queue."""
    return timedelta(seconds=2 * settings.Q_CLUSTER["retry"])


def enqueue(name: str, key: str) -> None:
    """Queue the job ``name`` under ``key``: it runs once however often it is queued.

    The record of the run is written in the caller's transaction, if any. On the database
    queue the queued copy is too, so a caller that rolls back queues nothing; Redis takes the
    copy at once, so there a caller that must not start a job it may roll back queues it in
    ``transaction.on_commit``.
    """
    _record_and_queue(name, key, job_get(name).function.__module__)


def _record_and_queue(name: str, key: str, module: str) -> None:
    with transaction.atomic():
        run, created = JobRun.objects.select_for_update().get_or_create(
            job=name, key=key, defaults={"due": timezone.now() + _grace(), "module": module}
        )
        if run.finished is not None:
            return
        if not created:
            run.due = timezone.now() + _grace()
            run.save(update_fields=["due"])
    async_task(RUN, name, key, module, group=name)


def run(name: str, key: str, module: str) -> str:
    """What a worker runs: the job ``name`` under ``key``, unless that run is done."""
    try:
        import_module(module)  # registers the job in this process
        job = job_get(name)
    except (ImportError, LookupError):  # a job removed from the code since it was queued
        log.error("no job %s in %s: %s given up", name, module, key)
        JobRun.objects.filter(job=name, key=key).update(due=None, last_error="no such job")
        return FAILED
    try:
        return DONE if run_once(job, key) else SKIPPED
    except Exception as exc:
        _failed(job, key, exc)
        return FAILED


def run_once(job: Job, key: str) -> bool:
    """Run ``job`` under ``key`` in one transaction with the mark that it is done; False,
    doing nothing, when it was done already (or is being done: the mark's lock waits).
    A job that is not ``atomic`` runs outside that transaction, then is marked."""
    done_first = JobRun.objects.filter(job=job.name, key=key).exclude(finished=None)
    if not job.atomic:
        if done_first.exists():
            return False
        job.function(key)
    with transaction.atomic():
        run, _ = JobRun.objects.select_for_update().get_or_create(job=job.name, key=key)
        if run.finished is not None:
            return False
        if job.atomic:
            job.function(key)
        run.attempts += 1
        run.finished = timezone.now()
        run.due = None
        run.last_error = ""
        run.save(update_fields=["attempts", "finished", "due", "last_error"])
    return True


def _failed(job: Job, key: str, exc: Exception) -> None:
    """Count the failed attempt and set when the next is due (none after the last)."""
    log.warning("job %s %s failed: %s", job.name, key, exc, exc_info=exc)
    with transaction.atomic():
        run, _ = JobRun.objects.select_for_update().get_or_create(job=job.name, key=key)
        run.attempts += 1
        run.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if run.attempts > job.retries:
            log.error("job %s %s failed %d times; giving up", job.name, key, run.attempts)
            run.due = None
        else:
            run.due = timezone.now() + timedelta(seconds=job.delay(run.attempts))
        run.save(update_fields=["attempts", "last_error", "due"])


def tick(now: datetime | None = None) -> list[tuple[str, str]]:
    """Queue each periodic job's current slot unless a run of it is recorded, and every
    recorded run not done by its due time (lost, or failed and waiting for its retry).

    Every worker's scheduler ticks: a run queued twice still runs once. Returns the
    (job, key) pairs queued."""
    now = now or timezone.now()
    queued = []
    for job in jobs_periodic():
        key = job.slot(now).isoformat()
        if not JobRun.objects.filter(job=job.name, key=key).exists():
            enqueue(job.name, key)
            queued.append((job.name, key))
    overdue = JobRun.objects.filter(finished=None, due__lt=now).order_by("due")
    for name, key, module in overdue.values_list("job", "key", "module")[:1000]:
        _record_and_queue(name, key, module)
        queued.append((name, key))
    return queued
