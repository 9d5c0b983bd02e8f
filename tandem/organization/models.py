from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q


class OrganizationSettings(models.Model):
    """The one row of organisation-wide settings (SPEC section 1, ``settings``)."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    name = models.CharField("organisation name", max_length=500, default="My organisation")
    on_track_confidence = models.PositiveSmallIntegerField(default=7)
    at_risk_confidence = models.PositiveSmallIntegerField(default=4)
    stale_after_days = models.PositiveIntegerField(default=14)
    max_objectives_per_owner = models.PositiveIntegerField(default=5)
    max_key_results_per_objective = models.PositiveIntegerField(default=5)
    individual_share_limit = models.FloatField(default=0.5)
    overlap_threshold = models.FloatField(default=0.5)

    class Meta:
        verbose_name = verbose_name_plural = "organisation settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="settings_single_row"),
            models.CheckConstraint(
                condition=Q(on_track_confidence__lte=10, at_risk_confidence__lte=10),
                name="settings_confidence_0_to_10",
            ),
            models.CheckConstraint(
                condition=Q(individual_share_limit__gte=0, individual_share_limit__lte=1)
                & Q(overlap_threshold__gte=0, overlap_threshold__lte=1),
                name="settings_fractions_0_to_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Revision(models.Model):
    """Counters bumped by every change to the organisation's data but a new check-in, in the
    same transaction.

    App servers keep the organisation they last read in memory and reuse it while the
    counters have not moved and no newer check-in exists: one small query instead of reading
    everything. Check-ins leave this row alone (every check-in taking its lock made them
    commit one at a time); caches find them by their ids (see ``revision.py``).
    """

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    value = models.BigIntegerField(default=0)
    # Moved by every change but a new check-in: while it stays, a cache may add the new
    # check-ins to what it holds instead of reading everything again.
    structure = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="revision_single_row")]

    def __str__(self) -> str:
        return f"revision {self.value}"


class Change(models.Model):
    """What one move of the ``structure`` counter changed, written in the same transaction.

    A cache holding the organisation at one structure revision reads the changes after it:
    when every revision since has its row and each names an object it can read again alone
    (``kind`` an objective, a key result or a dependency, with ``object_id``), it re-reads
    those and patches what it holds; any other kind (``ALL``: people, teams, cycles, settings,
    the import, a deletion) or a revision without its row makes it read everything.
    ``NONE``: a row the organisation's plan does not hold (an activity entry, a reflection).
    Rows are trimmed as the counter moves: a cache further behind reads everything.
    """

    OBJECTIVE = "objective"
    KEY_RESULT = "key_result"
    DEPENDENCY = "dependency"
    NONE = "none"
    ALL = "all"
    KEPT = 4096  # revisions whose rows are kept

    revision = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=16)
    object_id = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.revision}: {self.kind} {self.object_id}".strip()


class ImportRun(models.Model):
    """One file an administrator imports from the page, planned then imported by a job
    (:mod:`tandem.organization.import_runs`); the page polls it for its progress."""

    QUEUED = "queued"
    PLANNING = "planning"
    PLANNED = "planned"
    IMPORTING = "importing"
    DONE = "done"
    FAILED = "failed"
    STATES = [(s, s) for s in (QUEUED, PLANNING, PLANNED, IMPORTING, DONE, FAILED)]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    by = models.CharField(max_length=200, blank=True, default="")  # the admin's person id
    upload = models.CharField(max_length=32)  # the folder under DATA_DIR/imports
    file_name = models.CharField(max_length=200)
    format = models.CharField(max_length=32, blank=True, default="")
    state = models.CharField(max_length=16, choices=STATES, default=QUEUED)
    phase = models.CharField(max_length=200, blank=True, default="")
    done = models.IntegerField(default=0)
    total = models.IntegerField(default=0)
    plan = models.JSONField(default=dict)  # {"rows": [[label, created, updated, unchanged]]}
    changes = models.IntegerField(default=0)
    notes = models.JSONField(default=list)
    problems = models.JSONField(default=list)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"import of {self.file_name}: {self.state}"
