"""Nothing reaches an archived person: not their inbox, not their e-mail; the others still
hear, and once restored so do they."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.core import model as m
from tandem.notifications.models import Delivery, Notification
from tandem.notifications.services import Message, notifications_send
from tandem.people.services import person_archive, person_restore

pytestmark = pytest.mark.django_db


def message(event: str) -> Message:
    return Message(
        category="mention",
        kind="mentioned",
        object_kind="objective",
        object_id="SR-2",
        link="/objectives/SR-2",
        title="You were mentioned",
        text="on SR-2",
        event_id=event,
    )


def test_an_archived_person_gets_no_notification_and_no_email(
    demo_in_db: m.Organization, settings: Any
) -> None:
    settings.TANDEM_EMAIL_ENABLED = True
    person_archive(person_id="ben")
    notifications_send(message("one"), ["ben", "cai"])
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == ["cai"]
    assert not Delivery.objects.filter(target="email:ben").exists()
    person_restore(person_id="ben")
    notifications_send(message("two"), ["ben"])
    assert Notification.objects.filter(recipient_id="ben", event_id="two").exists()
