"""Nothing reaches an archived person: not their inbox, not their e-mail; the others still
hear, and once restored so do they."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.core import model as m
from tandem.notifications.models import Delivery, Notification
from tandem.notifications.services import notifications_send
from tandem.people.services import person_archive, person_restore
from tests.notifications.channel_helpers import sample_message

pytestmark = pytest.mark.django_db


def test_an_archived_person_gets_no_notification_and_no_email(
    demo_in_db: m.Organization, settings: Any
) -> None:
    settings.TANDEM_EMAIL_ENABLED = True
    person_archive(person_id="ben")
    notifications_send(sample_message("one", "mention"), ["ben", "cai"])
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == ["cai"]
    assert not Delivery.objects.filter(target="email:ben").exists()
    person_restore(person_id="ben")
    notifications_send(sample_message("two", "mention"), ["ben"])
    assert Notification.objects.filter(recipient_id="ben", event_id="two").exists()
