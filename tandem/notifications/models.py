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


class Channel(models.Model):
    """Where messages go outside Tandem: a team's Slack or Teams channel (incoming webhook),
    or one of the organisation's outbound webhooks (admin-managed).

    The URL (a bearer secret: whoever holds it may post) and a webhook's signing secret are
    stored encrypted (:mod:`tandem.notifications.secrets`); nothing here prints them, and
    pages show :attr:`masked_url` only.
    """

    class Kind(models.TextChoices):
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"
        WEBHOOK = "webhook", "Outbound webhook"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # A team's (Slack, Teams); None: the organisation's (outbound webhooks).
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="channels"
    )
    name = models.CharField(max_length=200)
    # The categories it carries (values of Category); webhooks carry every event.
    categories = models.JSONField(blank=True, default=list)
    url_encrypted = models.TextField(editable=False)
    # What pages show of the URL: its host and last four characters.
    masked_url = models.CharField(max_length=300, editable=False)
    secret_encrypted = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Failing: since the N-th failure in a row (TANDEM_CHANNEL_FAILING_AFTER); a success
    # clears it.
    failing_since = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    # Outbound webhooks: the organisation's changes told so far (revision of the change log,
    # newest check-in id), so each is told once.
    changes_seen = models.BigIntegerField(default=0)
    checkins_seen = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["team_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="webhook", team__isnull=True)
                | (Q(team__isnull=False) & ~Q(kind="webhook")),
                name="channel_webhooks_are_the_organisations",
            )
        ]

    def __str__(self) -> str:  # never the URL or the secret
        return f"{self.get_kind_display()} channel {self.name}"

    def __repr__(self) -> str:
        return f"<Channel {self.pk} {self.kind} {self.name!r}>"


class Delivery(models.Model):
    """One message to one place outside Tandem, as the delivery log shows it.

    An e-mail carries a :class:`Notification` to an address (a snapshot); a channel post or a
    webhook event carries its ``payload``. The idempotency key (event, target, slot) is
    unique: a retry, or a second scheduler, never makes a second delivery. A sender claims due
    deliveries for a while (``claimed_until``) and records each attempt, and "sent", in one
    transaction per delivery (:mod:`tandem.notifications.deliveries`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        FAILED = "failed", "Failed, will retry"
        SENT = "sent", "Sent"
        GIVEN_UP = "given_up", "Given up"
        SKIPPED = "skipped", "Skipped"

    EMAIL = "email"
    CHANNEL = "channel"

    via = models.CharField(max_length=10)  # EMAIL or CHANNEL
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    address = models.CharField(max_length=500, blank=True, default="")
    # Webhook: the event's type (``dependency.requested``, ``organization.changed``);
    # channel post: the message's kind.
    kind = models.CharField(max_length=60, blank=True, default="")
    payload = models.JSONField(blank=True, default=dict)
    category = models.CharField(max_length=20, choices=Category.choices)
    # The idempotency key: the event, where it goes ("email:<person>", "channel:<id>"), slot.
    event_id = models.CharField(max_length=100)
    target = models.CharField(max_length=60)
    slot = models.CharField(max_length=40, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=200, blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "target", "slot"], name="delivery_once_per_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "failed"]),
                name="delivery_due",
            ),
            models.Index(fields=["status", "-created_at"], name="delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} to {self.target}: {self.status}"


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


# The preferences' models live in their own module (registered with this app from here).
from tandem.notifications.preference_models import (  # noqa: E402
    OrganisationChannel,
    OrganisationDefaults,
    PersonalChannel,
    PersonChannel,
    Preferences,
)

__all__ = [
    "Cadence",
    "Category",
    "Channel",
    "Delivery",
    "Notification",
    "OrganisationChannel",
    "OrganisationDefaults",
    "PersonChannel",
    "PersonalChannel",
    "Preferences",
    "ReminderStreak",
    "RiskState",
]
