"""The bell on every page and the inbox page: a person's own notifications, with links to
what they are about, marked read one by one or all at once (POST with CSRF)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tandem.notifications.models import Notification
from tandem.notifications.services import Message, notifications_send
from tandem.people.models import Person
from tandem.web.views.inbox import PAGE_SIZE

WebAs = Callable[[str], Client]


def send(event: str, *recipients: str, title: str = "") -> None:
    notifications_send(
        Message(
            category="dependency",
            kind="dependency_requested",
            object_kind="dependency",
            object_id="DEP-1",
            link="/dependencies",
            title=title or f"title {event}",
            text=f"text {event}",
            event_id=event,
        ),
        recipients,
    )


def bell(html: str) -> str:
    found = re.search(r'<a class="bell"[^>]*>.*?</a>', html, re.S)
    assert found, "no bell on the page"
    return found.group(0)


def unread_on_bell(client: Client, path: str = "/") -> int:
    link = bell(client.get(path).content.decode())
    count = re.search(r'data-unread="(\d+)"', link)
    return int(count.group(1)) if count else 0


@pytest.mark.parametrize("path", ["/", "/dashboard", "/dependencies", "/inbox", "/password"])
def test_the_bell_counts_the_unread_on_every_page(web_as: WebAs, path: str) -> None:
    send("e1", "ben")
    send("e2", "ben")
    send("e3", "ana")
    ben = web_as("member")
    link = bell(ben.get(path).content.decode())
    assert 'href="/inbox"' in link
    assert "Inbox" in link
    assert ">2</span>" in link
    assert "unread" in link
    assert "style=" not in link


def test_the_bell_shows_no_number_when_all_is_read(web_as: WebAs) -> None:
    link = bell(web_as("outsider").get("/").content.decode())
    assert "bell-count" not in link


def test_the_inbox_lists_ones_own_with_links(web_as: WebAs) -> None:
    send("e1", "ben", title="DEP-9: Ben asks Infrastructure for help")
    send("e2", "ana", title="for ana only")
    html = web_as("member").get("/inbox").content.decode()
    assert "DEP-9: Ben asks Infrastructure for help" in html
    assert 'href="/dependencies"' in html
    assert "text e1" in html
    assert "for ana only" not in html
    assert "Mark all read" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'aria-current="page"' in bell(html)


def test_an_empty_inbox_says_so(web_as: WebAs) -> None:
    html = web_as("outsider").get("/inbox").content.decode()
    assert 'class="empty"' in html
    assert "Nothing here yet" in html
    assert "Mark all read" not in html


def test_mark_one_read_then_all(web_as: WebAs) -> None:
    for n in range(3):
        send(f"e{n}", "ben")
    ben = web_as("member")
    newest = Notification.objects.filter(recipient_id="ben").first()
    assert newest is not None
    answer = ben.post(f"/inbox/{newest.pk}/read", {"back": "/inbox?unread=1"})
    assert answer.status_code == 303
    assert answer["Location"] == "/inbox?unread=1"
    assert unread_on_bell(ben) == 2
    unread_page = ben.get("/inbox?unread=1").content.decode()
    assert f'id="notification-{newest.pk}"' not in unread_page
    answer = ben.post("/inbox/read-all", {"back": "https://elsewhere.example/"})
    assert answer.status_code == 303
    assert answer["Location"] == "/inbox"  # back only ever to an inbox page
    html = ben.get("/inbox").content.decode()
    assert "Marked 2 notifications read." in html
    assert "bell-count" not in bell(html)
    assert unread_on_bell(ben, "/dashboard") == 0


def test_marking_needs_a_post_with_csrf_and_ones_own(web_as: WebAs) -> None:
    send("e1", "ana")
    anas = Notification.objects.get()
    ben = web_as("member")
    assert ben.get(f"/inbox/{anas.pk}/read").status_code == 405
    assert ben.post(f"/inbox/{anas.pk}/read").status_code == 404
    checked = Client(enforce_csrf_checks=True)
    checked.cookies = web_as("lead").cookies
    assert checked.post(f"/inbox/{anas.pk}/read").status_code == 403
    assert checked.post("/inbox/read-all").status_code == 403
    assert Notification.objects.get().read_at is None


def test_the_inbox_pages_newest_first(web_as: WebAs) -> None:
    for n in range(PAGE_SIZE + 2):
        send(f"e{n:03}", "ben")
    ben = web_as("member")
    first = ben.get("/inbox").content.decode()
    assert f"title e{PAGE_SIZE + 1:03}" in first
    assert "title e000" not in first
    assert 'href="/inbox?page=2"' in first
    second = ben.get("/inbox?page=2").content.decode()
    assert "title e000" in second
    assert 'href="/inbox"' in second


def test_signed_out_the_inbox_leads_to_the_sign_in_form(web_as: WebAs) -> None:
    assert Client().get("/inbox").status_code == 302


def test_an_answer_from_the_dependencies_page_reaches_the_requesters_inbox(
    web_as: WebAs, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    # DEP-3: from CS-1.1 (Customer Success: maya leads), asked of Search (ana leads).
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        web_as("lead").post("/dependencies/DEP-3/decline", {"reason": "no capacity", "version": 1})
    assert Notification.objects.filter(recipient_id="maya", kind="dependency_declined").exists()
    maya = Person.objects.get(id="maya")
    maya.user = User.objects.create(username="maya")
    maya.save(update_fields=["user"])
    client = Client()
    client.force_login(maya.user)
    assert unread_on_bell(client) == 1
    assert "DEP-3: Search declined your request" in client.get("/inbox").content.decode()
