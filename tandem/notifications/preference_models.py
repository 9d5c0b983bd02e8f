"""What people and the organisation chose about being told (read by
:mod:`tandem.notifications.preferences`, written by :mod:`.preference_services`).

A person's row holds only what they set themselves: a blank time zone, or ``own_*`` False,
means "the organisation's", so a change of the organisation's defaults reaches everyone who
did not choose otherwise. Per category and channel, a person's row overrides the
organisation's default unless the organisation locked that setting.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.people.models import Person

# (models.py imports this module, which must not import it back: the categories are checked by
# the services.)

# Texts people and admins type (a lock's reason) are bounded.
REASON_MAX_LENGTH = 300
TIME_ZONE_MAX_LENGTH = 64


class PersonalChannel(models.TextChoices):
    """The channels a person may turn on or off per category. The inbox is not one: it is
    always on. Slack or Teams direct messages would be added here."""

    EMAIL = "email", "E-mail"


class OrganisationDefaults(models.Model):
    """The organisation's defaults (one row, id 1; its absence means the built-in ones)."""

    # Blank: the TANDEM_TIME_ZONE setting.
    time_zone = models.CharField(max_length=TIME_ZONE_MAX_LENGTH, blank=True, default="")
    # Both set: quiet hours (local wall-clock times; start after end wraps midnight).
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    # Reminders a week at most (None: no cap).
    reminder_cap = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "organisation notification defaults"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="organisation_defaults_one_row"),
        ]

    def __str__(self) -> str:
        return "The organisation's notification defaults"


class OrganisationChannel(models.Model):
    """The organisation's default for one category on one channel, and whether it is locked
    (then everyone gets the default, and may not change it). No row: on, not locked."""

    # A tandem.notifications.models.Category (checked by the services).
    category = models.CharField(max_length=20)
    channel = models.CharField(max_length=20, choices=PersonalChannel.choices)
    on = models.BooleanField(default=True)
    locked = models.BooleanField(default=False)
    # Shown to people next to the locked setting.
    lock_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "channel"], name="organisation_channel_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} by {self.channel}: {'on' if self.on else 'off'}"


class Preferences(models.Model):
    """One person's own choices (no row: the organisation's for everything)."""

    person = models.OneToOneField(
        Person, primary_key=True, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    # Blank: the organisation's. A name no longer known is kept, and read as the org's.
    time_zone = models.CharField(max_length=TIME_ZONE_MAX_LENGTH, blank=True, default="")
    # False: the organisation's quiet hours. True: these (both None: no quiet hours).
    own_quiet_hours = models.BooleanField(default=False)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    # False: the organisation's cap. True: this one (None: no cap).
    own_reminder_cap = models.BooleanField(default=False)
    reminder_cap = models.PositiveSmallIntegerField(null=True, blank=True)
    # Pause all outside channels: indefinitely (no date) or until a date (back that day).
    paused = models.BooleanField(default=False)
    paused_until = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "notification preferences"

    def __str__(self) -> str:
        return f"Notification preferences of {self.person_id}"


class PersonChannel(models.Model):
    """A person's choice for one category on one channel, over the organisation's default."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # A tandem.notifications.models.Category (checked by the services).
    category = models.CharField(max_length=20)
    channel = models.CharField(max_length=20, choices=PersonalChannel.choices)
    on = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category", "channel"], name="person_channel_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.category} by {self.channel} {'on' if self.on else 'off'}"
