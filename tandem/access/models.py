from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.people.models import Person


class ApiToken(models.Model):
    """A personal API token: a person's key to the API, sent as ``Authorization: Bearer``.

    Only the SHA-256 of the token is kept, so a copy of the database gives no one the tokens;
    the ``prefix`` (the token's first characters) is public and tells tokens apart in lists.
    Services in ``tandem.access.tokens`` create, check and revoke them.
    """

    class Scope(models.TextChoices):
        READ = "read", "read"
        WRITE = "write", "write"
        # An identity provider's key to /scim/v2 (an admin's, checked on every request); the
        # API refuses it, and /scim/v2 refuses the other two.
        SCIM = "scim", "scim"

    class State(models.TextChoices):
        ACTIVE = "active", "active"
        EXPIRED = "expired", "expired"
        REVOKED = "revoked", "revoked"

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="API token")
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=12, unique=True)
    # sha256 hex of the whole token. Tokens carry 256 random bits, so a fast hash is as safe as
    # a slow password hasher here, and the API checks one on every request.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Written at most once a minute (see ``token_authenticate``).
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["read", "write", "scim"]),
                name="apitoken_scope_known",
                violation_error_message="A token's scope is 'read', 'write' or 'scim'.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix} ({self.person_id}, {self.name})"

    def state(self, now: datetime) -> ApiToken.State:
        """Revoked, expired (at ``now``) or active; revoked wins over expired."""
        if self.revoked_at is not None:
            return ApiToken.State.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return ApiToken.State.EXPIRED
        return ApiToken.State.ACTIVE
