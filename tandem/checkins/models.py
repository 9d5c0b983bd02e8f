from __future__ import annotations

from django.db import models
from django.db.models import Q

from tandem.dbchecks import NUMBER_MESSAGE, JsonNumberWithin
from tandem.okrs.models import KeyResult
from tandem.people.models import Person


class CheckIn(models.Model):
    """One check-in, holding its current (corrected) value, confidence and note.

    Services add check-ins, and correct or withdraw them only through
    ``checkin_correct``/``checkin_withdraw``, which keep what it was in a
    :class:`CheckInRevision`. A withdrawn check-in stays, flagged, and counts nowhere.
    """

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="checkins")
    date = models.DateField()
    # A number (kept as entered) or true/false; none when only a confidence or note is given.
    value = models.JSONField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(null=True, blank=True)
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Withdrawn by its author or an editor (who, when and why: its last revision).
    withdrawn = models.BooleanField(default=False, db_default=False)

    class Meta:
        # Same-day check-ins keep the order they were recorded in.
        ordering = ["key_result", "date", "id"]
        indexes = [models.Index(fields=["key_result", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__lte=10),
                name="checkin_confidence_0_to_10",
                violation_error_message="Confidence is a whole number from 0 to 10.",
            ),
            models.CheckConstraint(
                condition=JsonNumberWithin("value", booleans=True),
                name="checkin_value_finite_within_bounds",
                violation_error_message=NUMBER_MESSAGE.format(what="A value that is a number"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_result_id} on {self.date}"


class CheckInRevision(models.Model):
    """One correction or withdrawal of a check-in: what it was before, who changed it, when
    and why. The first revision of a check-in holds the values it was recorded with."""

    class Action(models.TextChoices):
        CORRECTED = "corrected"
        WITHDRAWN = "withdrawn"

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField(max_length=10, choices=Action.choices)
    # The check-in's values before this change.
    value = models.JSONField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(null=True, blank=True)
    by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()

    class Meta:
        ordering = ["checkin", "at", "id"]

    def __str__(self) -> str:
        return f"{self.checkin_id} {self.action} at {self.at}"
