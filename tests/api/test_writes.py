"""Changing OKRs through the API: permissions, versions (ETag / If-Match) and clear errors."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tandem.okrs.models import Activity, KeyResult, Objective
from tests.api.conftest import ApiClient
from tests.conftest import TODAY


def test_a_member_creates_an_objective_with_key_results_for_their_team(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("member")
    response = client.post(
        "/objectives",
        {
            "cycle": "2026-Q4",
            "title": "Make search feel instant",
            "owner": "search",
            "aligns_to": "NW-1.1",
        },
    )
    assert response.status_code == 201, response.content
    objective = response.json()
    assert objective["id"] == "SEARCH-1"
    assert response["Location"] == "/api/v1/objectives/SEARCH-1"
    assert objective["level"] == "team"
    assert objective["progress"] is None  # no key results yet
    response = client.post(
        "/objectives/SEARCH-1/key-results",
        {
            "title": "Cut p95 latency from 800 to 300 ms",
            "form": "numeric",
            "start": 800,
            "target": 300,
            "unit": "ms",
            "owner": "ben",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["id"] == "SEARCH-1.1"
    assert response.json()["progress"] == 0.0
    assert client.get("/objectives/SEARCH-1").json()["key_results"] == ["SEARCH-1.1"]


def test_creating_for_another_team_is_forbidden(as_persona) -> None:  # type: ignore[no-untyped-def]
    response = as_persona("member").post(
        "/objectives", {"cycle": "2026-Q4", "title": "Take over payments", "owner": "payments"}
    )
    assert response.status_code == 403
    assert "payments" in response.json()["detail"]
    assert not Objective.objects.filter(title="Take over payments").exists()


def test_updates_need_the_version_they_were_based_on(as_persona) -> None:  # type: ignore[no-untyped-def]
    ana: ApiClient = as_persona("lead")
    ben: ApiClient = as_persona("member")
    read = ana.get("/objectives/SR-1")
    tag = read["ETag"]
    # Without If-Match: 428, and nothing changes.
    response = ana.patch("/objectives/SR-1", {"title": "Ana's title"})
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    # Ben changes it first...
    response = ben.patch("/objectives/SR-1", {"title": "Ben's title"}, headers={"If-Match": tag})
    assert response.status_code == 200
    assert response["ETag"] != tag
    # ...so Ana's change, based on the old version, is refused with the current state.
    response = ana.patch("/objectives/SR-1", {"title": "Ana's title"}, headers={"If-Match": tag})
    assert response.status_code == 412
    assert response.json()["current"]["title"] == "Ben's title"
    assert Objective.objects.get(id="SR-1").title == "Ben's title"
    # With the new version it lands.
    response = ana.patch(
        "/objectives/SR-1",
        {"title": "Ana's title"},
        headers={"If-Match": response.json()["current"] and ben.get("/objectives/SR-1")["ETag"]},
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Ana's title"


def test_an_outsider_may_read_but_not_change(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("outsider")
    tag = client.get("/objectives/SR-1")["ETag"]
    response = client.patch("/objectives/SR-1", {"title": "Mine now"}, headers={"If-Match": tag})
    assert response.status_code == 403
    # A read-only token of someone who may change it is refused too.
    response = as_persona("read_only").patch(
        "/objectives/SR-1", {"title": "x"}, headers={"If-Match": tag}
    )
    assert response.status_code == 403


def test_validation_errors_name_the_field(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("member")
    response = client.post("/objectives/SR-1/key-results", {"title": "Ship it", "form": "numeric"})
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields
    assert fields[0] in {"start", "target"}
    response = client.post("/objectives/SR-1/key-results", {"title": "x", "form": "sideways"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "form"
    response = client.post(
        "/objectives/SR-1/key-results", {"title": "x", "form": "boolean", "weight": -1}
    )
    assert response.json()["errors"][0]["field"] == "weight"


def test_alignment_loops_are_refused(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("admin")
    response = client.send("PUT", "/objectives/SR-2/alignment", {"target": "SR-1.1"})
    assert response.status_code == 200
    assert response.json()["aligns_to"] == "SR-1.1"
    # SR-1 below SR-2 would close a loop: SR-1 → SR-2 → SR-1.1 → SR-1.
    response = client.send("PUT", "/objectives/SR-1/alignment", {"target": "SR-2"})
    assert response.status_code == 409
    assert "loop" in response.json()["detail"]
    # A year's objective cannot hang below a quarter's.
    response = client.send("PUT", "/objectives/NW-1/alignment", {"target": "SR-1"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "target"
    response = client.send("DELETE", "/objectives/SR-2/alignment")
    assert response.status_code == 200
    assert response.json()["aligns_to"] is None


def test_archive_and_restore(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("member")
    assert client.post("/objectives/SR-2/archive").status_code == 204
    assert Objective.objects.get(id="SR-2").archived_at is not None
    response = client.post("/objectives/SR-2/restore")
    assert response.status_code == 200
    assert response.json()["id"] == "SR-2"
    assert client.post("/key-results/SR-1.2/archive").status_code == 204
    assert KeyResult.objects.get(id="SR-1.2").archived_at is not None
    assert client.post("/key-results/SR-1.2/restore").status_code == 200


def test_closed_cycles_are_read_only(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("admin")
    tag = client.get("/objectives/SR-Q3-1")["ETag"]
    response = client.patch(
        "/objectives/SR-Q3-1", {"title": "Rewrite history"}, headers={"If-Match": tag}
    )
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]


def test_hidden_and_missing_targets_are_refused_alike(as_persona) -> None:  # type: ignore[no-untyped-def]
    dan: ApiClient = as_persona("other_team")  # may not see BEN-1.1
    hidden = dan.send("PUT", "/objectives/IN-2/alignment", {"target": "BEN-1.1"})
    missing = dan.send("PUT", "/objectives/IN-2/alignment", {"target": "NOPE-1.1"})
    assert hidden.status_code == missing.status_code == 422
    assert hidden.json()["detail"].replace("BEN-1.1", "X") == missing.json()["detail"].replace(
        "NOPE-1.1", "X"
    )
    created = dan.post(
        "/objectives",
        {"cycle": "2026-Q4", "title": "Learn Go", "owner": "dan", "aligns_to": "BEN-1.1"},
    )
    assert created.status_code == 422
    assert created.json()["errors"][0]["field"] == "aligns_to"
    hidden = dan.post("/dependencies", {"from": "BEN-1.1", "provider": "sre", "need": "x"})
    missing = dan.post("/dependencies", {"from": "NOPE-1.1", "provider": "sre", "need": "x"})
    assert hidden.json()["detail"].replace("BEN-1.1", "X") == missing.json()["detail"].replace(
        "NOPE-1.1", "X"
    )


def test_mistakes_in_the_request_are_named(as_persona) -> None:  # type: ignore[no-untyped-def]
    ana: ApiClient = as_persona("lead")
    response = ana.post("/objectives", {"cycle": "2026-Q4", "title": "x", "owner": "serch"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "owner"
    response = ana.post("/key-results/SR-1.1/check-ins", {"valeu": 100})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "valeu"
    response = ana.post("/key-results/SR-1.1/check-ins", {"value": "12"})
    assert response.status_code == 422
    tag = ana.get("/objectives/SR-1")["ETag"]
    response = ana.patch("/objectives/SR-1", {"kind": None}, headers={"If-Match": tag})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"
    # An empty change is no change: the version stays.
    response = ana.patch("/objectives/SR-1", {}, headers={"If-Match": tag})
    assert response.status_code == 200
    assert response["ETag"] == tag
    response = ana.post("/dependencies/DEP-3/decline", {"reason": "   "})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "header",
    [
        "9" * 5000,  # past Python's limit on reading digits (4,300): was a 500
        f'W/"{"1" * 4301}"',
        "99999999999",  # more than any version can be
        '"0"',  # versions start at 1
    ],
)
def test_an_if_match_naming_a_version_that_cannot_exist_is_stale(as_persona, header) -> None:  # type: ignore[no-untyped-def]
    ana: ApiClient = as_persona("lead")
    response = ana.patch("/objectives/SR-1", {"title": "Ana's title"}, headers={"If-Match": header})
    assert response.status_code == 412, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["current"]["title"] != "Ana's title"
    assert Objective.objects.get(id="SR-1").title != "Ana's title"
    response = ana.post(
        "/dependencies/DEP-3/decline", {"reason": "No"}, headers={"If-Match": header}
    )
    assert response.status_code == 412, response.content


@pytest.mark.parametrize("header", ["three", "-1", "1.0", "\u0663", "x" * 10_000])
def test_an_if_match_that_is_not_an_etag_is_refused_not_echoed_whole(as_persona, header) -> None:  # type: ignore[no-untyped-def]
    response = as_persona("lead").patch(
        "/objectives/SR-1", {"title": "Ana's title"}, headers={"If-Match": header}
    )
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    assert "If-Match must be an ETag" in response.json()["detail"]
    assert len(response.json()["detail"]) < 200


def test_every_api_error_is_a_problem(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("member")
    response = client.send("DELETE", "/objectives/SR-1")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    response = client.get("/no/such/thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    response = client.client.post(
        "/api/v1/objectives",
        "{not json",
        content_type="application/json",
        headers=client._headers(),
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_archived_objectives_leave_lists_reports_and_exports(as_persona) -> None:  # type: ignore[no-untyped-def]
    from tests.dbstate import tandem  # noqa: PLC0415

    client: ApiClient = as_persona("admin")
    assert client.post("/objectives/SR-2/archive").status_code == 204
    assert client.post("/key-results/SR-1.2/archive").status_code == 204
    assert client.get("/objectives/SR-2").status_code == 404
    assert "SR-2" not in [o["id"] for o in client.get("/objectives", cycle="all").json()["items"]]
    assert "SR-1.2" not in client.get("/objectives/SR-1").json()["key_results"]
    report = client.get("/report", cycle="all", as_of="2026-11-21").json()
    assert "SR-2" not in [o["id"] for o in report["objectives"]]
    assert "SR-1.2" not in [k["id"] for k in report["key_results"]]
    code, out, _err = tandem("report", "--format", "json", "--cycle=all", "--as-of=2026-11-21")
    assert code == 0
    assert json.loads(out) == report
    code, out, _err = tandem("export", "--format", "json")
    assert "SR-2" not in [o["id"] for o in json.loads(out)["objectives"]]
    # Restored, it is back everywhere.
    assert client.post("/objectives/SR-2/restore").status_code == 200
    assert "SR-2" in [o["id"] for o in client.get("/objectives", cycle="all").json()["items"]]


def test_the_history_names_who_changed_what_through_the_api(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("member")
    created = client.post(
        "/objectives", {"cycle": "2026-Q4", "title": "Index faster", "owner": "search"}
    )
    assert created.status_code == 201, created.content
    oid = created.json()["id"]
    assert (
        client.post(
            f"/objectives/{oid}/key-results",
            {"title": "Index in 5 min", "form": "numeric", "start": 60, "target": 5},
        ).status_code
        == 201
    )
    read = client.get(f"/objectives/{oid}")
    assert (
        client.patch(
            f"/objectives/{oid}", {"title": "Index much faster"}, headers={"If-Match": read["ETag"]}
        ).status_code
        == 200
    )
    assert (
        client.send("PUT", f"/objectives/{oid}/alignment", {"target": "NW-1.1"}).status_code == 200
    )
    assert client.post(f"/key-results/{oid}.1/archive").status_code == 204
    assert client.post(f"/key-results/{oid}.1/restore").status_code == 200
    assert client.post(f"/objectives/{oid}/archive").status_code == 204
    assert client.post(f"/objectives/{oid}/restore").status_code == 200
    history = list(
        Activity.objects.filter(objective_id=oid).order_by("id").values_list("verb", "by_id")
    )
    assert [verb for verb, _ in history] == [
        "created",
        "created",
        "updated",
        "aligned",
        "archived",
        "restored",
        "archived",
        "restored",
    ]
    assert {by for _, by in history} == {"ben"}


def test_a_description_has_at_most_5000_characters(as_persona) -> None:  # type: ignore[no-untyped-def]
    """F16: one rule and one message, the services', for every write that takes one."""
    client: ApiClient = as_persona("member")
    message = (
        "a description has at most 5000 characters (this one has 5001); link to a longer "
        "document instead"
    )
    long = "x" * 5001
    writes = [
        ("POST", "/objectives", {"cycle": "2026-Q4", "title": "T", "owner": "search"}),
        ("PATCH", "/objectives/SR-2", {}),
        ("POST", "/objectives/SR-2/key-results", {"title": "T", "form": "boolean"}),
        ("PATCH", "/key-results/SR-2.1", {}),
    ]
    for method, path, body in writes:
        response = client.send(
            method, path, body | {"description": long}, headers={"If-Match": "*"}
        )
        assert response.status_code == 422, (path, response.content)
        assert response.json()["errors"] == [{"field": "description", "message": message}], path
    new_key_result = {"title": "T", "form": "boolean", "description": long}
    accepted = as_persona("lead").post(
        "/dependencies/DEP-3/accept", {"objective": "SR-2", "new_key_result": new_key_result}
    )
    assert accepted.status_code == 422
    errors = accepted.json()["errors"]
    assert errors == [{"field": "new_key_result.description", "message": message}]
    # 5,000 is fine, and the spaces around do not count.
    fits = {"description": " " + "x" * 5000 + " "}
    response = client.patch("/objectives/SR-2", fits, headers={"If-Match": "*"})
    assert response.status_code == 200
    assert response.json()["description"] == "x" * 5000


# --- since: a key result added mid-cycle is measured from then ------------------------------


def test_a_key_result_created_today_is_neither_off_track_nor_stale_today(  # type: ignore[no-untyped-def]
    as_persona, settings
) -> None:
    settings.TANDEM_TODAY = TODAY  # 2026-Q4 is under way: 51 of its 91 days are gone
    client: ApiClient = as_persona("member")
    body = {"title": "Cut p95 latency", "form": "numeric", "start": 800, "target": 300}
    response = client.post("/objectives/SR-1/key-results", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["since"] == TODAY.isoformat()
    assert created["expected_progress"] == 0
    assert (created["own_health"], created["health"], created["stale"]) == (
        "on_track",
        "on_track",
        False,
    )
    # Measured from the cycle's start instead (since: null), nothing done is far behind.
    response = client.post("/objectives/SR-1/key-results", body | {"since": None})
    from_start = response.json()
    assert from_start["since"] == "2026-10-01"
    assert (from_start["own_health"], from_start["stale"]) == ("off_track", True)


def test_since_is_set_by_a_patch_and_refused_after_the_cycles_end(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("lead")
    tag = client.get("/key-results/SR-1.1")["ETag"]
    response = client.patch(
        "/key-results/SR-1.1", {"since": "2027-01-02"}, headers={"If-Match": tag}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "since"
    assert "after the end of cycle 2026-Q4 (2026-12-31)" in response.json()["detail"]
    response = client.patch(
        "/key-results/SR-1.1", {"since": "2026-11-20"}, headers={"If-Match": tag}
    )
    assert response.status_code == 200, response.content
    assert response.json()["since"] == "2026-11-20"
    assert KeyResult.objects.get(id="SR-1.1").since == date(2026, 11, 20)
    assert Activity.objects.filter(subject_id="SR-1.1", detail="since").exists()
    response = client.patch(
        "/key-results/SR-1.1", {"since": None}, headers={"If-Match": response["ETag"]}
    )
    assert response.json()["since"] == "2026-10-01"
    assert KeyResult.objects.get(id="SR-1.1").since is None
