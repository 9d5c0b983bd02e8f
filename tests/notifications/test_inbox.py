"""The inbox's store: one notification per (event, recipient, slot), whoever sends it how
often; a person's unread count, pages and marks touch only their own."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from tandem.core import model as m
from tandem.errors import NotFoundError
from tandem.notifications.models import Notification
from tandem.notifications.selectors import inbox_get, inbox_unread_count
from tandem.notifications.services import (
    Message,
    inbox_mark_all_read,
    notification_mark_read,
    notifications_send,
)

pytestmark = pytest.mark.django_db


def message(event: str, slot: str = "") -> Message:
    return Message(
        category="dependency",
        kind="dependency_requested",
        object_kind="dependency",
        object_id="DEP-1",
        link="/dependencies",
        title=f"event {event}",
        text="",
        event_id=event,
        slot=slot,
    )


def test_a_retry_or_a_second_sender_never_makes_it_twice(demo_in_db: m.Organization) -> None:
    notifications_send(message("e1"), ["ben", "ana", "ben"])
    notifications_send(message("e1"), ["ben"])
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == ["ana", "ben"]
    # Another slot of the same event (what may be told once a day) is another notification.
    notifications_send(message("e1", slot="2026-11-21"), ["ben"])
    assert Notification.objects.filter(recipient_id="ben").count() == 2


def test_the_database_refuses_a_second_copy(demo_in_db: m.Organization) -> None:
    notifications_send(message("e1"), ["ben"])
    first = Notification.objects.get()
    first.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        first.save()


def test_unread_count_and_pages_newest_first(
    demo_in_db: m.Organization, django_assert_num_queries: object
) -> None:
    for n in range(5):
        notifications_send(message(f"e{n}"), ["ben"])
    notifications_send(message("other"), ["ana"])
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert inbox_unread_count("ben") == 5
    page = inbox_get("ben", limit=2, offset=1)
    assert [n.title for n in page.items] == ["event e3", "event e2"]
    assert (page.count, page.unread) == (5, 5)
    assert inbox_unread_count(None) == 0
    assert inbox_get(None).items == []


def test_marking_read_one_and_all(demo_in_db: m.Organization) -> None:
    for n in range(3):
        notifications_send(message(f"e{n}"), ["ben", "ana"])
    newest = inbox_get("ben").items[0]
    read = notification_mark_read(person_id="ben", notification_id=newest.pk)
    assert read.read_at is not None
    assert notification_mark_read(person_id="ben", notification_id=newest.pk).read_at == (
        read.read_at
    )
    assert inbox_unread_count("ben") == 2
    unread = inbox_get("ben", unread_only=True)
    assert newest.pk not in [n.pk for n in unread.items]
    assert (unread.count, unread.unread) == (2, 2)
    assert inbox_mark_all_read(person_id="ben") == 2
    assert inbox_unread_count("ben") == 0
    assert inbox_unread_count("ana") == 3  # only one's own


def test_someone_elses_notification_is_not_found(demo_in_db: m.Organization) -> None:
    notifications_send(message("e1"), ["ana"])
    theirs = Notification.objects.get()
    with pytest.raises(NotFoundError):
        notification_mark_read(person_id="ben", notification_id=theirs.pk)
    with pytest.raises(NotFoundError):
        notification_mark_read(person_id="ben", notification_id=2**70)
    with pytest.raises(NotFoundError):
        notification_mark_read(person_id=None, notification_id=theirs.pk)
    assert inbox_mark_all_read(person_id=None) == 0
    assert Notification.objects.get().read_at is None
