"""What the queue library does not keep: one row per job run that must happen exactly once."""

from __future__ import annotations

from django.db import models


class JobRun(models.Model):
    """One run of a job under its key: a periodic job's slot (its start, ISO 8601) or an
    idempotency key the caller gave.

    ``finished`` is set in the job's own transaction, so a run is either done with everything
    it wrote or not done at all; the unique (job, key) pair makes a second scheduler's or a
    redelivered copy's run do nothing. Failed attempts are counted outside that transaction.
    ``tandem.jobs.runner`` explains ``due``.
    """

    job = models.CharField(max_length=200)
    key = models.CharField(max_length=200)
    # Where the job is defined: a worker imports it to run the job.
    module = models.CharField(max_length=200, blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    started = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    # Not finished by then: queued again by the next tick (lost, or a failure's retry).
    # None once finished, or given up after the job's last retry.
    due = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "key"], name="jobs_run_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["job", "-finished"], name="jobs_run_latest"),
            models.Index(fields=["due"], name="jobs_run_due", condition=models.Q(finished=None)),
        ]
        verbose_name = "job run"

    def __str__(self) -> str:
        return f"{self.job} {self.key}"
