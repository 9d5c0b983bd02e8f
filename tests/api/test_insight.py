"""SPEC section 5 through the API: the calibration, the critical providers and the blast radius
endpoints give the report's numbers, on what the caller may see."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import ApiClient
from tests.dbstate import tandem

AS_OF = "2026-11-21"


@pytest.mark.parametrize("persona", ["admin", "member", "outsider"])
def test_the_insight_endpoints_give_the_reports_numbers(as_persona, persona: str) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona(persona)
    report = client.get("/report", as_of=AS_OF, cycle="all").json()
    calibration = client.get("/calibration", as_of=AS_OF, cycles=0).json()
    assert [
        {key: row[key] for key in ("team", "n", "brier", "overconfidence")}
        for row in calibration["teams"]
    ] == report["calibration"]
    assert report["calibration"]  # the demo's Q3 is closed and has confidences
    critical = client.get("/critical-providers", as_of=AS_OF, cycle="all").json()
    assert [item["key_result"] for item in critical["items"]] == report["critical_providers"]
    rows = {row["id"]: row for row in report["key_results"]}
    for item in critical["items"]:
        assert item["blast_radius"] == rows[item["key_result"]]["blast_radius"]
        assert item["path"]  # to another team
    for kid in ("SRE-1.1", "IN-1.1", "SR-1.1"):
        radius = client.get(f"/key-results/{kid}/blast-radius", as_of=AS_OF).json()
        counts = {key: radius[key] for key in ("key_results", "objectives", "teams")}
        assert counts == rows[kid]["blast_radius"]
        assert len(radius["reached"]) == radius["key_results"]


def test_critical_providers_come_with_their_chain(as_persona) -> None:  # type: ignore[no-untyped-def]
    items = as_persona("admin").get("/critical-providers", as_of=AS_OF).json()["items"]
    assert [item["key_result"] for item in items] == ["SRE-1.1", "IN-1.1"]
    sre, infra = items
    assert sre["blast_radius"] == {"key_results": 2, "objectives": 2, "teams": 2}
    assert [link["dependency"] for link in sre["path"]] == ["DEP-2"]
    assert sre["chain"] == []  # off track by its own confidence
    # IN-1.1 is off track because SRE-1.1 is: the chain says so.
    assert [(step["dependency"], step["provider_kr"]) for step in infra["chain"]] == [
        ("DEP-2", "SRE-1.1")
    ]


def test_what_if_lists_objectives_that_would_turn_off_track_and_hides_the_private(
    as_persona,
) -> None:  # type: ignore[no-untyped-def]
    member = as_persona("member").get("/key-results/BEN-1.1/blast-radius", as_of=AS_OF).json()
    assert [row["objective"] for row in member["what_if"]] == ["BEN-1"]
    payments = as_persona("outsider").get("/key-results/PA-1.2/blast-radius", as_of=AS_OF)
    assert [row["objective"] for row in payments.json()["what_if"]] == ["PA-1"]
    hidden = as_persona("outsider").get("/key-results/BEN-1.1/blast-radius", as_of=AS_OF)
    assert hidden.status_code == 404
    assert "BEN-1" not in json.dumps(as_persona("outsider").get("/calibration").json())


def test_the_cli_on_the_database_gives_the_same_insight_as_the_api(as_persona) -> None:  # type: ignore[no-untyped-def]
    code, out, err = tandem("report", "--format", "json", f"--as-of={AS_OF}", "--cycle=all")
    assert code == 0, err
    cli = json.loads(out)
    api = as_persona("admin").get("/report", as_of=AS_OF, cycle="all").json()
    assert cli["calibration"] == api["calibration"]
    assert cli["critical_providers"] == api["critical_providers"]
    forecasts = [(row["id"], row["forecast"]) for row in cli["key_results"]]
    assert forecasts == [(row["id"], row["forecast"]) for row in api["key_results"]]
    assert any(value is not None for _id, value in forecasts)
