"""GET /api/v1/inbox and its marks: a person reads and marks only their own notifications."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.notifications.models import Notification
from tandem.notifications.services import Message, notifications_send
from tests.api.conftest import ApiClient

AsPersona = Callable[[str], ApiClient]


def send(event: str, *recipients: str) -> None:
    notifications_send(
        Message(
            category="dependency",
            kind="dependency_requested",
            object_kind="dependency",
            object_id="DEP-1",
            link="/dependencies",
            title=f"title {event}",
            text=f"text {event}",
            event_id=event,
            actor_id="omar",
        ),
        recipients,
    )


@pytest.fixture
def inboxes(as_persona: AsPersona) -> AsPersona:
    """Three notifications for ben (the member), one for ana (the lead)."""
    for n in range(3):
        send(f"e{n}", "ben")
    send("for-ana", "ana")
    return as_persona


def test_the_inbox_lists_ones_own_newest_first_a_page_at_a_time(inboxes: AsPersona) -> None:
    ben = inboxes("member")
    answer = ben.get("/inbox")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["count"], body["unread"]) == (3, 3)
    assert [n["title"] for n in body["items"]] == ["title e2", "title e1", "title e0"]
    first = body["items"][0]
    assert first["object_kind"] == "dependency"
    assert first["object_id"] == "DEP-1"
    assert first["link"] == "/dependencies"
    assert first["actor"] == "omar"
    assert first["text"] == "text e2"
    assert first["read_at"] is None
    page = ben.get("/inbox", limit=1, offset=1).json()
    assert [n["title"] for n in page["items"]] == ["title e1"]
    assert page["count"] == 3
    assert [n["title"] for n in inboxes("lead").get("/inbox").json()["items"]] == ["title for-ana"]


def test_marking_one_read_and_the_unread_filter(inboxes: AsPersona) -> None:
    ben = inboxes("member")
    newest = ben.get("/inbox").json()["items"][0]
    marked = ben.post(f"/inbox/{newest['id']}/read")
    assert marked.status_code == 200
    assert marked.json()["read_at"] is not None
    assert ben.get("/inbox/unread-count").json() == {"unread": 2}
    unread = ben.get("/inbox", unread="true").json()
    assert (unread["count"], unread["unread"]) == (2, 2)
    assert newest["id"] not in [n["id"] for n in unread["items"]]


def test_mark_all_read(inboxes: AsPersona) -> None:
    ben = inboxes("member")
    answer = ben.post("/inbox/read-all")
    assert answer.status_code == 200
    assert answer.json() == {"marked": 3, "unread": 0}
    assert ben.get("/inbox/unread-count").json() == {"unread": 0}
    assert inboxes("lead").get("/inbox/unread-count").json() == {"unread": 1}


def test_someone_elses_notification_is_not_found(inboxes: AsPersona) -> None:
    anas = Notification.objects.get(recipient_id="ana")
    for persona in ("member", "admin", "outsider"):
        answer = inboxes(persona).post(f"/inbox/{anas.pk}/read")
        assert answer.status_code == 404, persona
        assert answer.headers["Content-Type"] == "application/problem+json"
    assert inboxes("member").post("/inbox/99999999/read").status_code == 404
    assert Notification.objects.get(recipient_id="ana").read_at is None


def test_the_admin_sees_only_their_own_inbox_too(inboxes: AsPersona) -> None:
    body = inboxes("admin").get("/inbox").json()
    assert (body["count"], body["items"]) == (0, [])


def test_anonymous_callers_are_refused_and_read_only_tokens_only_read(
    inboxes: AsPersona,
) -> None:
    anonymous = inboxes("anonymous")
    assert anonymous.get("/inbox").status_code == 401
    assert anonymous.get("/inbox/unread-count").status_code == 401
    assert anonymous.post("/inbox/read-all").status_code == 401
    read_only = inboxes("read_only")
    assert read_only.get("/inbox").json()["count"] == 3
    assert read_only.post("/inbox/read-all").status_code == 403
    assert read_only.get("/inbox/unread-count").json() == {"unread": 3}


def test_the_inbox_is_in_the_openapi_document(inboxes: AsPersona) -> None:
    paths = inboxes("member").get("/openapi.json").json()["paths"]
    assert set(paths["/api/v1/inbox"]) == {"get"}
    names = [p["name"] for p in paths["/api/v1/inbox"]["get"]["parameters"]]
    assert names == ["unread", "limit", "offset"]
    assert set(paths["/api/v1/inbox/unread-count"]) == {"get"}
    assert set(paths["/api/v1/inbox/read-all"]) == {"post"}
    assert set(paths["/api/v1/inbox/{notification_id}/read"]) == {"post"}
    assert "404" in paths["/api/v1/inbox/{notification_id}/read"]["post"]["responses"]


@pytest.mark.parametrize("path", ["/inbox", "/objectives"])
def test_an_offset_past_any_page_is_a_422_not_a_500(inboxes: AsPersona, path: str) -> None:
    # SQLite cannot take an OFFSET beyond 2**63; nobody's inbox holds a billion either.
    answer = inboxes("admin").get(path, offset=63219588387616694272)
    assert answer.status_code == 422
    assert "offset" in answer.text
