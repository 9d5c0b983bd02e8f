"""Reading through the API: the report equals the CLI's, and hidden objectives do not exist."""

from __future__ import annotations

import json

import pytest

from tandem.dependencies.models import Dependency
from tests.api.conftest import ApiClient
from tests.dbstate import tandem

AS_OF = "2026-11-21"


def test_the_admins_report_is_the_clis_report(as_persona) -> None:  # type: ignore[no-untyped-def]
    for query in ({"cycle": "all"}, {}, {"team": "search"}, {"cycle": "2026-Q3"}):
        args = [f"--{key}={value}" for key, value in query.items()]
        code, out, err = tandem("report", "--format", "json", f"--as-of={AS_OF}", *args)
        assert code == 0, err
        response = as_persona("admin").get("/report", as_of=AS_OF, **query)
        assert response.status_code == 200
        assert response.json() == json.loads(out)


def test_the_report_leaves_out_what_the_caller_may_not_see(as_persona) -> None:  # type: ignore[no-untyped-def]
    report = as_persona("other_team").get("/report", as_of=AS_OF, cycle="all").json()
    ids = {
        row["id"] for part in ("objectives", "key_results", "dependencies") for row in report[part]
    }
    assert "SR-1" in ids
    assert not ids & {"BEN-1", "BEN-1.1", "MO-1", "MO-1.1", "MO-1.2", "DEP-4"}
    assert "BEN-1" not in json.dumps(report)
    # Aggregates are computed on what is seen: the admin counts MO-1 among the aligned.
    admin = as_persona("admin").get("/report", as_of=AS_OF, cycle="all").json()
    assert admin["alignment"] != report["alignment"] or admin["objectives"] != report["objectives"]


def test_hidden_objectives_answer_404_like_missing_ones(as_persona) -> None:  # type: ignore[no-untyped-def]
    hidden = as_persona("outsider").get("/objectives/BEN-1")
    missing = as_persona("outsider").get("/objectives/NOPE-1")
    assert hidden.status_code == missing.status_code == 404
    assert hidden["Content-Type"] == "application/problem+json"
    assert hidden.json()["detail"] == "there is no objective 'BEN-1'"
    assert as_persona("member").get("/objectives/BEN-1").status_code == 200
    assert as_persona("lead").get("/objectives/BEN-1").status_code == 200  # ben's manager
    assert as_persona("outsider").get("/key-results/BEN-1.1").status_code == 404
    assert as_persona("outsider").get("/key-results/BEN-1.1/check-ins").status_code == 404


def test_an_objective_carries_the_reports_numbers_and_its_version(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("member")
    response = client.get("/objectives/SR-1", as_of=AS_OF)
    report = client.get("/report", as_of=AS_OF, cycle="all").json()
    row = next(r for r in report["objectives"] if r["id"] == "SR-1")
    body = response.json()
    assert {key: body[key] for key in row} == row
    assert response["ETag"] == f'"{body["version"]}"'
    kr = client.get("/key-results/SR-1.1", as_of=AS_OF).json()
    kr_row = next(r for r in report["key_results"] if r["id"] == "SR-1.1")
    assert {key: kr[key] for key in kr_row} == kr_row
    assert kr["form"] == "numeric"


def test_objective_lists_filter(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("admin")

    def ids(**query: str) -> list[str]:
        response = client.get("/objectives", as_of=AS_OF, **query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["items"]]

    everything = ids(cycle="all")
    assert "BEN-1" in everything
    assert "SR-Q3-1" in everything
    assert "SR-Q3-1" not in ids()  # default: the cycles under way
    assert set(ids(team="search")) >= {"SR-1", "SR-2", "BEN-1"}
    assert "IN-1" not in ids(team="search")
    assert ids(owner="ben") == ["BEN-1"]
    assert all(o.startswith("NW-") for o in ids(level="company"))
    assert ids(q="caching pay") == ["BEN-1"]
    off_track = ids(health="off_track", cycle="all")
    report = client.get("/report", as_of=AS_OF, cycle="all").json()
    assert off_track == [r["id"] for r in report["objectives"] if r["health"] == "off_track"]
    page = client.get("/objectives", cycle="all", limit=2, offset=1).json()
    assert page["count"] == len(everything)
    assert [r["id"] for r in page["items"]] == everything[1:3]
    # What is hidden is not counted either.
    assert "BEN-1" not in [
        r["id"] for r in as_persona("outsider").get("/objectives", team="search").json()["items"]
    ]


def test_unknown_filters_say_what_is_wrong(as_persona) -> None:  # type: ignore[no-untyped-def]
    response = as_persona("member").get("/objectives", team="nope")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "team", "message": "there is no team 'nope'; GET /api/v1/teams lists them"}
    ]
    response = as_persona("member").get("/report", cycle="1999")
    assert response.status_code == 422
    assert "unknown cycle '1999'" in response.json()["detail"]
    response = as_persona("member").get("/objectives", health="great")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "health"


def test_alignment_tree(as_persona) -> None:  # type: ignore[no-untyped-def]
    tree = as_persona("admin").get("/alignment", as_of=AS_OF).json()
    assert [root["id"] for root in tree["roots"]][:1] == ["NW-1"]

    def walk(nodes: list[dict]) -> list[str]:  # type: ignore[type-arg]
        found = []
        for node in nodes:
            found.append(node["id"])
            found += walk(node["aligned"])
            for kr in node["key_results"]:
                found += walk(kr["aligned"])
        return found

    everything = walk(tree["roots"]) + walk(tree["orphans"])
    assert "MO-1" in everything
    assert "BEN-1" in everything
    assert len(everything) == len(set(everything))
    seen = as_persona("outsider").get("/alignment", as_of=AS_OF).json()
    assert "MO-1" not in json.dumps(seen)
    assert "BEN-1" not in json.dumps(seen)


def test_directory(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("member")
    me = client.get("/me").json()
    assert me["person"]["id"] == "ben"
    assert me["teams"] == ["search"]
    assert not me["admin"]
    team = client.get("/teams/infra").json()
    assert team["lead"] == "omar"
    assert team["children"] == ["sre"]
    assert len(client.get("/teams").json()) == 7
    assert client.get("/people", q="ana").json()["items"][0]["id"] == "ana"
    assert client.get("/cycles/2026-Q3").json()["state"] == "closed"
    assert client.get("/people/nobody").status_code == 404


@pytest.mark.parametrize("path", ["/me", "/report", "/objectives"])
def test_no_token_is_401_with_how_to_get_one(path: str, as_persona) -> None:  # type: ignore[no-untyped-def]
    response = as_persona("anonymous").get(path)
    assert response.status_code == 401
    assert "tandem token create" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_garbled_token_is_401(as_persona) -> None:  # type: ignore[no-untyped-def]
    client = as_persona("anonymous")
    client.token = "tdm_nope_nope"
    assert client.get("/me").status_code == 401


def test_the_openapi_document_and_docs_are_served(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/key-results/{key_result_id}/check-ins" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize("persona", ["admin", "member"])
def test_what_belongs_to_archived_work_is_not_found_either(as_persona, persona: str) -> None:  # type: ignore[no-untyped-def]
    """F15: an archived objective's key results, their check-ins and the requests it made
    answer 404 as it does; its requests cannot be answered or cancelled (409) until it is
    restored; an archived key result leaves its objective's list."""
    client: ApiClient = as_persona(persona)
    ben: ApiClient = as_persona("member")
    assert ben.post("/key-results/SR-1.2/archive").status_code == 204
    assert client.get("/objectives/SR-1").json()["key_results"] == ["SR-1.1"]
    assert [kr["id"] for kr in client.get("/objectives/SR-1/key-results").json()] == ["SR-1.1"]
    assert ben.post("/objectives/SR-1/archive").status_code == 204
    for path in (
        "/objectives/SR-1",
        "/objectives/SR-1/key-results",
        "/key-results/SR-1.1",
        "/key-results/SR-1.1/check-ins",
        "/key-results/SR-1.2/check-ins",
        "/dependencies/DEP-1",  # from SR-1.1: its state and history
    ):
        response = client.get(path)
        assert response.status_code == 404, (path, response.content)
    assert "DEP-1" not in client.get("/teams/infra/dependencies/incoming").content.decode()
    assert "DEP-1" not in client.get("/teams/search/dependencies/outgoing").content.decode()
    version = Dependency.objects.get(id="DEP-1").version
    refused = ben.post("/dependencies/DEP-1/cancel", {"reason": "not needed"})
    assert refused.status_code == 409, refused.content
    assert refused.json()["detail"] == (
        "DEP-1 comes from an archived objective or key result; restore it before changing the "
        "request"
    )
    dependency = Dependency.objects.get(id="DEP-1")
    assert (dependency.state, dependency.version) == ("accepted", version)  # nothing written
    assert ben.post("/objectives/SR-1/restore").status_code == 200
    assert client.get("/dependencies/DEP-1").json()["state"] == "accepted"
    assert client.get("/key-results/SR-1.1/check-ins").status_code == 200


@pytest.mark.parametrize(
    ("persona", "teams", "leads"),
    [
        ("admin", ["nw"], ["nw"]),  # zoe, an admin, leads the company's root team
        ("lead", ["search"], ["search"]),
        ("member", ["search"], []),
        ("other_team", ["infra"], []),
    ],
)
def test_me_names_the_teams_of_admins_too(as_persona, persona: str, teams, leads) -> None:  # type: ignore[no-untyped-def]
    """F17: an admin's teams are theirs like anyone's (they see everything without them)."""
    me = as_persona(persona).get("/me").json()
    assert (me["teams"], me["leads"]) == (teams, leads)


def test_the_openapi_document_declares_if_match_and_its_428(client) -> None:  # type: ignore[no-untyped-def]
    """F19: the writes that read If-Match declare it, required on PATCH, with their 428."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    takes = {
        ("patch", "/objectives/{objective_id}"): True,
        ("patch", "/key-results/{key_result_id}"): True,
        ("post", "/objectives/{objective_id}/archive"): False,
        ("post", "/objectives/{objective_id}/restore"): False,
        ("put", "/objectives/{objective_id}/alignment"): False,
        ("delete", "/objectives/{objective_id}/alignment"): False,
        ("post", "/key-results/{key_result_id}/archive"): False,
        ("post", "/key-results/{key_result_id}/restore"): False,
        **{("post", f"/dependencies/{{dependency_id}}/{a}"): False for a in ("accept", "decline")},
        **{("post", f"/dependencies/{{dependency_id}}/{a}"): False for a in ("deliver", "cancel")},
    }
    for (method, path), required in takes.items():
        operation = paths[f"/api/v1{path}"][method]
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        assert [(h["name"], h["required"]) for h in headers] == [("If-Match", required)], path
        answer = operation["responses"]["428"]
        assert "If-Match" in answer["description"], path
        assert answer["content"]["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"
        }
    # Writes that do not read it do not declare it.
    for method, path in (
        ("post", "/objectives"),
        ("post", "/key-results/{key_result_id}/check-ins"),
    ):
        operation = paths[f"/api/v1{path}"][method]
        assert not [p for p in operation.get("parameters", []) if p["in"] == "header"]
