from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tandem.identifiers import id_field


class Person(models.Model):
    id = id_field()
    name = models.CharField(max_length=500)
    email = models.EmailField(max_length=500, null=True, blank=True, db_index=True)
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    # Sign-in: a person signs in with their id (the username) or their e-mail.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    # File order: exports, reports and lint findings list objects in the order they were given.
    position = models.PositiveIntegerField(default=0, db_index=True)
    # Archived (by an admin, or an identity provider deactivating them through SCIM): their
    # OKRs, check-ins and history stay; their sign-in stops and nothing reminds them.
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class Team(models.Model):
    id = id_field()
    name = models.CharField(max_length=500)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # The company: the one team without a parent (a partial unique index keeps it one).
    is_root = models.BooleanField(default=False, editable=False)
    lead = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    members = models.ManyToManyField(Person, through="Membership", related_name="teams")
    position = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_root=True, parent__isnull=True)
                | Q(is_root=False, parent__isnull=False),
                name="team_root_has_no_parent",
                violation_error_message="The company team has no parent; every other team has one.",
            ),
            models.UniqueConstraint(
                fields=["is_root"],
                condition=Q(is_root=True),
                name="team_one_root",
                violation_error_message="There is already a company team (a team without a "
                "parent); give this team a parent.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["team", "position"]
        constraints = [
            models.UniqueConstraint(fields=["team", "person"], name="membership_once_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.team_id}"
