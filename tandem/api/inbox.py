"""The caller's inbox, the JSON twin of the bell and the inbox page: their notifications,
newest first, and marking them read (:mod:`tandem.notifications`). A caller sees and marks
only their own; a caller without a person (an admin account) has an empty inbox."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tandem.api.auth import caller_of
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.notifications.models import Notification
from tandem.notifications.selectors import inbox_get, inbox_unread_count
from tandem.notifications.services import inbox_mark_all_read, notification_mark_read

router = Router(tags=["inbox"])


class NotificationOut(Schema):
    id: int
    category: str = Field(description="what it is about, e.g. `dependency`")
    kind: str = Field(
        description="the event: `dependency_requested`, `dependency_accepted`, "
        "`dependency_declined`, `dependency_delivered`"
    )
    object_kind: str = Field(description="the kind of object it is about, e.g. `dependency`")
    object_id: str = Field(description="its id, e.g. `DEP-3` (GET /api/v1/dependencies/DEP-3)")
    link: str = Field(description="the web page that shows it")
    actor: str | None = Field(description="the person whose action it tells of")
    title: str
    text: str
    created_at: dt.datetime
    read_at: dt.datetime | None = Field(description="null while unread")


class InboxOut(Schema):
    count: int = Field(description="how many match the filter, over all pages")
    unread: int = Field(description="how many are unread")
    items: list[NotificationOut]


class InboxFilters(Schema):
    unread: bool = Field(False, description="only the unread ones")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int = Field(description="how many were unread and are now read")
    unread: int


def notification_out(notification: Notification) -> NotificationOut:
    return NotificationOut(
        id=notification.pk,
        category=notification.category,
        kind=notification.kind,
        object_kind=notification.object_kind,
        object_id=notification.object_id,
        link=notification.link,
        actor=notification.actor_id,
        title=notification.title,
        text=notification.text,
        created_at=notification.created_at,
        read_at=notification.read_at,
    )


@router.get("/inbox", response={200: InboxOut, ERROR_STATUSES: Problem})
def inbox(request: HttpRequest, filters: Query[InboxFilters]) -> InboxOut:
    """Your notifications, newest first (only the unread ones with `unread=true`), a page
    at a time (`limit`, `offset`)."""
    person_id = caller_of(request).person
    found = inbox_get(
        person_id, unread_only=filters.unread, limit=filters.limit, offset=filters.offset
    )
    items = [notification_out(n) for n in found.items]
    return InboxOut(count=found.count, unread=found.unread, items=items)


@router.get("/inbox/unread-count", response={200: UnreadOut, ERROR_STATUSES: Problem})
def inbox_unread(request: HttpRequest) -> UnreadOut:
    """How many of your notifications are unread (the bell's number)."""
    return UnreadOut(unread=inbox_unread_count(caller_of(request).person))


@router.post("/inbox/read-all", response={200: MarkedOut, ERROR_STATUSES: Problem})
def inbox_read_all(request: HttpRequest) -> MarkedOut:
    """Mark all your notifications read."""
    person_id = caller_of(request).person
    marked = inbox_mark_all_read(person_id=person_id)
    return MarkedOut(marked=marked, unread=inbox_unread_count(person_id))


@router.post(
    "/inbox/{notification_id}/read", response={200: NotificationOut, ERROR_STATUSES: Problem}
)
def inbox_read(request: HttpRequest, notification_id: int) -> NotificationOut:
    """Mark one of your notifications read (again: no change). Another person's is 404."""
    person_id = caller_of(request).person
    return notification_out(
        notification_mark_read(person_id=person_id, notification_id=notification_id)
    )
