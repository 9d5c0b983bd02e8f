from __future__ import annotations

from django.db import models
from django.db.models import Q

from tandem.identifiers import id_field
from tandem.okrs.models import KeyResult, Objective
from tandem.people.models import Person, Team


class State(models.TextChoices):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class Dependency(models.Model):
    id = id_field()
    # What needs the help: a key result or, for a broader need, an objective.
    from_key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="needs"
    )
    from_objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="needs"
    )
    provider = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="requests")
    need = models.TextField()
    due = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    provider_kr = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.SET_NULL, related_name="provides"
    )
    position = models.PositiveIntegerField(default=0, db_index=True)
    # Bumped by every change (transitions and imports): the API's ETag / If-Match.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "dependencies"
        constraints = [
            models.CheckConstraint(
                condition=Q(from_key_result__isnull=True, from_objective__isnull=False)
                | Q(from_key_result__isnull=False, from_objective__isnull=True),
                name="dependency_from_kr_or_objective",
            )
        ]

    def __str__(self) -> str:
        return f"{self.id}: {self.need}"

    @property
    def from_id(self) -> str:
        return self.from_key_result_id or self.from_objective_id or ""


class DependencyEvent(models.Model):
    """A change of a dependency's state: who, when and why. Only ever added."""

    dependency = models.ForeignKey(Dependency, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=10, choices=State.choices, null=True, blank=True)
    to_state = models.CharField(max_length=10, choices=State.choices)
    by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["dependency", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dependency_id}: {self.from_state or '—'} → {self.to_state}"
