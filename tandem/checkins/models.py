from __future__ import annotations

from django.db import models
from django.db.models import Q

from tandem.dbchecks import NUMBER_MESSAGE, JsonNumberWithin
from tandem.okrs.models import KeyResult
from tandem.people.models import Person


class CheckIn(models.Model):
    """One check-in. Never edited: a correction is a new check-in (services only append)."""

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
