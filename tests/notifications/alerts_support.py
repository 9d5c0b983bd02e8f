"""What the alert tests share: the demo's day, inboxes by event, and check-ins."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

from tandem.checkins.services import checkin_record
from tandem.notifications.models import Notification

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]

# The demo's "today" (tests/conftest.py): its Q4 is under way, its Q3 has ended.
TODAY = date(2026, 11, 21)


def inboxes(**filters: Any) -> dict[str, list[str]]:
    """Who has which notifications (their kinds, oldest first), of those matching filters."""
    return _by_recipient("kind", **filters)


def titles(**filters: Any) -> dict[str, list[str]]:
    """Who has which notifications (their titles, oldest first), of those matching filters."""
    return _by_recipient("title", **filters)


def _by_recipient(field: str, **filters: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    rows = Notification.objects.filter(**filters).order_by("id")
    for recipient, value in rows.values_list("recipient_id", field):
        found.setdefault(recipient, []).append(value)
    return found


def check_in(key_result_id: str, on: date, confidence: int, by: str) -> None:
    checkin_record(key_result_id=key_result_id, day=on, confidence=confidence, author_id=by)
