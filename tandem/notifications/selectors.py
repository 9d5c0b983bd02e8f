"""Reading an inbox: its unread count (the bell) and its pages, newest first. A person sees
only their own; a caller without a person (an admin account, say) has an empty inbox."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.notifications.models import Notification


@dataclass(frozen=True, slots=True)
class InboxPage:
    items: list[Notification]
    # How many there are with the filter given (all, or the unread ones), for paging.
    count: int
    unread: int


def inbox_unread_count(person_id: str | None) -> int:
    """How many of ``person_id``'s notifications are unread: one query."""
    if person_id is None:
        return 0
    return Notification.objects.filter(recipient_id=person_id, read_at__isnull=True).count()


def inbox_get(
    person_id: str | None, *, unread_only: bool = False, limit: int = 50, offset: int = 0
) -> InboxPage:
    """A page of ``person_id``'s inbox, newest first (only the unread ones with
    ``unread_only``), with how many there are and how many are unread: three queries."""
    if person_id is None:
        return InboxPage(items=[], count=0, unread=0)
    mine = Notification.objects.filter(recipient_id=person_id)
    shown = mine.filter(read_at__isnull=True) if unread_only else mine
    items = list(shown.order_by("-created_at", "-id")[offset : offset + limit])
    unread = inbox_unread_count(person_id)
    return InboxPage(items=items, count=unread if unread_only else mine.count(), unread=unread)
