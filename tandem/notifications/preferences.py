"""How each person wants to be told: per category and channel (the inbox always on), quiet
hours, time zone, a weekly cap on reminders, pause all; the organisation's defaults and locks.

The contract every sender uses is :func:`readers_get` (a fixed number of queries for any
number of people: four per :data:`READERS_BATCH` people) and :meth:`Reader.send_at` (when a
message may go out on an outside channel). Each setting resolves person -> organisation: what
a person did not set is the organisation's; a locked category and channel is the
organisation's whatever the person had chosen. The forms' reads and the writes are in
:mod:`.preference_services`.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from tandem.notifications.models import Category
from tandem.notifications.preference_models import (
    OrganisationChannel,
    OrganisationDefaults,
    PersonalChannel,
    PersonChannel,
)
from tandem.people.models import Person

INBOX = "inbox"
EMAIL = PersonalChannel.EMAIL.value
# The channels a person may turn on or off per category (the inbox is always on).
PERSONAL_CHANNELS = tuple(channel.value for channel in PersonalChannel)
# People read at once: the IN lists stay under every database's limit of parameters.
READERS_BATCH = 2000
# The bounds of a weekly cap on reminders.
REMINDER_CAP_MAX = 100


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_of(name: str) -> ZoneInfo | None:
    """The time zone called ``name``, or None for a blank or unknown name (never an error)."""
    if not name or name not in known_time_zones():
        return None
    return ZoneInfo(name)


@dataclass(frozen=True, slots=True)
class ChannelDefault:
    """The organisation's setting for one category on one channel."""

    on: bool = True
    locked: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class OrganisationSettings:
    """The organisation's defaults, resolved (built-in ones where the admin set nothing)."""

    # What the admin set (blank: the TANDEM_TIME_ZONE setting) and the zone in force.
    time_zone_name: str
    time_zone: ZoneInfo
    # A stored name that is no longer a known time zone (then UTC is in force), else "".
    time_zone_unknown: str = ""
    quiet_start: time | None = None
    quiet_end: time | None = None
    reminder_cap: int | None = None
    channels: Mapping[tuple[str, str], ChannelDefault] = field(default_factory=dict)
    version: int = 1

    def channel(self, category: str, channel: str) -> ChannelDefault:
        return self.channels.get((category, channel), ChannelDefault())


def organisation_settings_get() -> OrganisationSettings:
    """The organisation's defaults and locks, in two queries."""
    found = (
        OrganisationDefaults.objects.filter(id=1)
        .values("time_zone", "quiet_start", "quiet_end", "reminder_cap", "version")
        .first()
    )
    row: dict[str, Any] = dict(found) if found else {"time_zone": "", "version": 1}
    fallback: str = settings.TANDEM_TIME_ZONE
    name = row["time_zone"]
    zone = zone_of(name or fallback)
    rows = OrganisationChannel.objects.values_list(
        "category", "channel", "on", "locked", "lock_reason"
    )
    return OrganisationSettings(
        time_zone_name=name,
        time_zone=zone or ZoneInfo("UTC"),
        time_zone_unknown="" if zone else (name or fallback),
        quiet_start=row.get("quiet_start"),
        quiet_end=row.get("quiet_end"),
        reminder_cap=row.get("reminder_cap"),
        channels={
            (c, ch): ChannelDefault(on, locked, reason) for c, ch, on, locked, reason in rows
        },
        version=row["version"],
    )


def in_quiet_hours(start: time, end: time, moment: time) -> bool:
    """Whether the wall-clock ``moment`` is within quiet hours from ``start`` to ``end``
    (``start`` after ``end``: over midnight)."""
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


@dataclass(frozen=True, slots=True)
class Reader:
    """One person as the senders see them."""

    person_id: str
    name: str
    email: str | None
    time_zone: ZoneInfo
    paused: bool = False
    quiet_start: time | None = None
    quiet_end: time | None = None
    # Reminders a week at most (None: no cap).
    reminder_cap: int | None = None
    # Per category, the outside channels that are on (the inbox is always on).
    channels: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # The (category, channel) pairs the organisation locked: offer no unsubscribe for them.
    locked: frozenset[tuple[str, str]] = frozenset()
    # A time zone the person had chosen that is no longer known (``time_zone`` is then the
    # organisation's), else "".
    time_zone_unknown: str = ""
    # Paused until this date (back that day, in their time zone); None with ``paused``:
    # until they resume.
    paused_until: date | None = None

    def wants(self, category: str, channel: str) -> bool:
        """Whether ``category`` reaches this person on ``channel`` (the inbox: always)."""
        if channel == INBOX:
            return True
        if self.paused or (channel == EMAIL and not self.email):
            return False
        return channel in self.channels.get(category, frozenset())

    def is_locked(self, category: str, channel: str) -> bool:
        return (category, channel) in self.locked

    def send_at(self, now: datetime) -> datetime:
        """When a message made at ``now`` (aware) may go out: ``now``, or the end of quiet
        hours in the person's time zone (the wall-clock end on that day, DST included)."""
        start, end = self.quiet_start, self.quiet_end
        if start is None or end is None or start == end:
            return now
        local = now.astimezone(self.time_zone)
        if not in_quiet_hours(start, end, local.time().replace(tzinfo=None)):
            return now
        day = local.date()
        if start > end and local.time() >= start:
            day += timedelta(days=1)
        # A wall-clock end that does not exist (skipped by a DST change) is read with the
        # offset before the change: an instant just after the gap, never before ``now``.
        resumes = datetime.combine(day, end, tzinfo=self.time_zone)
        return max(resumes.astimezone(now.tzinfo), now)


def reminder_cap_left(reader: Reader, sent_this_week: int) -> int | None:
    """How many more reminders ``reader`` may get in the 7 days ending now, given how many
    they got in them (None: no cap). The cap counts reminders on outside channels."""
    if reader.reminder_cap is None:
        return None
    return max(reader.reminder_cap - sent_this_week, 0)


@dataclass(frozen=True, slots=True)
class _Own:
    """What one person set (None for a person without a row)."""

    time_zone: str = ""
    own_quiet_hours: bool = False
    quiet_start: time | None = None
    quiet_end: time | None = None
    own_reminder_cap: bool = False
    reminder_cap: int | None = None
    paused: bool = False
    paused_until: date | None = None


_OWN_FIELDS = tuple(f"notification_preferences__{name}" for name in _Own.__dataclass_fields__)


# Per category the channels on, and the locked pairs.
Resolved = tuple[Mapping[str, frozenset[str]], frozenset[tuple[str, str]]]
ChoiceSet = frozenset[tuple[tuple[str, str], bool]]


def resolved_channels(org: OrganisationSettings, own: Mapping[tuple[str, str], bool]) -> Resolved:
    """Per category the channels that are on, and the locked pairs, for a person whose own
    choices are ``own``."""
    channels: dict[str, frozenset[str]] = {}
    locked: set[tuple[str, str]] = set()
    for category in Category:
        on = set()
        for channel in PERSONAL_CHANNELS:
            default = org.channel(category.value, channel)
            if default.locked:
                locked.add((category.value, channel))
                chosen = default.on
            else:
                chosen = own.get((category.value, channel), default.on)
            if chosen:
                on.add(channel)
        channels[category.value] = frozenset(on)
    # Shared by every reader with the same choices: read-only.
    return MappingProxyType(channels), frozenset(locked)


def _reader(
    org: OrganisationSettings,
    person: tuple[str, str, str | None],
    own: _Own,
    resolved: Resolved,
    now: datetime,
) -> Reader:
    zone = zone_of(own.time_zone) or org.time_zone
    quiet: _Own | OrganisationSettings = own if own.own_quiet_hours else org
    paused = own.paused and (
        own.paused_until is None or now.astimezone(zone).date() < own.paused_until
    )
    channels, locked = resolved
    person_id, name, email = person
    return Reader(
        person_id,
        name,
        email or None,
        zone,
        paused=paused,
        quiet_start=quiet.quiet_start,
        quiet_end=quiet.quiet_end,
        reminder_cap=own.reminder_cap if own.own_reminder_cap else org.reminder_cap,
        channels=channels,
        locked=locked,
        time_zone_unknown=own.time_zone if zone_of(own.time_zone) is None else "",
        paused_until=own.paused_until if paused else None,
    )


def _batch(
    org: OrganisationSettings, person_ids: list[str], now: datetime, memo: dict[ChoiceSet, Resolved]
) -> Iterable[Reader]:
    rows = Person.objects.filter(id__in=person_ids).values_list(
        "id", "name", "email", "notification_preferences__person", *_OWN_FIELDS
    )
    choices: dict[str, dict[tuple[str, str], bool]] = {}
    for person_id, category, channel, on in PersonChannel.objects.filter(
        person_id__in=person_ids
    ).values_list("person_id", "category", "channel", "on"):
        choices.setdefault(person_id, {})[category, channel] = on
    for person_id, name, email, has_row, *own in rows:
        mine = _Own(*own) if has_row is not None else _Own()
        # Most people share their choices (most have none): each set is resolved once.
        key = frozenset(choices.get(person_id, {}).items())
        if key not in memo:
            memo[key] = resolved_channels(org, dict(key))
        yield _reader(org, (person_id, name, email), mine, memo[key], now)


def readers_get(person_ids: Iterable[str], *, now: datetime | None = None) -> dict[str, Reader]:
    """The readers of ``person_ids`` (those since removed are left out), as of ``now``
    (whether a pause until a date is over): four queries per :data:`READERS_BATCH` people."""
    wanted = list(dict.fromkeys(person_ids))
    if not wanted:
        return {}
    org = organisation_settings_get()
    moment = now or timezone.now()
    readers: dict[str, Reader] = {}
    memo: dict[ChoiceSet, Resolved] = {}
    for first in range(0, len(wanted), READERS_BATCH):
        for reader in _batch(org, wanted[first : first + READERS_BATCH], moment, memo):
            readers[reader.person_id] = reader
    return readers
