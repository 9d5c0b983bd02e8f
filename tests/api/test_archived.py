"""Archived people through the API: the directory says when they were archived, and nobody
waits for their check-ins."""

from __future__ import annotations

from typing import Any

from tandem.people.services import person_archive, person_restore
from tests.api.conftest import ApiClient


def test_the_directory_says_who_is_archived(as_persona: Any) -> None:
    client: ApiClient = as_persona("member")
    assert client.get("/people/cai").json()["archived_at"] is None
    person_archive(person_id="cai")
    cai = client.get("/people/cai").json()
    assert cai["archived_at"] is not None
    assert cai["name"] == "Cai Wen"  # still in the directory, under their name
    listed = {p["id"]: p["archived_at"] for p in client.get("/people").json()["items"]}
    assert listed["cai"] == cai["archived_at"]
    assert listed["ben"] is None


def test_an_archived_persons_key_results_are_not_due(as_persona: Any) -> None:
    client: ApiClient = as_persona("member")  # ben, in Search; cai owns SR-1.2
    due = [item["key_result"] for item in client.get("/attention").json()["checkins_due"]]
    assert "SR-1.2" in due
    person_archive(person_id="cai")
    due = [item["key_result"] for item in client.get("/attention").json()["checkins_due"]]
    assert "SR-1.2" not in due
    assert "SR-1.1" in due  # ben's own, as ever
    team = client.get("/teams/search/attention").json()["checkins_due"]
    assert "SR-1.2" not in [item["key_result"] for item in team]
    person_restore(person_id="cai")
    due = [item["key_result"] for item in client.get("/attention").json()["checkins_due"]]
    assert "SR-1.2" in due


def patch(client: ApiClient, path: str, body: dict[str, Any]) -> Any:
    return client.patch(path, body, headers={"If-Match": client.get(path)["ETag"]})


def test_an_archived_person_is_given_nothing_new(as_persona: Any) -> None:
    client: ApiClient = as_persona("admin")
    person_archive(person_id="cai")
    refused = client.post(
        "/objectives/SR-1/key-results",
        {"title": "Faster answers", "form": "numeric", "start": 1, "target": 2, "owner": "cai"},
    )
    assert refused.status_code == 422, refused.content
    assert "'cai' is archived: choose someone else" in refused.json()["detail"]
    refused = patch(client, "/key-results/PA-1.1", {"contributors": ["cai", "search"]})
    assert refused.status_code == 422, refused.content
    refused = client.post(
        "/objectives",
        {"cycle_id": "2026-Q4", "title": "Mine", "owner": "cai"},
    )
    assert refused.status_code == 422, refused.content
    # What already holds them stays: SR-1.2 is cai's, and edits that keep them are taken.
    kept = patch(client, "/key-results/SR-1.2", {"owner": "cai", "title": "Still cai's"})
    assert kept.status_code == 200, kept.content
    kept = patch(client, "/key-results/SR-1.1", {"contributors": ["cai"]})  # cai was one
    assert kept.status_code == 200, kept.content
