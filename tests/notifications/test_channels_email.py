"""E-mail through a real SMTP server: both parts, absolute links, one-click unsubscribe per
category; only for those who want it and have an address; sent once however many senders."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from tandem.core import model as m
from tandem.notifications import deliveries as deliveries_module
from tandem.notifications.models import Delivery, Notification
from tandem.notifications.preference_services import (
    ChannelDefault,
    OrganisationChoices,
    organisation_defaults_update,
)
from tandem.notifications.preferences import EMAIL, Reader, readers_get
from tandem.notifications.sending import deliveries_claim, deliveries_send_due, delivery_record
from tandem.notifications.services import notifications_send
from tandem.people.models import Person
from tests.notifications.channel_helpers import Capture, ask, sample_message
from tests.notifications.sinks import Mailbox


def test_a_request_is_e_mailed_with_both_parts_absolute_links_and_one_click_unsubscribe(
    committed: Capture, smtp: Mailbox
) -> None:
    ask(committed)  # infra: omar leads, dan
    assert sorted(Delivery.objects.values_list("address", "status")) == [
        ("dan@northwind.test", "pending"),
        ("omar@northwind.test", "pending"),
    ]
    assert deliveries_send_due() == 2
    assert sorted(m["To"] for m in smtp.messages) == ["dan@northwind.test", "omar@northwind.test"]
    mail = next(m for m in smtp.messages if m["To"] == "dan@northwind.test")
    assert "asks Infrastructure for help" in mail["Subject"]
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None
    assert html is not None
    assert "a faster EU edge" in text.get_content()
    assert 'href="https://okr.example.com/dependencies"' in html.get_content()
    assert "https://okr.example.com/dependencies" in text.get_content()
    unsubscribe = mail["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("https://okr.example.com/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in html.get_content()
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert deliveries_send_due() == 0  # nothing twice
    assert len(smtp.messages) == 2


def test_nobody_without_an_address_or_who_turned_it_off_is_e_mailed(
    committed: Capture, smtp: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    Person.objects.filter(pk="dan").update(email=None)
    real = deliveries_module.readers_get

    def omar_turned_dependency_mail_off(ids: Any) -> dict[str, Reader]:
        readers = real(ids)
        if "omar" in readers:
            old = readers["omar"]
            readers["omar"] = Reader(old.person_id, old.name, old.email, old.time_zone, channels={})
        return readers

    monkeypatch.setattr(deliveries_module, "readers_get", omar_turned_dependency_mail_off)
    dependency = ask(committed)
    assert Notification.objects.filter(object_id=dependency).count() == 2  # the inbox: always
    assert not Delivery.objects.exists()


def test_quiet_hours_hold_an_e_mail_back_until_they_end(
    demo_in_db: m.Organization, smtp: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    morning = timezone.now() + timedelta(hours=8)

    class Quiet(Reader):
        def send_at(self, now: datetime) -> datetime:
            return morning

    real = deliveries_module.readers_get
    monkeypatch.setattr(
        deliveries_module,
        "readers_get",
        lambda ids: {
            k: Quiet(v.person_id, v.name, v.email, v.time_zone, channels=v.channels)
            for k, v in real(ids).items()
        },
    )
    notifications_send(sample_message(), ["ana"])
    assert deliveries_send_due() == 0
    assert smtp.messages == []
    assert deliveries_send_due(now=morning + timedelta(seconds=1)) == 1
    assert [m["To"] for m in smtp.messages] == ["ana@northwind.test"]


def test_the_same_event_sent_twice_makes_one_delivery(
    demo_in_db: m.Organization, smtp: Mailbox
) -> None:
    notifications_send(sample_message(), ["ana", "ben"])
    notifications_send(sample_message(), ["ana", "ben"])  # a retry, a second scheduler
    assert Delivery.objects.count() == 2
    deliveries_send_due()
    assert sorted(m["To"] for m in smtp.messages) == ["ana@northwind.test", "ben@northwind.test"]


def test_two_senders_of_the_same_delivery_send_it_once(
    demo_in_db: m.Organization, smtp: Mailbox
) -> None:
    notifications_send(sample_message(), ["ana"])
    first = deliveries_claim(limit=10)
    second = deliveries_claim(limit=10)  # meanwhile: finds it taken
    assert len(first.deliveries) == 1
    assert second.deliveries == []
    # A sender whose lease ran out and was taken over cannot record over the new one.
    later = timezone.now() + timedelta(hours=1)
    third = deliveries_claim(limit=10, now=later)
    assert len(third.deliveries) == 1
    from tandem.notifications.channels.result import SENT  # noqa: PLC0415

    assert delivery_record(first.deliveries[0], first.claim, SENT) is False
    assert delivery_record(third.deliveries[0], third.claim, SENT) is True
    assert Delivery.objects.get().attempts == 1


def test_an_smtp_failure_is_retried_later(demo_in_db: m.Organization, smtp: Mailbox) -> None:
    smtp.fail = True
    notifications_send(sample_message(), ["ana"])
    before = timezone.now()
    deliveries_send_due()
    failed = Delivery.objects.get()
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "451" in failed.last_error
    assert failed.next_attempt_at >= before + timedelta(seconds=60)  # the first wait: a minute
    smtp.fail = False
    assert deliveries_send_due() == 0  # not yet
    deliveries_send_due(now=failed.next_attempt_at + timedelta(seconds=1))
    assert Delivery.objects.get().status == "sent"
    assert len(smtp.messages) == 1


def test_the_unsubscribe_link_works_without_sign_in_for_its_person_and_category_only(
    demo_in_db: m.Organization, smtp: Mailbox
) -> None:
    def wants(person: str, category: str) -> bool:
        return readers_get([person])[person].wants(category, EMAIL)

    notifications_send(sample_message(), ["ben"])
    deliveries_send_due()
    link = smtp.messages[0]["List-Unsubscribe"].strip().strip("<>")
    path = urlsplit(link).path
    client = Client()  # not signed in
    page = client.get(path)
    assert page.status_code == 200
    assert "Comments and mentions" in page.content.decode()
    assert wants("ben", "comment")  # a link scanner's GET changes nothing
    done = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "Unsubscribed" in done.content.decode()
    assert not wants("ben", "comment")
    assert wants("ben", "dependency")  # that category only
    assert wants("ana", "comment")  # that person only
    tampered = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    assert client.post(tampered).status_code == 404
    assert client.post("/unsubscribe/ana:comment").status_code == 404
    assert wants("ana", "comment")


def test_unsubscribing_from_a_category_the_organisation_locked_on_says_so(
    demo_in_db: m.Organization, smtp: Mailbox
) -> None:
    organisation_defaults_update(
        version=None,
        choices=OrganisationChoices(
            channels={("comment", EMAIL): ChannelDefault(True, True, "we answer each other")}
        ),
    )
    notifications_send(sample_message(), ["ben"])
    deliveries_send_due()
    path = urlsplit(smtp.messages[0]["List-Unsubscribe"].strip().strip("<>")).path
    answer = Client().post(path, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert "stay on" in answer.content.decode()
    assert "we answer each other" in answer.content.decode()
    assert readers_get(["ben"])["ben"].wants("comment", EMAIL)


def test_an_e_mail_whose_person_has_lost_their_address_meanwhile_is_skipped_with_the_reason(
    demo_in_db: m.Organization, smtp: Mailbox
) -> None:
    notifications_send(sample_message(), ["ana", "ben"])
    Person.objects.filter(pk="ana").update(email="")  # before it was sent
    deliveries_send_due()
    assert [m["To"] for m in smtp.messages] == ["ben@northwind.test"]
    skipped = Delivery.objects.get(target="email:ana")
    assert (skipped.status, skipped.reason, skipped.attempts) == ("skipped", "no e-mail address", 0)
