"""Reading and changing preferences as the settings page and the API show them: a person's
own (:func:`preferences_get`, :func:`preferences_update`, :func:`email_unsubscribe`) and the
organisation's defaults and locks (:func:`organisation_defaults_update`; admins only, which
the edges check). Senders read :func:`tandem.notifications.preferences.readers_get`.

Every change carries the version that was read: a save based on an older one is refused
(:class:`StaleVersionError`), so two people editing at once never silently overwrite each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.errors import InvalidError, NotFoundError, PermissionDeniedError, StaleVersionError
from tandem.notifications.models import Category
from tandem.notifications.preference_models import (
    REASON_MAX_LENGTH,
    OrganisationChannel,
    OrganisationDefaults,
    PersonChannel,
    Preferences,
)
from tandem.notifications.preferences import (
    EMAIL,
    PERSONAL_CHANNELS,
    REMINDER_CAP_MAX,
    ChannelDefault,
    OrganisationSettings,
    Reader,
    known_time_zones,
    organisation_settings_get,
    readers_get,
)
from tandem.people.models import Person

LOCKED = "set by your organisation"


class LockedError(PermissionDeniedError):
    """A change to a setting the organisation locked."""


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Quiet hours as chosen: both None for none."""

    start: time | None = None
    end: time | None = None


@dataclass(frozen=True, slots=True)
class Choices:
    """What a person chooses (the settings form, the API's PUT). ``None`` for the quiet
    hours and the cap: the organisation's; a blank time zone: the organisation's."""

    time_zone: str = ""
    quiet_hours: QuietHours | None = None
    reminder_cap_own: bool = False
    reminder_cap: int | None = None
    paused: bool = False
    paused_until: date | None = None
    # (category, channel) -> on; what is left out stays as it is.
    channels: Mapping[tuple[str, str], bool] | None = None


@dataclass(frozen=True, slots=True)
class ChannelState:
    """One category on one channel as a person sees it."""

    category: str
    label: str
    channel: str
    on: bool
    locked: bool
    reason: str
    default_on: bool


@dataclass(frozen=True, slots=True)
class PersonPreferences:
    """A person's preferences for the settings page and the API."""

    person_id: str
    reader: Reader
    own: Choices
    organisation: OrganisationSettings
    states: tuple[ChannelState, ...]
    version: int

    def state(self, category: str, channel: str) -> ChannelState:
        return next(s for s in self.states if (s.category, s.channel) == (category, channel))


def _own_choices(
    row: Preferences | None, choices: Mapping[tuple[str, str], bool], *, paused: bool
) -> Choices:
    """What the person chose; a pause whose date has come is over (``paused``: in force)."""
    if row is None:
        return Choices(channels=choices)
    quiet = QuietHours(row.quiet_start, row.quiet_end) if row.own_quiet_hours else None
    return Choices(
        time_zone=row.time_zone,
        quiet_hours=quiet,
        reminder_cap_own=row.own_reminder_cap,
        reminder_cap=row.reminder_cap,
        paused=row.paused and paused,
        paused_until=row.paused_until if row.paused and paused else None,
        channels=choices,
    )


def preferences_get(person_id: str | None) -> PersonPreferences:
    """A person's preferences as stored and as they resolve (NotFoundError without a person)."""
    readers = readers_get([person_id] if person_id else [])
    if person_id is None or person_id not in readers:
        raise NotFoundError("only a person has notification preferences; sign in as one")
    reader = readers[person_id]
    row = Preferences.objects.filter(person_id=person_id).first()
    org = organisation_settings_get()
    own = {
        (c, ch): on
        for c, ch, on in PersonChannel.objects.filter(person_id=person_id).values_list(
            "category", "channel", "on"
        )
    }
    states = tuple(
        ChannelState(
            category.value,
            str(category.label),
            channel,
            channel in reader.channels.get(category.value, frozenset()),
            org.channel(category.value, channel).locked,
            org.channel(category.value, channel).reason,
            org.channel(category.value, channel).on,
        )
        for category in Category
        for channel in PERSONAL_CHANNELS
    )
    version = row.version if row is not None else 1
    own_choices = _own_choices(row, own, paused=reader.paused)
    return PersonPreferences(person_id, reader, own_choices, org, states, version)


# --- validation ------------------------------------------------------------------------------


def time_zone_check(name: str, *, field: str = "time_zone") -> str:
    name = name.strip()
    if name and name not in known_time_zones():
        raise InvalidError(
            f"{name[:64]!r} is not a time zone Tandem knows: pick an IANA name such as "
            "Europe/Paris or America/New_York, or leave it blank for the organisation's",
            field=field,
        )
    return name


def quiet_hours_check(quiet: QuietHours | None, *, field: str = "quiet_hours") -> None:
    if quiet is None or (quiet.start is None and quiet.end is None):
        return
    if quiet.start is None or quiet.end is None:
        raise InvalidError(
            "give both the start and the end of quiet hours, or neither", field=field
        )
    if quiet.start == quiet.end:
        raise InvalidError("quiet hours must end at another time than they start", field=field)


def reminder_cap_check(cap: int | None, *, field: str = "reminder_cap") -> None:
    if cap is not None and not 0 <= cap <= REMINDER_CAP_MAX:
        raise InvalidError(
            f"a weekly cap on reminders is between 0 and {REMINDER_CAP_MAX} (blank: no cap)",
            field=field,
        )


def _channels_check(channels: Mapping[tuple[str, str], Any]) -> None:
    categories = {c.value for c in Category}
    for category, channel in channels:
        if category not in categories or channel not in PERSONAL_CHANNELS:
            raise InvalidError(
                f"there is no setting for {category!r} by {channel!r}: categories are "
                f"{', '.join(sorted(categories))}; channels {', '.join(PERSONAL_CHANNELS)} "
                "(the inbox is always on)",
                field="channels",
            )


def _choices_check(choices: Choices, today: date) -> None:
    time_zone_check(choices.time_zone)
    quiet_hours_check(choices.quiet_hours)
    reminder_cap_check(choices.reminder_cap)
    if choices.paused and choices.paused_until is not None and choices.paused_until <= today:
        raise InvalidError(
            "pause until a date after today, or pause until you resume", field="paused_until"
        )
    _channels_check(choices.channels or {})


def _locks_check(org: OrganisationSettings, channels: Mapping[tuple[str, str], bool]) -> None:
    for (category, channel), on in channels.items():
        default = org.channel(category, channel)
        if default.locked and on != default.on:
            label = Category(category).label
            why = f": {default.reason}" if default.reason else ""
            raise LockedError(
                f"{label} by {channel} is {LOCKED} (always {'on' if default.on else 'off'}"
                f"{why}); ask an admin to change it",
                field=f"channels.{channel}.{category}",
            )


# --- a person's own --------------------------------------------------------------------------


def _stale(current: PersonPreferences) -> StaleVersionError:
    error = StaleVersionError(
        "your preferences were changed elsewhere since you read them: read them again "
        f"(version {current.version}) and save your changes on top"
    )
    error.current = {"version": current.version}  # type: ignore[attr-defined]
    return error


def _row_for_update(person_id: str) -> Preferences:
    if not Person.objects.filter(id=person_id).exists():
        raise NotFoundError("only a person has notification preferences; sign in as one")
    row, _created = Preferences.objects.select_for_update().get_or_create(person_id=person_id)
    return row


def _channels_save(
    person_id: str, org: OrganisationSettings, channels: Mapping[tuple[str, str], bool]
) -> None:
    """Keep a person's choice where it differs from the organisation's default (what matches
    it follows the organisation's later changes)."""
    for (category, channel), on in channels.items():
        mine = PersonChannel.objects.filter(person_id=person_id, category=category, channel=channel)
        if org.channel(category, channel).locked or on == org.channel(category, channel).on:
            mine.delete()
        elif not mine.update(on=on):
            PersonChannel.objects.create(
                person_id=person_id, category=category, channel=channel, on=on
            )


def _row_apply(row: Preferences, choices: Choices) -> None:
    row.time_zone = choices.time_zone.strip()
    row.own_quiet_hours = choices.quiet_hours is not None
    quiet = choices.quiet_hours or QuietHours()
    row.quiet_start, row.quiet_end = quiet.start, quiet.end
    row.own_reminder_cap = choices.reminder_cap_own
    row.reminder_cap = choices.reminder_cap if choices.reminder_cap_own else None
    row.paused = choices.paused
    row.paused_until = choices.paused_until if choices.paused else None


@transaction.atomic
def preferences_update(
    *, person_id: str | None, version: int | None, choices: Choices, today: date
) -> PersonPreferences:
    """Replace a person's choices (the channels given; the others stay) if ``version`` is
    the one stored (None: whatever it is). Refuses locked settings (:class:`LockedError`)."""
    if person_id is None:
        raise NotFoundError("only a person has notification preferences; sign in as one")
    row = _row_for_update(person_id)
    if version is not None and version != row.version:
        raise _stale(preferences_get(person_id))
    _choices_check(choices, today)
    org = organisation_settings_get()
    _locks_check(org, choices.channels or {})
    _row_apply(row, choices)
    row.version += 1
    row.updated_at = timezone.now()
    row.save()
    _channels_save(person_id, org, choices.channels or {})
    return preferences_get(person_id)


@transaction.atomic
def email_unsubscribe(*, person_id: str, category: str) -> bool:
    """Turn ``category``'s e-mail off for a person (the e-mails' one-click unsubscribe).
    True if it was on; a locked setting is refused (:class:`LockedError`)."""
    _channels_check({(category, EMAIL): False})
    row = _row_for_update(person_id)
    org = organisation_settings_get()
    _locks_check(org, {(category, EMAIL): False})
    was_on = EMAIL in readers_get([person_id])[person_id].channels.get(category, frozenset())
    _channels_save(person_id, org, {(category, EMAIL): False})
    if was_on:
        row.version += 1
        row.updated_at = timezone.now()
        row.save(update_fields=["version", "updated_at"])
    return was_on


# --- the organisation's ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganisationChoices:
    """What the admin sets: the organisation's time zone (blank: TANDEM_TIME_ZONE), quiet
    hours, weekly cap and, per category and channel, the default and whether it is locked."""

    time_zone: str = ""
    quiet_hours: QuietHours = QuietHours()
    reminder_cap: int | None = None
    channels: Mapping[tuple[str, str], ChannelDefault] | None = None


def _organisation_check(choices: OrganisationChoices) -> None:
    time_zone_check(choices.time_zone)
    quiet_hours_check(choices.quiet_hours)
    reminder_cap_check(choices.reminder_cap)
    _channels_check(choices.channels or {})
    for (category, channel), default in (choices.channels or {}).items():
        if len(default.reason) > REASON_MAX_LENGTH:
            raise InvalidError(
                f"a lock's reason is at most {REASON_MAX_LENGTH} characters",
                field=f"channels.{channel}.{category}.reason",
            )


def _organisation_stale(version: int) -> StaleVersionError:
    error = StaleVersionError(
        "the organisation's defaults were changed by someone else since you read them: read "
        f"them again (version {version}) and save your changes on top"
    )
    error.current = {"version": version}  # type: ignore[attr-defined]
    return error


@transaction.atomic
def organisation_defaults_update(
    *, version: int | None, choices: OrganisationChoices
) -> OrganisationSettings:
    """Replace the organisation's defaults (the channels given; the others stay) if
    ``version`` is the one stored (None: whatever it is)."""
    row, _created = OrganisationDefaults.objects.select_for_update().get_or_create(id=1)
    if version is not None and version != row.version:
        raise _organisation_stale(row.version)
    _organisation_check(choices)
    row.time_zone = choices.time_zone.strip()
    row.quiet_start, row.quiet_end = choices.quiet_hours.start, choices.quiet_hours.end
    row.reminder_cap = choices.reminder_cap
    row.version += 1
    row.updated_at = timezone.now()
    row.save()
    for (category, channel), default in (choices.channels or {}).items():
        OrganisationChannel.objects.update_or_create(
            category=category,
            channel=channel,
            defaults={
                "on": default.on,
                "locked": default.locked,
                "lock_reason": default.reason.strip() if default.locked else "",
            },
        )
    return organisation_settings_get()
