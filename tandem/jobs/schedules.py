"""The periodic jobs. Later issues add theirs here (reminders, digests, data pulls): a
function taking its slot's start (ISO 8601), registered with ``@job(name, every=...)``."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tandem.jobs.models import JobRun
from tandem.jobs.registry import job

HEARTBEAT = "heartbeat"
# Finished runs are kept this long (the admin lists them), then trimmed by the heartbeat.
KEEP_RUNS = timedelta(days=14)


@job(HEARTBEAT, every=timedelta(seconds=settings.TANDEM_QUEUE_HEARTBEAT_SECONDS), retries=2)
def heartbeat(slot: str) -> None:
    """Proves the scheduler and a worker are alive (the admin's "Job runs" list shows its
    latest slot) and trims the runs older than ``KEEP_RUNS``, its own included."""
    old = timezone.now() - KEEP_RUNS
    JobRun.objects.filter(Q(finished__lt=old) | Q(finished=None, started__lt=old)).delete()
