""" "New objective" where people look for it (My OKRs, a team's page, the alignment map, the
review), prefilled with the team and cycle in view; the owner defaults to a team; after saving,
the new objective asks for its key results."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest
from django.test import Client

from tandem.okrs.models import Objective

Web = Callable[[str], Client]


def new_objective_links(body: str) -> list[str]:
    return [unescape(link) for link in re.findall(r'href="(/objectives/new[^"]*)"', body)]


def selected(body: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}".*?</select>', body, re.S)
    assert select is not None, name
    found = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    return found.group(1) if found else None


def test_my_okrs_offers_a_new_objective(web_as: Web) -> None:
    body = web_as("member").get("/").content.decode()
    assert new_objective_links(body) == ["/objectives/new"]
    assert ">New objective</a>" in body


def test_a_team_page_offers_one_for_the_team_to_those_who_may_create_it(web_as: Web) -> None:
    body = web_as("member").get("/teams/search", {"cycle": "2026-Q4"}).content.decode()
    assert new_objective_links(body) == ["/objectives/new?cycle=2026-Q4&team=search"]
    assert "New objective for Search" in body
    # Every cycle, or those under way: the form picks the cycle.
    body = web_as("lead").get("/teams/search", {"cycle": "all"}).content.decode()
    assert new_objective_links(body) == ["/objectives/new?team=search"]
    # Tom is in Payments: Search's objectives are not his to create.
    body = web_as("outsider").get("/teams/search").content.decode()
    assert new_objective_links(body) == []


def test_the_alignment_map_and_the_review_offer_one_for_what_they_show(web_as: Web) -> None:
    client = web_as("lead")
    body = client.get("/alignment", {"cycle": "2026-Q4", "team": "search"}).content.decode()
    assert "/objectives/new?cycle=2026-Q4&team=search" in new_objective_links(body)
    assert "/objectives/new" in new_objective_links(client.get("/alignment").content.decode())
    review = client.get("/cycles/2026-Q4/review", {"team": "infra"}).content.decode()
    assert new_objective_links(review) == ["/objectives/new?cycle=2026-Q4&team=infra"]
    # A closed cycle takes no new objective.
    closed = client.get("/cycles/2026-Q3/review").content.decode()
    assert new_objective_links(closed) == []


def test_the_form_is_prefilled_with_the_team_and_cycle_in_view(web_as: Web) -> None:
    body = web_as("lead").get("/objectives/new", {"team": "search", "cycle": "FY2026"})
    page = body.content.decode()
    assert selected(page, "owner") == "search"
    assert selected(page, "cycle") == "FY2026"


@pytest.mark.parametrize(("persona", "owner"), [("member", "search"), ("other_team", "infra")])
def test_the_owner_defaults_to_the_person_s_team_not_the_person(
    web_as: Web, persona: str, owner: str
) -> None:
    page = web_as(persona).get("/objectives/new").content.decode()
    assert selected(page, "owner") == owner
    assert selected(page, "cycle") == "2026-Q4"  # the quarter under way, not the year


def test_a_team_one_may_not_create_for_is_not_prefilled(web_as: Web) -> None:
    # Tom may not create Search's objectives: the form falls back to his own team.
    page = web_as("outsider").get("/objectives/new", {"team": "search"}).content.decode()
    assert selected(page, "owner") == "payments"


def test_after_saving_the_new_objective_asks_for_its_key_results(web_as: Web) -> None:
    client = web_as("member")
    response = client.post(
        "/objectives/new",
        {
            "title": "Answer every query in the reader's language",
            "cycle": "2026-Q4",
            "owner": "search",
            "kind": "aspirational",
            "visibility": "public",
        },
    )
    created = Objective.objects.get(title="Answer every query in the reader's language")
    assert response.status_code == 302
    assert response["Location"] == f"/objectives/{created.id}/key-results/new"
    page = client.get(response["Location"]).content.decode()
    assert f"{created.id} is created: now add its key results." in page
    # A team's key result is owned by whoever adds it, when they are in the team.
    assert selected(page, "owner") == "ben"


def test_a_closed_cycles_map_offers_no_new_objective(web_as) -> None:  # type: ignore[no-untyped-def]
    """The form has no closed cycle to offer: the button would land in another cycle."""
    client = web_as("lead")
    closed = client.get("/alignment?cycle=2026-Q3").content.decode()
    assert "/objectives/new" not in closed
    assert (
        "/objectives/new?cycle=2026-Q4" in client.get("/alignment?cycle=2026-Q4").content.decode()
    )
