"""A notification in a person's inbox: what happened (an event of a category, about one
object, with its link), written as plain data when it happens, and whether it is read."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.identifiers import ID_MAX_LENGTH
from tandem.people.models import Person


class Category(models.TextChoices):
    """What a notification is about, as a person turns them on or off (later, per channel)."""

    DEPENDENCY = "dependency", "Requests for help"
    RISK = "risk", "Risk from other teams"
    REMINDER = "reminder", "Check-in reminders"
    DIGEST = "digest", "Weekly digests"
    COMMENT = "comment", "Comments and mentions"
    CYCLE = "cycle", "Cycles starting and ending"
    # Tandem's own notices (a channel that keeps failing): always in the inbox.
    SYSTEM = "system", "Notices from Tandem"


class Notification(models.Model):
    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    category = models.CharField(max_length=20, choices=Category.choices)
    # The event, e.g. ``dependency_requested``, ``dependency_declined``.
    kind = models.CharField(max_length=40)
    # The object it is about ("dependency", "DEP-3"), and where to see it.
    object_kind = models.CharField(max_length=20)
    object_id = models.CharField(max_length=ID_MAX_LENGTH)
    link = models.CharField(max_length=500)
    # Who caused it (None: the system, or someone since removed).
    actor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True, default="")
    # Longer messages (a digest, a reminder's list): sections of items, as plain data
    # ``[{"heading": str, "items": [{"text": str, "link": str}]}]`` (see services.Section).
    sections = models.JSONField(blank=True, default=list)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # The idempotency key with the recipient: the event (e.g. ``dependency-event:42``) and a
    # slot (a day, for what may be told once a day; empty for what happens once). A retry or a
    # second sender of the same event never makes a second notification.
    event_id = models.CharField(max_length=100)
    slot = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "recipient", "slot"], name="notification_once_per_key"
            )
        ]
        indexes = [
            # The bell's count: a person's unread ones.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            # The inbox: a person's, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"


class RiskState(models.Model):
    """What a key result's people were last told of its health (the risk alerts,
    :mod:`tandem.notifications.alerts.risk`): a sweep compares the engine's effective health
    with it, and tells them when a dependency has made it worse, or when it has recovered."""

    # An id, not a foreign key: a key result deleted leaves a row no sweep reads (trimmed by
    # the sweep).
    key_result_id = models.CharField(max_length=ID_MAX_LENGTH, primary_key=True)
    # The effective health last recorded (``on_track``, ``at_risk``, ``off_track``).
    health = models.CharField(max_length=10)
    # Whether the last message told of a worsening that a dependency caused: only then is a
    # recovery worth telling.
    worsened = models.BooleanField(default=False)
    # The day of the last message (one a day at most); None before the first.
    told_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key_result_id}: {self.health}"


# The preferences' models live in their own module (registered with this app from here).
from tandem.notifications.preference_models import (  # noqa: E402
    Channel,
    OrganisationChannel,
    OrganisationDefaults,
    PersonChannel,
    Preferences,
)

__all__ = [
    "Category",
    "Channel",
    "Notification",
    "OrganisationChannel",
    "OrganisationDefaults",
    "PersonChannel",
    "Preferences",
]
