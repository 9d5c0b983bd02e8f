"""The comments API: the same threads, rules and mistakes as the pages, as JSON."""

from __future__ import annotations

from collections.abc import Callable

from tandem.checkins.models import CheckIn
from tests.api.conftest import ApiClient

AsPersona = Callable[[str], ApiClient]


def paths() -> list[str]:
    checkin = CheckIn.objects.filter(key_result_id="SR-1.1").first()
    assert checkin is not None
    return [
        "/objectives/SR-1/comments",
        "/key-results/SR-1.1/comments",
        f"/check-ins/{checkin.pk}/comments",
        "/dependencies/DEP-1/comments",
    ]


def test_each_kind_of_target_takes_and_lists_comments(as_persona: AsPersona) -> None:
    lead = as_persona("lead")
    for path in paths():
        assert lead.get(path).json() == {"items": []}
        created = lead.post(path, {"text": "  Hello @ben and @infra  "})
        assert created.status_code == 201, created.json()
        body = created.json()
        assert created["ETag"] == '"1"'
        assert body["text"] == "Hello @ben and @infra"
        assert body["author"] == "ana"
        assert body["mentions"] == [
            {"id": "ben", "kind": "person", "name": "Ben Okafor"},
            {"id": "infra", "kind": "team", "name": "Infrastructure"},
        ]
        assert body["not_notified"] == []
        assert [c["id"] for c in as_persona("member").get(path).json()["items"]] == [body["id"]]


def test_mistakes_are_problems_on_the_text_field(as_persona: AsPersona) -> None:
    lead = as_persona("lead")
    for text, words in [("  ", "cannot be empty"), ("x" * 5001, "at most 5,000")]:
        response = lead.post("/objectives/SR-1/comments", {"text": text})
        assert response.status_code == 422
        assert words in response.json()["detail"]
        assert response.json()["errors"][0]["field"] == "text"
    assert lead.post("/objectives/SR-1/comments", {}).status_code == 422


def test_hidden_targets_are_not_found_and_read_only_tokens_do_not_write(
    as_persona: AsPersona,
) -> None:
    outsider = as_persona("outsider")
    assert outsider.get("/objectives/BEN-1/comments").status_code == 404
    assert outsider.post("/key-results/BEN-1.1/comments", {"text": "hi"}).status_code == 404
    assert outsider.get("/objectives/NOPE/comments").status_code == 404
    assert (
        as_persona("read_only").post("/objectives/SR-1/comments", {"text": "x"}).status_code == 403
    )
    assert as_persona("anonymous").get("/objectives/SR-1/comments").status_code == 401


def test_a_mention_that_cannot_see_the_target_is_reported(as_persona: AsPersona) -> None:
    response = as_persona("member").post("/objectives/BEN-1/comments", {"text": "@cai @ana"})
    assert response.json()["not_notified"] == ["cai"]


def test_edits_are_the_authors_and_follow_if_match(as_persona: AsPersona) -> None:
    member = as_persona("member")
    made = member.post("/objectives/SR-1/comments", {"text": "first"}).json()
    path = f"/comments/{made['id']}"
    refused = as_persona("lead").patch(path, {"text": "mine"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "only its author edits a comment"
    edited = member.patch(path, {"text": "second @cai"}, headers={"If-Match": '"1"'})
    assert edited.status_code == 200
    assert edited["ETag"] == '"2"'
    assert (edited.json()["text"], edited.json()["edited"]) == ("second @cai", True)
    stale = member.patch(path, {"text": "third"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412


def test_removal_keeps_the_comment_in_place_without_text(as_persona: AsPersona) -> None:
    made = as_persona("member").post("/objectives/SR-1/comments", {"text": "oops"}).json()
    path = f"/comments/{made['id']}"
    assert as_persona("lead").send("DELETE", path).status_code == 403
    removed = as_persona("admin").send("DELETE", path)
    assert removed.status_code == 200
    assert (removed.json()["removed"], removed.json()["text"]) == (True, None)
    listed = as_persona("lead").get("/objectives/SR-1/comments").json()["items"]
    assert [(c["id"], c["removed"], c["text"]) for c in listed] == [(made["id"], True, None)]
    assert as_persona("member").patch(path, {"text": "back"}).status_code == 409
    assert as_persona("outsider").send("DELETE", "/comments/999999").status_code == 404


def test_the_comments_of_a_hidden_target_are_not_found_by_id(as_persona: AsPersona) -> None:
    made = as_persona("member").post("/objectives/BEN-1/comments", {"text": "private"}).json()
    response = as_persona("outsider").patch(f"/comments/{made['id']}", {"text": "x"})
    assert response.status_code == 404
    assert response.json()["detail"] == f"there is no comment {made['id']}"


def test_the_openapi_document_describes_the_comments(as_persona: AsPersona) -> None:
    schema = as_persona("lead").get("/openapi.json").json()
    for path in ["/api/v1/objectives/{objective_id}/comments", "/api/v1/comments/{comment_id}"]:
        assert path in schema["paths"]
    patch = schema["paths"]["/api/v1/comments/{comment_id}"]["patch"]
    assert any(p["name"] == "If-Match" for p in patch["parameters"])
