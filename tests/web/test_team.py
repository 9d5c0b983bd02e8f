"""The team list and a team's page, for every persona."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client

from tandem.core import model as m
from tandem.organization.imports import organization_import
from tests.conftest import TODAY
from tests.personas import HIDDEN, SIGNED_IN
from tests.web.conftest import login_client
from tests.web.test_exports import query_counts


@pytest.mark.parametrize("persona", [*SIGNED_IN, "anonymous"])
def test_team_list_shows_the_tree_with_links(web_as: Callable[[str], Client], persona: str) -> None:
    response = web_as(persona).get("/teams")
    if persona == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert '<a href="/teams/nw">Northwind</a>' in body
    # Site Reliability sits in a list inside Infrastructure's item.
    infra = body.index('<a href="/teams/infra">Infrastructure</a>')
    assert infra < body.index('<a href="/teams/sre">Site Reliability</a>')
    assert "led by Lena Vogel" in body


@pytest.mark.parametrize("persona", [*SIGNED_IN, "anonymous"])
def test_team_page_for_every_persona(web_as: Callable[[str], Client], persona: str) -> None:
    response = web_as(persona).get("/teams/search")
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == "/login?next=/teams/search"
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Search</h1>" in body
    assert "Led by Ana Lima" in body
    assert "SR-1" in body
    assert "Make answers fast everywhere" in body
    assert "Team and individual balance" in body
    assert 'href="/report.csv?team=search"' in body
    assert 'href="/report.xlsx?team=search"' in body
    sees_ben = persona in HIDDEN["BEN-1"]
    assert ("BEN-1" in body) is sees_ben
    # The health summary counts only what the persona may see.
    expected = "3 objectives of Search" if sees_ben else "2 objectives of Search"
    assert expected in body
    assert "0 on track, 1 at risk, 1 off track" in body or sees_ben
    assert "Ben Okafor" in body  # members are not hidden, only private objectives


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_hidden_objectives_stay_off_team_pages(
    web_as: Callable[[str], Client], persona: str
) -> None:
    client = web_as(persona)
    pages = "".join(
        client.get(f"/teams/{team}", {"cycle": "all"}).content.decode()
        for team in ("nw", "search", "mobile", "infra")
    )
    for hidden, allowed in HIDDEN.items():
        if hidden.startswith("DEP"):
            continue
        assert (hidden in pages) is (persona in allowed and "." not in hidden), hidden


def test_sub_teams_have_links_and_their_health(web_as: Callable[[str], Client]) -> None:
    body = web_as("other_team").get("/teams/infra").content.decode()
    assert '<a href="/teams/sre">Site Reliability</a>' in body
    assert "1 objective, 0 on track, 0 at risk, 1 off track" in body
    assert '<a href="/teams/nw">Northwind</a>' in body  # the way up


def test_cycle_filter_and_its_errors(web_as: Callable[[str], Client]) -> None:
    client = web_as("lead")
    q3 = client.get("/teams/search", {"cycle": "2026-Q3"}).content.decode()
    assert "SR-Q3-1" in q3
    assert 'href="/objectives/SR-1"' not in q3
    assert 'href="/report.csv?cycle=2026-Q3&amp;team=search"' in q3
    wrong = client.get("/teams/search", {"cycle": "nope"}).content.decode()
    assert "Select a valid choice" in wrong
    assert 'href="/objectives/SR-1"' in wrong  # the default cycles instead


def test_an_unknown_team_is_the_friendly_404(web_as: Callable[[str], Client]) -> None:
    response = web_as("member").get("/teams/no-such-team")
    assert response.status_code == 404
    assert "Nothing here" in response.content.decode()


@pytest.mark.django_db
def test_an_individual_heavy_team_is_flagged_in_the_lint_rule_words(
    demo_organization: m.Organization,
) -> None:
    strict = replace(demo_organization.settings, individual_share_limit=0.3)
    organization_import(
        org=replace(demo_organization, settings=strict), source="strict.yaml", today=TODAY
    )
    lead = login_client("lead").get("/teams/search").content.decode()
    assert "Individual-heavy team:" in lead
    assert (
        "in 2026-Q4, 1 of 3 objectives of Search and its members are individual "
        "(more than 30%): turn shared goals into team objectives" in lead
    )
    assert "33%" in lead
    # Tom does not see BEN-1: for him Search has no individual objective, nothing to flag.
    outsider = login_client("outsider").get("/teams/search").content.decode()
    assert "Individual-heavy team:" not in outsider


def test_team_pages_take_the_same_queries_at_any_size(db: None, generated_file: Any) -> None:
    def paths(team: str) -> list[str]:
        return ["/teams", f"/teams/{team}", f"/teams/{team}?cycle=all"]

    assert query_counts(paths, generated_file(100)) == query_counts(paths, generated_file(300))
