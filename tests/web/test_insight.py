"""SPEC section 5 on the pages: forecasts beside progress, the calibration page and the team
page's line, critical providers on the dashboard and the dependencies page, and "what if" on a
key result; the same numbers as the API, and nothing hidden shown."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tandem.web.templatetags.tandem_web import percent
from tests.conftest import TODAY
from tests.personas import HIDDEN, SIGNED_IN
from tests.web.test_exports import query_counts

HTMX = {"HX-Request": "true"}


def api_report(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/report", {"as_of": TODAY.isoformat(), "cycle": "all"})
    assert response.status_code == 200
    return response.json()


def test_the_objective_page_shows_the_reports_forecasts(web_as: Callable[[str], Client]) -> None:
    client = web_as("member")
    report = api_report(client)
    body = client.get("/objectives/SR-1").content.decode()
    objective = next(row for row in report["objectives"] if row["id"] == "SR-1")
    assert objective["forecast"] is not None
    assert f"forecast {percent(objective['forecast'])} by 31 Dec 2026" in body
    for row in report["key_results"]:
        if row["objective"] == "SR-1" and row["forecast"] is not None:
            card = body[body.index(f'id="kr-{row["id"]}"') :]
            assert f"<dt>Forecast</dt><dd>{percent(row['forecast'])} by 31 Dec 2026" in card
    # The chart's data carries the dotted line to the cycle's end.
    island = re.search(r'id="chart-data-SR-1.1"[^>]*>(.*?)</script>', body, re.S)
    assert island is not None
    data = json.loads(island.group(1))
    assert [point["date"] for point in data["forecast"]] == [TODAY.isoformat(), "2026-12-31"]


def test_the_calibration_page_gives_the_apis_numbers(web_as: Callable[[str], Client]) -> None:
    client = web_as("admin")
    api = client.get("/api/v1/calibration", {"as_of": TODAY.isoformat()}).json()
    body = client.get("/calibration").content.decode()
    assert api["teams"]
    for team in api["teams"]:
        row = body[body.index(f'id="calibration-{team["team"]}"') :]
        assert f'<td data-label="Brier score">{team["brier"]:.3f}</td>' in row
        assert f"Reliability chart of {team['team_name']}" in body
    assert "<svg" in body
    assert 'role="img"' in body


def test_the_team_page_has_its_calibration_line(web_as: Callable[[str], Client]) -> None:
    client = web_as("lead")
    api = client.get("/api/v1/calibration", {"as_of": TODAY.isoformat()}).json()
    search = next(row for row in api["teams"] if row["team"] == "search")
    body = client.get("/teams/search").content.decode()
    assert f"{search['n']} key results, Brier score {search['brier']:.3f}" in body


@pytest.mark.parametrize("path", ["/dashboard?cycle=all", "/dependencies?cycle=all"])
def test_critical_providers_with_their_chain(web_as: Callable[[str], Client], path: str) -> None:
    client = web_as("other_team")
    report = api_report(client)
    body = client.get(path).content.decode()
    section = body[body.index('id="critical-heading"') :]
    found = re.findall(r'<li id="critical-([^"]+)">', section)
    assert found == report["critical_providers"] == ["SRE-1.1", "IN-1.1"]
    assert 'Chain: <span class="id">SRE-1.1</span> → DEP-2 →' in section


def test_what_if_answers_in_place_and_without_javascript(web_as: Callable[[str], Client]) -> None:
    client = web_as("outsider")
    page = client.get("/objectives/PA-1").content.decode()
    assert 'hx-get="/key-results/PA-1.2/what-if"' in page
    fragment = client.get("/key-results/PA-1.2/what-if", headers=HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="what-if-PA-1.2"')
    assert "1 objective would turn off track" in fragment
    assert 'href="/objectives/PA-1"' in fragment
    whole = client.get("/key-results/PA-1.2/what-if")
    assert whole.status_code == 200
    assert "<h1>What if PA-1.2 slipped?</h1>" in whole.content.decode()


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_nothing_hidden_shows_on_the_insight_pages(
    web_as: Callable[[str], Client], persona: str
) -> None:
    client = web_as(persona)
    hidden = [id_ for id_, allowed in HIDDEN.items() if persona not in allowed]
    for path in ("/calibration", "/dashboard?cycle=all", "/dependencies?cycle=all"):
        body = client.get(path).content.decode()
        assert not [id_ for id_ in hidden if re.search(rf"\b{re.escape(id_)}\b", body)], path
    status = client.get("/key-results/BEN-1.1/what-if").status_code
    assert status == (200 if "BEN-1.1" not in hidden else 404)


def test_the_insight_pages_take_the_same_queries_at_any_size(db: None, generated_file: Any) -> None:
    def paths(_team: str) -> list[str]:
        return ["/calibration"]

    assert query_counts(paths, generated_file(100)) == query_counts(paths, generated_file(300))


def test_the_scorecard_shows_the_company_objectives_with_forecast_and_threats(
    web_as: Callable[[str], Client],
) -> None:
    client = web_as("admin")
    report = client.get("/api/v1/report", {"as_of": TODAY.isoformat()}).json()
    body = client.get("/scorecard").content.decode()
    company = [row for row in report["objectives"] if row["level"] == "company"]
    assert company
    for row in company:
        line = body[body.index(f'id="scorecard-{row["id"]}"') :]
        line = line[: line.index("</tr>")]
        assert f'<td data-label="Forecast">{percent(row["forecast"])}</td>' in line
        assert f'<td data-label="Progress">{percent(row["progress"])}</td>' in line
    # The critical providers, and a printable page.
    assert re.findall(r'<li id="critical-([^"]+)">', body) == report["critical_providers"]
    assert "web/scorecard.css" in body
    assert 'id="threats-heading"' in body


def test_the_scorecard_says_the_change_of_the_week(web_as: Callable[[str], Client]) -> None:
    body = web_as("member").get("/scorecard").content.decode()
    changes = re.findall(r'<td data-label="This week">([^<]*)</td>', body)
    assert changes
    assert all(re.fullmatch(r"[+−]\d+ points?|no change|—", change) for change in changes)
