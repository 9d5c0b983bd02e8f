"""What needs attention through the API: the caller's, and a team's in what they may see."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import ApiClient
from tests.personas import HIDDEN, PERSONAS


def test_my_attention_lists_my_check_ins_and_my_teams_requests(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("member")  # ben, in Search
    response = client.get("/attention")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [item["key_result"] for item in body["checkins_due"]] == [
        "SR-2.1",
        "BEN-1.1",
        "SR-1.1",
        "SR-1.2",
    ]
    assert body["checkins_due"][0]["stale"] is True
    assert [(r["id"], r["provider"], r["from_id"]) for r in body["requests_waiting"]] == [
        ("DEP-3", "search", "CS-1.1")
    ]
    assert body["deliveries_overdue"] == []
    assert body["reviews_due"] == []


def test_a_teams_attention_has_its_overdue_deliveries_and_reviews(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("lead")
    infra = client.get("/teams/infra/attention").json()
    assert [(d["id"], d["due"], d["days_overdue"] > 0) for d in infra["deliveries_overdue"]] == [
        ("DEP-1", "2026-12-01", True)
    ]
    later = client.get("/teams/search/attention", as_of="2027-01-10").json()
    assert later["as_of"] == "2027-01-10"
    assert [r["objective"] for r in later["reviews_due"]] == ["SR-1", "SR-2"]


@pytest.mark.parametrize("persona", [name for name in PERSONAS if name != "anonymous"])
def test_a_private_objectives_key_result_never_shows_to_who_may_not_see_it(
    persona: str,
    as_persona,  # type: ignore[no-untyped-def]
) -> None:
    client: ApiClient = as_persona(persona)
    answers = [client.get("/attention")] + [
        client.get(f"/teams/{team}/attention") for team in ("search", "mobile", "nw")
    ]
    assert all(answer.status_code == 200 for answer in answers)
    text = json.dumps([answer.json() for answer in answers])
    for hidden in ("BEN-1.1", "MO-1.1", "MO-1.2"):
        if persona not in HIDDEN[hidden]:
            assert hidden not in text, (hidden, persona)
    # Those who may see them find them where they wait: BEN-1.1 for ben, MO-1's for admins.
    if persona in ("member", "read_only"):
        assert "BEN-1.1" in text
    if persona == "admin":
        assert "MO-1.1" in text


def test_an_unknown_team_and_an_anonymous_caller_are_refused(as_persona) -> None:  # type: ignore[no-untyped-def]
    response = as_persona("member").get("/teams/no-such-team/attention")
    assert response.status_code == 404
    assert "GET /api/v1/teams lists them" in response.json()["detail"]
    assert as_persona("anonymous").get("/attention").status_code == 401


def test_the_openapi_document_describes_both(client) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/attention", "/api/v1/teams/{team_id}/attention"):
        operation = paths[path]["get"]
        assert operation["description"]
        assert "200" in operation["responses"]
