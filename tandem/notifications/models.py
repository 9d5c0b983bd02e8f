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


class Cadence(models.Model):
    """When reminders or digests go out: a weekday, a local time (in each reader's time zone)
    and every N weeks (counted from ``starts_on``'s week). One row for the organisation (no
    team, no person), one per team, one per person; a person's own row wins over their first
    team's, which wins over the organisation's (:mod:`tandem.notifications.cadence`)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Check-in reminders"
        DIGEST = "digest", "Weekly digests"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Monday is 0, as Python's date.weekday().
    weekday = models.PositiveSmallIntegerField()
    at = models.TimeField()
    every_weeks = models.PositiveSmallIntegerField(default=1)
    # The first week it goes out (every N weeks counts from that week's Monday).
    starts_on = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=True) | Q(person__isnull=True),
                name="cadence_team_or_person",
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="cadence_weekday"),
            models.CheckConstraint(
                condition=Q(every_weeks__gte=1, every_weeks__lte=52), name="cadence_every_weeks"
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(team__isnull=True, person__isnull=True),
                name="cadence_once_for_organisation",
            ),
            models.UniqueConstraint(
                fields=["kind", "team"],
                condition=Q(team__isnull=False),
                name="cadence_once_per_team",
            ),
            models.UniqueConstraint(
                fields=["kind", "person"],
                condition=Q(person__isnull=False),
                name="cadence_once_per_person",
            ),
        ]

    def __str__(self) -> str:
        scope = self.person_id or self.team_id or "organisation"
        return f"{self.kind} for {scope}"


class ReminderStreak(models.Model):
    """How many reminders in a row found a person with check-ins due (none due: back to 0),
    and whether their team lead was told of this streak (once per streak)."""

    person = models.OneToOneField(
        Person, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    missed = models.PositiveIntegerField(default=0)
    # The slot (local day) of the last reminder counted: a retry of it counts nothing.
    last_slot = models.CharField(max_length=40, blank=True, default="")
    lead_told = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.person_id}: {self.missed} missed"
