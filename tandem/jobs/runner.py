"""Running a job exactly once per key, retrying it with backoff, and the scheduler's tick.

The queue library (Django-Q2) carries ``run(name, key, module, attempt)`` to a worker and
hands it to another when the worker vanishes mid-job (its broker keeps a taken job until the
worker acknowledges it). This module adds what the library does not promise: a run marks
itself done in its own transaction under a unique (job, key), so a duplicate (a second
scheduler's tick, a redelivery) finds it done and does nothing; and a failure is retried
``job.retries`` times, each later than the one before, through a one-off schedule.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from importlib import import_module

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from tandem.jobs.models import JobRun
from tandem.jobs.registry import Job, job_get, jobs_periodic

log = logging.getLogger(__name__)

RUN = "tandem.jobs.runner.run"
DONE = "done"
SKIPPED = "already done"
FAILED = "failed"


def enqueue(name: str, key: str) -> None:
    """Queue the job ``name`` under ``key``; it runs once however often it is queued."""
    job = job_get(name)
    async_task(RUN, name, key, job.function.__module__, 1, group=name)


def run(name: str, key: str, module: str, attempt: int) -> str:
    """What a worker runs: the job ``name`` under ``key``, unless that run is done."""
    import_module(module)  # registers the job in this process
    job = job_get(name)
    try:
        return DONE if run_once(job, key) else SKIPPED
    except Exception as exc:
        _failed(job, key, exc)
        if attempt <= job.retries:
            _retry_later(job, key, module, attempt)
        else:
            log.error("job %s %s failed %d times; giving up", name, key, attempt)
        return FAILED


def run_once(job: Job, key: str) -> bool:
    """Run ``job`` under ``key`` in one transaction with the mark that it is done; False,
    doing nothing, when it was done already (or is being done: the mark's lock waits)."""
    with transaction.atomic():
        run, _ = JobRun.objects.select_for_update().get_or_create(job=job.name, key=key)
        if run.finished is not None:
            return False
        job.function(key)
        run.attempts += 1
        run.finished = timezone.now()
        run.last_error = ""
        run.save(update_fields=["attempts", "finished", "last_error"])
    return True


def _failed(job: Job, key: str, exc: Exception) -> None:
    log.warning("job %s %s failed: %s", job.name, key, exc, exc_info=exc)
    with transaction.atomic():
        run, _ = JobRun.objects.select_for_update().get_or_create(job=job.name, key=key)
        run.attempts += 1
        run.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        run.save(update_fields=["attempts", "last_error"])


def _retry_later(job: Job, key: str, module: str, attempt: int) -> None:
    """Queue attempt ``attempt + 1`` after the job's backoff (a one-off schedule: any
    worker's scheduler queues it once it is due)."""
    Schedule.objects.create(
        name=f"retry {job.name} {key}"[:100],
        func=RUN,
        args=repr((job.name, key, module, attempt + 1)),
        schedule_type=Schedule.ONCE,
        repeats=-1,
        next_run=timezone.now() + timedelta(seconds=job.delay(attempt)),
    )


def tick(now: datetime | None = None) -> list[tuple[str, str]]:
    """Queue each periodic job's current slot unless a run of it is recorded (done, or
    failed and waiting for its retry). Every worker's scheduler ticks: a slot queued twice
    still runs once. Returns the (job, slot) pairs queued."""
    now = now or timezone.now()
    queued = []
    for job in jobs_periodic():
        key = job.slot(now).isoformat()
        if not JobRun.objects.filter(job=job.name, key=key).exists():
            enqueue(job.name, key)
            queued.append((job.name, key))
    return queued
