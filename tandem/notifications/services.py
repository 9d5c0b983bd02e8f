"""Writing to inboxes: a notification for each recipient, once per idempotency key, and
marking what a person has read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tandem.errors import NotFoundError
from tandem.notifications.deliveries import emails_create_all, messages_webhooks_emit
from tandem.notifications.models import Notification
from tandem.people.selectors import archived_ids


@dataclass(frozen=True, slots=True)
class Item:
    """One line of a section: its words and, optionally, where to see it (a path)."""

    text: str
    link: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and its lines, as every channel renders them (a digest has several)."""

    heading: str
    items: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True)
class Message:
    """What one event tells its recipients, as plain data."""

    category: str
    kind: str
    object_kind: str
    object_id: str
    link: str
    title: str
    text: str
    event_id: str
    actor_id: str | None = None
    slot: str = ""
    sections: tuple[Section, ...] = ()

    def sections_data(self) -> list[dict[str, object]]:
        return [
            {
                "heading": section.heading,
                "items": [{"text": item.text, "link": item.link} for item in section.items],
            }
            for section in self.sections
        ]


@transaction.atomic
def notifications_send(message: Message, recipient_ids: Iterable[str]) -> None:
    """Put ``message`` in each recipient's inbox, once: a recipient who already has it (the
    same event and slot, sent again by a retry or a second sender) gets nothing new."""
    notifications_send_all([(message, recipient_ids)])


def notifications_send_each(sends: Iterable[tuple[Message, str]]) -> None:
    """Put each (message, recipient) in the recipient's inbox once, in one write: what
    differs per reader (reminders, digests) goes out in bulk."""
    notifications_send_all((message, [recipient_id]) for message, recipient_id in sends)


def notifications_send_all(messages: Iterable[tuple[Message, Iterable[str]]]) -> None:
    """:func:`notifications_send` for many messages at once: one insert per batch of rows,
    whatever the number of messages (the daily alerts send hundreds). Nothing to send costs
    no query. Archived people are left out (one query per batch of recipients): nothing
    reaches them, in the inbox or outside."""
    sending = [(message, list(dict.fromkeys(ids))) for message, ids in messages]
    if any(ids for _, ids in sending):
        archived = archived_ids({person for _, ids in sending for person in ids})
        if archived:
            sending = [(message, [p for p in ids if p not in archived]) for message, ids in sending]
        _send(sending)


@transaction.atomic
def _send(sending: list[tuple[Message, list[str]]]) -> None:
    now = timezone.now()
    rows = [
        Notification(
            recipient_id=recipient_id,
            category=message.category,
            kind=message.kind,
            object_kind=message.object_kind,
            object_id=message.object_id,
            link=message.link,
            actor_id=message.actor_id,
            title=message.title[:300],
            text=message.text,
            sections=message.sections_data(),
            created_at=now,
            event_id=message.event_id,
            slot=message.slot,
        )
        for message, recipient_ids in sending
        for recipient_id in recipient_ids
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    # The outside channels, in the same transaction: e-mail for those who want it, and the
    # organisation's webhooks for what may leave Tandem (tandem.notifications.deliveries).
    emails_create_all(sending, now=now)
    messages_webhooks_emit([message for message, _ in sending])


@transaction.atomic
def notification_mark_read(*, person_id: str | None, notification_id: int) -> Notification:
    """Mark one of ``person_id``'s notifications read (again: no change). Someone else's, or
    a missing one, is NotFoundError: nothing tells the two apart."""
    found = None
    if person_id is not None and 0 < notification_id < 2**63:
        found = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, recipient_id=person_id)
            .first()
        )
    if found is None:
        raise NotFoundError(f"there is no notification {notification_id} in your inbox")
    if found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
    return found


@transaction.atomic
def inbox_mark_all_read(*, person_id: str | None) -> int:
    """Mark everything unread in ``person_id``'s inbox read; how many were unread."""
    if person_id is None:
        return 0
    unread = Notification.objects.filter(recipient_id=person_id, read_at__isnull=True)
    return unread.update(read_at=timezone.now())
