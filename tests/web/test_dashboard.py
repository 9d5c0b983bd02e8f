"""The dashboard, for every persona: by team (chart data and table), stale check-ins,
unanswered requests, alignment coverage and quality findings."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tandem.checkins.services import checkin_record
from tandem.core.quality import RULES, lint
from tandem.dependencies.services import dependency_create
from tandem.web.views import dashboard as dashboard_view
from tests.conftest import TODAY
from tests.personas import HIDDEN, SIGNED_IN
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
    assert "due 5 Dec 2026" in requests
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
    assert "<summary>No recent check-in: 1 warning</summary>" in findings
    assert "<summary>Help overdue: 1 error</summary>" in findings
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


# --- the quality findings are linted once per evaluation ---------------------------------


def test_findings_are_linted_once_and_again_after_a_check_in(
    web_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[int] = []

    def counting(org: Any, evaluation: Any) -> Any:
        runs.append(1)
        return lint(org, evaluation)

    monkeypatch.setattr("tandem.organization.cache.lint", counting)
    client = web_as("admin")
    first = section(client.get("/dashboard").content.decode(), "findings-heading")
    assert "<summary>No recent check-in: 1 warning</summary>" in first
    assert '<a href="/objectives/IN-2"><span class="id">IN-2.1</span></a>' in first
    client.get("/dashboard")
    client.get("/dashboard?rule=stale-checkin")
    assert len(runs) == 1  # the second request and the list page read what was linted
    # Omar checks in on IN-2.1: it is no longer stale, on the very next request.
    checkin_record(key_result_id="IN-2.1", day=TODAY, value=1, author_id="omar")
    body = client.get("/dashboard").content.decode()
    assert len(runs) == 2
    assert "stale-checkin" not in section(body, "findings-heading")
    assert "IN-2.1" not in section(body, "stale-heading")
    assert "Stale check-ins (0)" in body
    # The API's lint reads the same findings.
    assert client.get("/api/v1/lint", {"as_of": TODAY.isoformat()}).status_code == 200
    assert len(runs) == 2


# --- each list shows its first items, with the count and a page of its own -------------


def test_a_long_list_shows_its_first_items_and_links_to_all_of_them(
    web_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    dependency_create(
        by_id="ana", from_id="SR-2.1", provider_team_id="cs", need="The top unanswered questions"
    )
    monkeypatch.setattr(dashboard_view, "SHOWN", 1)
    client = web_as("admin")
    body = client.get("/dashboard?cycle=2026-Q4").content.decode()
    requests = section(body, "requests-heading")
    assert "Unanswered requests (2)" in requests
    assert "DEP-3" in requests  # the oldest
    assert "top unanswered questions" not in requests
    link = 'href="/dashboard?cycle=2026-Q4&amp;show=requests">See all 2 unanswered requests</a>'
    assert link in requests
    findings = section(body, "findings-heading")
    # The new request is unconfirmed too: the rule has two findings, the first one shown.
    assert "<summary>Request not answered: 2 warnings</summary>" in findings
    assert findings.count("<li>") == len(re.findall("<summary>", findings))  # one each
    assert 'href="/dashboard?cycle=2026-Q4&amp;rule=dependency-unconfirmed">See all 2' in findings

    everything = client.get("/dashboard?cycle=2026-Q4&show=requests").content.decode()
    listed = section(everything, "list-heading")
    assert listed.index("DEP-3") < listed.index("top unanswered questions")
    assert 'href="/dashboard?cycle=2026-Q4">← Back to the dashboard' in everything
    assert '<input type="hidden" name="show" value="requests">' in everything


def test_a_list_of_its_own_goes_a_page_at_a_time(
    web_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    dependency_create(
        by_id="ana", from_id="SR-2.1", provider_team_id="cs", need="The top unanswered questions"
    )
    monkeypatch.setattr(dashboard_view, "PER_PAGE", 1)
    client = web_as("admin")
    rule = "/dashboard?rule=dependency-unconfirmed"
    first = section(client.get(rule).content.decode(), "list-heading")
    second = section(client.get(f"{rule}&page=2").content.decode(), "list-heading")
    targets = [re.findall(r'<span class="id">([^<]+)</span>', page) for page in (first, second)]
    assert all(len(found) == 1 for found in targets)
    assert targets[0] != targets[1]
    assert "1–1 of 2 findings · page 1 of 2" in first
    assert 'href="/dashboard?rule=dependency-unconfirmed&amp;page=2" rel="next"' in first
    assert 'href="/dashboard?rule=dependency-unconfirmed&amp;page=1" rel="prev"' in second
    # A page past the end shows the last one.
    beyond = client.get(f"{rule}&page=9").content.decode()
    assert targets[1][0] in section(beyond, "list-heading")


@pytest.mark.parametrize(
    "path",
    ["/dashboard?show=nothing", "/dashboard?rule=no-such-rule"],
)
def test_an_unknown_list_is_not_found(web_as: Callable[[str], Client], path: str) -> None:
    assert web_as("member").get(path).status_code == 404


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_the_lists_of_their_own_keep_what_is_hidden_hidden(
    web_as: Callable[[str], Client], persona: str
) -> None:
    client = web_as(persona)
    paths = [f"/dashboard?cycle=all&show={name}" for name in dashboard_view.LISTS]
    paths += [f"/dashboard?cycle=all&rule={rule}" for rule in RULES]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        for hidden, allowed in HIDDEN.items():
            if persona not in allowed:
                assert hidden not in body, (path, hidden)
    declined = client.get("/dashboard?cycle=all&rule=dependency-declined").content.decode()
    assert ("DEP-4" in declined) is (persona in HIDDEN["DEP-4"])


def test_the_chart_and_table_show_the_top_of_a_large_team_tree(
    web_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Room for 6 teams of 7: the company and the teams right below it.
    monkeypatch.setattr(dashboard_view, "TEAM_ROWS", 6)
    client = web_as("admin")
    body = client.get("/dashboard?cycle=all").content.decode()
    labels = [label.split(" (")[0] for label in chart(body)["labels"]]
    assert "Site Reliability" not in labels
    assert {"Northwind", "Search", "Infrastructure"} <= set(labels)
    teams = section(body, "teams-heading")
    assert "Showing 6 of 7 teams" in teams
    assert 'href="/dashboard?cycle=all&amp;team=infra">1 sub-team' in teams
    assert 'href="/dashboard?cycle=all&amp;show=teams">list all 7 teams</a>' in teams
    every = section(client.get("/dashboard?cycle=all&show=teams").content.decode(), "list-heading")
    assert '<a href="/teams/sre?cycle=all">Site Reliability</a>' in every
    # The figures stay computed on the whole scope: the sub-team's own page has them.
    below = client.get("/dashboard?cycle=all&team=infra").content.decode()
    assert [label.split(" (")[0] for label in chart(below)["labels"]] == [
        "Infrastructure",
        "Site Reliability",
    ]
    # Under the limit, every team is shown as before.
    monkeypatch.setattr(dashboard_view, "TEAM_ROWS", 50)
    assert "Showing" not in section(client.get("/dashboard").content.decode(), "teams-heading")


def test_the_list_pages_take_the_same_queries_at_any_size(db: None, generated_file: Any) -> None:
    def paths(team: str) -> list[str]:
        return [
            "/dashboard?show=stale",
            f"/dashboard?show=teams&team={team}",
            "/dashboard?cycle=all&rule=possible-overlap&page=2",
            "/dashboard?show=requests",
        ]

    assert query_counts(paths, generated_file(100)) == query_counts(paths, generated_file(300))


def test_the_orphans_beyond_the_first_are_on_a_page_of_their_own(
    web_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboard_view, "ORPHANS_SHOWN", 0)
    client = web_as("admin")
    coverage = section(client.get("/dashboard").content.decode(), "coverage-heading")
    assert "Orphans (1)" in coverage
    assert 'href="/objectives/IN-2"' not in coverage
    assert 'href="/dashboard?show=orphans">1 more: see all 1</a>' in coverage
    orphans = section(client.get("/dashboard?show=orphans").content.decode(), "list-heading")
    assert '<a href="/objectives/IN-2"><span class="id">IN-2</span>' in orphans
    assert "(Infrastructure)" in orphans
