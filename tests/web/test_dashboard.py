"""The dashboard, for every persona: by team (chart data and table), stale check-ins,
unanswered requests, alignment coverage and quality findings."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tandem.dependencies.services import dependency_create
from tests.web.conftest import HIDDEN, SIGNED_IN
from tests.web.test_exports import query_counts


def chart(body: str) -> dict[str, Any]:
    found = re.search(r'<script id="team-chart-data" type="application/json">(.*?)</script>', body)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def section(body: str, heading_id: str) -> str:
    start = body.index(f'id="{heading_id}"')
    return body[start : body.index("</section>", start)]


@pytest.mark.parametrize("persona", [*SIGNED_IN, "anonymous"])
def test_dashboard_for_every_persona(web_as: Callable[[str], Client], persona: str) -> None:
    response = web_as(persona).get("/dashboard")
    if persona == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Dashboard</h1>" in body
    assert 'aria-current="page">Dashboard</a>' in body
    assert "web/vendor/chart-4.6.1.umd.min.js" in body
    assert "web/dashboard.js" in body
    assert 'href="/report.csv"' in body
    assert 'href="/report.xlsx"' in body
    assert 'href="/report">Print</a>' in body
    data = chart(body)
    assert data["labels"][0].startswith("Northwind (")
    search = data["labels"].index(next(label for label in data["labels"] if "Search" in label))
    per_health = {health: counts[search] for health, counts in data["counts"].items()}
    # Search's objectives and ben's: BEN-1 counts only for who may see it.
    total = 3 if persona in HIDDEN["BEN-1"] else 2
    assert sum(per_health.values()) == total
    # The table repeats the chart's figures, health in words in its headers.
    teams = section(body, "teams-heading")
    assert '<th scope="col">At risk</th>' in teams
    assert '<a href="/teams/search">Search</a>' in teams
    for hidden, allowed in HIDDEN.items():
        if persona not in allowed:
            assert hidden not in body, hidden
    # DEP-4 (declined, from MO-1.1) is among the admin's findings, linked to MO-1.
    assert ("DEP-4" in body) is (persona in HIDDEN["DEP-4"])


def test_stale_check_ins_requests_and_coverage(web_as: Callable[[str], Client]) -> None:
    body = web_as("admin").get("/dashboard").content.decode()
    stale = section(body, "stale-heading")
    assert 'href="/objectives/IN-2"' in stale
    assert "IN-2.1" in stale
    assert "Omar Haddad" in stale
    assert "30 days ago" in stale
    requests = section(body, "requests-heading")
    assert "DEP-3" in requests
    assert "Customer Success asks" in requests
    assert "due 2026-12-05" in requests
    coverage = section(body, "coverage-heading")
    assert "93%" in coverage
    assert "100%" in coverage
    assert 'href="/objectives/IN-2"' in coverage


def test_requests_are_listed_oldest_first(web_as: Callable[[str], Client]) -> None:
    dependency_create(
        by_id="ana",
        from_id="SR-2.1",
        provider_team_id="cs",
        need="A list of the top unanswered questions",
    )
    body = web_as("admin").get("/dashboard").content.decode()
    requests = section(body, "requests-heading")
    assert requests.index("DEP-3") < requests.index("top unanswered questions")


def test_findings_grouped_by_rule_with_links(web_as: Callable[[str], Client]) -> None:
    body = web_as("admin").get("/dashboard").content.decode()
    findings = section(body, "findings-heading")
    assert "<summary>stale-checkin: 1 warning</summary>" in findings
    assert "<summary>dependency-overdue: 1 error</summary>" in findings
    # A key result's finding links to its objective's page; a dependency's to its requester's.
    assert '<a href="/objectives/IN-2"><span class="id">IN-2.1</span></a>' in findings
    assert '<a href="/objectives/MO-1"><span class="id">DEP-4</span></a>' in findings
    member = web_as("member").get("/dashboard").content.decode()
    assert "dependency-declined" not in member  # DEP-4 is about MO-1.1, hidden from ben


def test_team_and_cycle_filters(web_as: Callable[[str], Client]) -> None:
    client = web_as("other_team")
    body = client.get("/dashboard", {"team": "infra"}).content.decode()
    labels = chart(body)["labels"]
    assert [label.split(" (")[0] for label in labels] == ["Infrastructure", "Site Reliability"]
    assert 'href="/report.csv?team=infra"' in body
    assert "possible-overlap" not in body  # about SR-2, not Infrastructure's
    empty = client.get("/dashboard", {"cycle": "2026-Q3", "team": "mobile"}).content.decode()
    assert "No objectives in this scope that you may see" in empty
    assert "team-chart-data" not in empty
    wrong = client.get("/dashboard", {"cycle": "nope"}).content.decode()
    assert "Select a valid choice" in wrong


def test_dashboard_takes_the_same_queries_at_any_size(db: None, generated_file: Any) -> None:
    def paths(team: str) -> list[str]:
        return ["/dashboard", f"/dashboard?team={team}", "/dashboard?cycle=all"]

    assert query_counts(paths, generated_file(100)) == query_counts(paths, generated_file(300))
