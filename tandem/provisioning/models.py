from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.people.models import Person, Team


class ScimResource(models.Model):
    """What an identity provider said of a person (a SCIM User) or a team (a SCIM Group) that
    Tandem itself does not keep: the userName, externalId, name parts, e-mail list... as the
    JSON ``payload``. What Tandem uses (name, e-mail, manager, archived, members) lives on the
    person or team, written by :mod:`tandem.provisioning.services`; the SCIM id is the
    person's or team's id."""

    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="scim"
    )
    team = models.OneToOneField(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="scim"
    )
    external_id = models.CharField(max_length=500, null=True, blank=True)
    user_name = models.CharField(max_length=500, blank=True, default="")
    # userName, case folded: unique among users (SCIM compares it case-insensitively).
    user_name_key = models.CharField(max_length=500, null=True, blank=True, unique=True)
    display_name = models.CharField(max_length=500, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "SCIM resource"
        indexes = [models.Index(fields=["external_id"], name="scim_external_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, team__isnull=True)
                | Q(person__isnull=True, team__isnull=False),
                name="scimresource_person_or_team",
                violation_error_message="A SCIM resource is a person (User) or a team (Group).",
            )
        ]

    def __str__(self) -> str:
        return f"SCIM {self.scim_id}"

    @property
    def scim_id(self) -> str:
        return str(self.person_id or self.team_id)
