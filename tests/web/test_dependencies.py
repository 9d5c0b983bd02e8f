"""The dependencies page: requests to and from my teams, the risk chains, the teams' graph,
answering and cancelling (with and without JavaScript), and asking for help."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.core import model as m
from tandem.core.report import in_scope_dependencies, resolve_scope
from tandem.core.visibility import Audience
from tandem.dependencies.models import Dependency, DependencyEvent
from tandem.dependencies.services import dependency_create
from tandem.okrfile import load_path
from tandem.okrs.cycles import cycle_state_set
from tandem.okrs.models import Cycle, KeyResult
from tandem.organization import dependencies as dependencies_view
from tandem.organization.cache import cache_clear, view_get
from tandem.organization.imports import organization_import
from tandem.people.models import Person, Team
from tandem.web.views.dependencies import page as dependencies_page
from tests.conftest import TODAY
from tests.personas import HIDDEN, SIGNED_IN

HTMX = {"HX-Request": "true"}
SEPTEMBER = date(2026, 9, 1)
Web = Callable[[str], Client]


def text(response: Any) -> str:
    """The page's text with tags and runs of white space collapsed, to read like a person."""
    body = re.sub(
        r"<script(?![^>]*application/json).*?</script>", " ", response.content.decode(), flags=re.S
    )
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", body).replace("&#x27;", "'").replace("&quot;", '"')


def section(response: Any, heading_id: str) -> str:
    """The HTML of one of the page's sections (from its heading to the next section)."""
    body = response.content.decode()
    start = body.index(f'id="{heading_id}"')
    end = body.find("<section", start)
    return str(body[start : end if end > 0 else len(body)])


def graph(response: Any) -> dict[str, Any]:
    found = re.search(
        r'<script id="dependency-graph-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_persona_sees_the_page(web_as: Web, persona: str) -> None:
    response = web_as(persona).get("/dependencies")
    assert response.status_code == 200
    page = text(response)
    for heading in (
        "Asked of your teams",
        "Asked by your teams",
        "At risk because of a dependency",
        "Which teams depend on which",
    ):
        assert heading in page
    # Everyone may see SR-1.1 and its chain: the risk travels SRE-1.1 -> DEP-2 -> IN-1.1 -> DEP-1.
    assert "SR-1.1 is off track because DEP-1 : Infrastructure's IN-1.1 is off track." in page
    assert "IN-1.1 is off track because DEP-2 : Site Reliability's SRE-1.1 is off track." in page
    assert (
        "CS-2.1 is off track because DEP-7 : it was due on 14 November 2026 and Payments has "
        "not delivered it." in page
    )


def test_signed_out_visitors_go_to_the_sign_in_page(demo_in_db: m.Organization) -> None:
    for path in ("/dependencies", "/dependencies/new", "/dependencies/DEP-3/accept"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login?next=")


def test_the_lead_answers_requests_made_to_search_and_follows_those_search_made(
    web_as: Web,
) -> None:
    response = web_as("lead").get("/dependencies")
    incoming = section(response, "incoming-heading")
    outgoing = section(response, "outgoing-heading")
    # DEP-3: Customer Success asks Search, still requested: accept (linking a Search key
    # result, or a new one in a Search objective) or decline.
    assert 'id="incoming-DEP-3"' in incoming
    assert 'action="/dependencies/DEP-3/accept"' in incoming
    assert 'action="/dependencies/DEP-3/decline"' in incoming
    assert '<option value="SR-2.1"' in incoming
    assert '<option value="SR-2"' in incoming
    assert "IN-1.1" not in incoming  # only the provider team's key results are offered
    # DEP-1 (Search asks Infrastructure) and DEP-6 (withdrawn) are Search's own requests.
    assert 'id="outgoing-DEP-1"' in outgoing
    assert 'action="/dependencies/DEP-1/cancel"' in outgoing
    assert 'data-confirm="Withdraw DEP-1?' in outgoing
    assert 'id="outgoing-DEP-6"' in outgoing
    assert "DEP-1/deliver" not in response.content.decode()  # Infrastructure's to deliver
    # The provider key result's health is shown with the request.
    assert "Delivered through IN-1.1" in text(response)


def test_infrastructure_delivers_what_it_accepted(web_as: Web) -> None:
    response = web_as("other_team").get("/dependencies")
    incoming = section(response, "incoming-heading")
    assert 'id="incoming-DEP-1"' in incoming
    assert 'action="/dependencies/DEP-1/deliver"' in incoming
    assert 'action="/dependencies/DEP-1/accept"' not in incoming  # already accepted
    assert "DEP-2" not in incoming  # asked of Site Reliability, where dan is not


def test_the_outsider_sees_what_payments_asked_and_was_asked(web_as: Web) -> None:
    response = web_as("outsider").get("/dependencies")
    # tom is in Payments: DEP-7 (accepted, overdue) is asked of Payments, which asked DEP-5
    # (delivered) of Infrastructure.
    assert 'action="/dependencies/DEP-7/deliver"' in section(response, "incoming-heading")
    assert "Nothing waits for an answer." in text(response)
    outgoing = section(response, "outgoing-heading")
    assert 'id="outgoing-DEP-5"' in outgoing
    assert "DEP-5/cancel" not in outgoing  # delivered: nothing left to withdraw


@pytest.mark.parametrize("persona", SIGNED_IN)
@pytest.mark.parametrize("path", ["/dependencies?cycle=all", "/dependencies?cycle=all&graph=all"])
def test_hidden_requests_appear_nowhere_not_even_in_the_graph(
    web_as: Web, persona: str, path: str
) -> None:
    response = web_as(persona).get(path)
    body = response.content.decode()
    edges = {(e["source"], e["target"]): e["count"] for e in graph(response)["edges"]}
    for hidden, allowed in HIDDEN.items():
        if persona not in allowed:
            assert hidden not in body, (persona, hidden)
    if persona == "admin":
        assert "DEP-4" in body
        assert edges[("mobile", "infra")] == 1
    else:
        # DEP-4 is Mobile's (hidden) request to Infrastructure: no trace of it.
        assert ("mobile", "infra") not in edges
    assert edges[("search", "infra")] == 1


def test_the_graph_and_its_table_say_the_same_in_words(web_as: Web) -> None:
    response = web_as("lead").get("/dependencies")
    data = graph(response)
    by_edge = {e["id"]: e for e in data["edges"]}
    assert by_edge["search->infra"]["status"] == "off_track"
    assert by_edge["search->infra"]["label"] == "1 · Off track"
    assert by_edge["payments->infra"]["label"] == "1 · Delivered"
    assert "mobile" not in {n["id"] for n in data["nodes"]}  # DEP-6 to Mobile was withdrawn
    table = section(response, "graph-heading")
    assert '<th scope="col">Team that asks</th>' in table
    assert "Legend" in table
    assert "web/graph.js" in response.content.decode()
    assert "vendor/cytoscape-3.34.4.min.js" in response.content.decode()


def test_a_cycle_can_be_chosen_and_an_unknown_one_is_not_found(web_as: Web) -> None:
    client = web_as("lead")
    closed = text(client.get("/dependencies?cycle=2026-Q3"))
    assert "No team has asked your teams for help in these cycles." in closed
    assert "Your teams have not asked anyone for help in these cycles." in closed
    assert "No team depends on another in these cycles" in closed
    assert client.get("/dependencies?cycle=NOPE").status_code == 404


# --- long lists, a page at a time; the graph bounded -------------------------------------------


def _more_requests() -> list[str]:
    """Two more requests from Search (ben's), and one more to Search (from Customer Success)."""
    made = [
        dependency_create(by_id="ben", from_id="SR-1.2", provider_team_id="infra", need="EU"),
        dependency_create(by_id="ben", from_id="SR-2.1", provider_team_id="sre", need="Alerts"),
        dependency_create(by_id="maya", from_id="CS-2.1", provider_team_id="search", need="Q&A"),
    ]
    return [d.id for d in made]


def test_each_list_shows_a_page_of_cards_with_its_count(
    web_as: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, to_search = _more_requests()
    monkeypatch.setattr(dependencies_page, "PER_PAGE", 1)
    client = web_as("lead")
    page = client.get("/dependencies?cycle=all")
    outgoing = section(page, "outgoing-heading")
    # Search asked DEP-1, DEP-6 (withdrawn) and the two new ones: one open card a page.
    assert '<span class="pill">3 open</span>' in outgoing
    assert 'id="outgoing-DEP-1"' in outgoing
    assert f'id="outgoing-{first}"' not in outgoing
    assert "1–1 of 3 open requests · page 1 of 3" in outgoing
    assert 'href="/dependencies?cycle=all&amp;open_page=2#outgoing-heading" rel="next"' in outgoing
    incoming = section(page, "incoming-heading")
    assert 'Waiting for your answer <span class="pill">2</span>' in incoming
    assert 'id="incoming-DEP-3"' in incoming
    assert f'id="incoming-{to_search}"' not in incoming
    # Another page of one list keeps the others where they were.
    later = client.get("/dependencies?cycle=all&waiting_page=2&open_page=3")
    assert f'id="outgoing-{second}"' in section(later, "outgoing-heading")
    waiting = section(later, "incoming-heading")
    assert f'id="incoming-{to_search}"' in waiting
    assert 'id="incoming-DEP-3"' not in waiting
    assert (
        'href="/dependencies?cycle=all&amp;open_page=3&amp;waiting_page=1#waiting-heading"'
        in waiting
    )
    # The collapsed list opens on the page asked for.
    closed = client.get("/dependencies?cycle=all&closed_page=1")
    assert '<details id="closed-list" open>' in section(closed, "outgoing-heading")


def test_a_refused_answer_without_javascript_shows_its_card_whatever_its_page(
    web_as: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    to_search = _more_requests()[2]
    monkeypatch.setattr(dependencies_page, "PER_PAGE", 1)
    refused = web_as("lead").post(f"/dependencies/{to_search}/decline", {"reason": " "})
    assert refused.status_code == 422
    incoming = section(refused, "incoming-heading")
    assert f'id="incoming-{to_search}"' in incoming  # not on the first page, shown anyway
    assert "Say why your team declines" in incoming
    # Its pages' links lead to the page, not to the form's address.
    assert 'href="/dependencies?waiting_page=2#waiting-heading"' in incoming


def test_the_risks_go_a_page_at_a_time_worst_first(
    web_as: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dependencies_page, "RISKS_PER_PAGE", 1)
    client = web_as("admin")
    everything = section(client.get("/dependencies?cycle=all"), "risk-heading")
    total = int(re.search(r'<span class="pill">(\d+)</span>', everything).group(1))  # type: ignore[union-attr]
    assert total >= 3
    assert everything.count('class="card risk"') == 1
    assert "Off track" in everything.split('class="chain"')[0]  # the worst first
    shown = set()
    for number in range(1, total + 1):
        risks = section(client.get(f"/dependencies?cycle=all&risks_page={number}"), "risk-heading")
        found = re.search(r'<span class="id">([^<]+)</span>', risks)
        assert found is not None
        shown.add(found.group(1))
    assert len(shown) == total  # every one, each once


def test_with_many_links_the_graph_shows_those_of_my_teams(
    web_as: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dependencies_view, "GRAPH_LINKS", 2)
    client = web_as("lead")
    response = client.get("/dependencies")
    edges = {e["id"] for e in graph(response)["edges"]}
    # Search asks Infrastructure (DEP-1) and is asked by Customer Success (DEP-3).
    assert edges == {"search->infra", "cs->search"}
    assert {n["id"] for n in graph(response)["nodes"]} == {"search", "infra", "cs"}
    said = text(response)
    assert "The 2 links of your teams (those you are in or lead) with the teams they work" in said
    table = section(response, "graph-heading")
    assert len(re.findall(r"<tr[ >]", table)) == 1 + 2  # the header and the two links
    assert 'href="/dependencies?graph=all#graph-heading">Show all 5 links</a>' in table
    everything = client.get("/dependencies?graph=all")
    assert "payments->infra" in {e["id"] for e in graph(everything)["edges"]}
    assert "All 5 links between teams in these cycles." in text(everything)
    # Fewer allowed than my teams have: the worst of them.
    monkeypatch.setattr(dependencies_view, "GRAPH_LINKS", 1)
    worst = client.get("/dependencies")
    assert [e["id"] for e in graph(worst)["edges"]] == ["search->infra"]  # off track
    assert "The 1 link with the worst status among the 2 of your teams" in text(worst)


def test_teams_without_links_see_the_worst_links_of_the_organisation(
    web_as: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dependencies_view, "GRAPH_LINKS", 2)
    view = view_get(audience=Audience(person=None, admin=True), as_of=TODAY)
    scope = resolve_scope(view.org, view.as_of, cycle="all")
    edges = dependencies_view.edges_get(view, in_scope_dependencies(view.org, scope))
    assert len(edges) > 2
    shown = dependencies_view.graph_get(edges, frozenset({"nw"}), everything=False)
    assert (shown.shown, shown.total, shown.mine) == ("worst", len(edges), 0)
    ranks = sorted((dependencies_view.STATUS_RANK[e.status] for e in edges), reverse=True)
    assert sorted(dependencies_view.STATUS_RANK[e.status] for e in shown.edges) == sorted(ranks[:2])
    assert dependencies_view.graph_get(edges, frozenset({"nw"}), everything=True).edges == edges


def test_the_table_of_links_goes_a_page_at_a_time(
    web_as: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dependencies_page, "LINKS_PER_PAGE", 2)
    client = web_as("admin")
    first = section(client.get("/dependencies?cycle=all&graph=all"), "graph-heading")
    assert "Requests between teams (1–2 of 6)" in first
    assert len(re.findall(r"<tr[ >]", first)) == 1 + 2
    assert 'href="/dependencies?cycle=all&amp;graph=all&amp;links_page=2#links-table"' in first
    last = client.get("/dependencies?cycle=all&graph=all&links_page=3")
    assert "Requests between teams (5–6 of 6)" in section(last, "graph-heading")
    # The graph still draws every link of the scope.
    assert len(graph(last)["edges"]) == 6


# --- answering ------------------------------------------------------------------------------


def test_accepting_with_a_key_result_in_place_updates_the_card(web_as: Web) -> None:
    version = Dependency.objects.get(id="DEP-3").version
    response = web_as("lead").post(
        "/dependencies/DEP-3/accept",
        {"mode": "existing", "provider_kr": "SR-2.1", "version": version, "listing": "incoming"},
        headers=HTMX,
    )
    assert response.status_code == 200
    # Every section comes back out of band (the next test says what they hold); the card sits
    # among the accepted requests, saying what happened.
    assert response["HX-Reswap"] == "none"
    accepted = section(response, "accepted-heading")
    assert 'id="incoming-DEP-3"' in accepted
    assert "SR-2.1 delivers it" in accepted
    assert "Delivered through" in accepted
    dep = Dependency.objects.get(id="DEP-3")
    assert (dep.state, dep.provider_kr_id) == ("accepted", "SR-2.1")
    assert DependencyEvent.objects.filter(dependency=dep, to_state="accepted", by_id="ana").exists()


def pill(response: Any, heading_id: str) -> str:
    """The count in the pill of a list's heading."""
    found = re.search(
        rf'id="{heading_id}"[^>]*>[^<]*<span class="pill">(\d+)', response.content.decode()
    )
    assert found is not None, heading_id
    return found.group(1)


def oob_sections(response: Any) -> list[str]:
    return re.findall(r'<section id="([\w-]+)"[^>]*hx-swap-oob="true"', response.content.decode())


def test_an_answer_in_place_brings_back_every_section_with_its_new_counts(web_as: Web) -> None:
    client = web_as("lead")
    before = client.get("/dependencies")
    assert (pill(before, "waiting-heading"), pill(before, "accepted-heading")) == ("1", "0")
    assert "DEP-3" not in section(before, "risk-heading")
    response = client.post(
        "/dependencies/DEP-3/accept",
        {"mode": "existing", "provider_kr": "SR-1.1", "listing": "incoming"},
        headers=HTMX,
    )
    assert response.status_code == 200
    # The card is not swapped alone: each section is, out of band, so that the counts, lists,
    # risks and links around it are those of the new state.
    assert response["HX-Reswap"] == "none"
    assert oob_sections(response) == [
        "incoming-section",
        "outgoing-section",
        "risk-section",
        "graph-section",
    ]
    assert (pill(response, "waiting-heading"), pill(response, "accepted-heading")) == ("0", "1")
    assert "Nothing waits for an answer." in text(response)
    accepted = section(response, "accepted-heading")
    # The card answered takes the focus in its new list (tandem.js moves it there).
    assert re.search(r'id="incoming-DEP-3-title"[^>]*tabindex="-1" data-swap-focus', accepted)
    # SR-1.1 is off track, so Customer Success's CS-1 key result now is at risk through DEP-3.
    assert "because DEP-3" in re.sub(r"<[^>]+>", "", section(response, "risk-heading"))
    links = section(response, "graph-heading")
    assert 'id="link-cs-search"' in links
    assert re.search(r'id="link-cs-search".*?Off track', links, re.S)
    assert section(response, "graph-heading") != section(before, "graph-heading")


def test_a_refused_answer_in_place_brings_back_its_card_only(web_as: Web) -> None:
    response = web_as("lead").post(
        "/dependencies/DEP-3/decline", {"reason": "", "listing": "incoming"}, headers=HTMX
    )
    assert response.status_code == 422
    assert response.content.decode().lstrip().startswith("<article")
    assert "HX-Reswap" not in response
    assert oob_sections(response) == []


def test_the_company_lead_sees_each_request_once(web_as: Web) -> None:
    # zoe, an admin, leads the company: every team is below hers, so every request is both
    # asked of her teams and by them. Each is shown once, where it waits for an answer.
    response = web_as("admin").get("/dependencies?cycle=all")
    cards = re.findall(
        r'<article class="card dependency" id="(\w+)-(DEP-\d+)"', response.content.decode()
    )
    ids = [dep for _listing, dep in cards]
    assert len(ids) == len(set(ids)) == 7
    assert {listing for listing, _dep in cards} == {"incoming"}
    outgoing = section(response, "outgoing-heading")
    assert "7 requests are between your own teams" in text(response)
    assert "Your teams have not asked anyone" not in outgoing
    # She may still withdraw them, from the one card.
    assert 'action="/dependencies/DEP-1/cancel"' in section(response, "incoming-heading")


def test_each_request_is_shown_once_to_the_admin_of_a_larger_organisation(
    db: None, generated_file: Any
) -> None:
    organization = load_path(generated_file(100)).organization
    organization_import(org=organization, source="generated", today=SEPTEMBER, prune=True)
    client = _root_lead_client(100)
    User.objects.filter(username__startswith="lead-100-").update(is_superuser=True, is_staff=True)
    response = client.get("/dependencies?cycle=all")
    assert response.status_code == 200
    ids = re.findall(
        r'<article class="card dependency" id="(?:incoming|outgoing)-([^"]+)"',
        response.content.decode(),
    )
    assert len(ids) == len(set(ids)) == Dependency.objects.count() == 10


def test_the_graph_leads_to_the_teams_and_to_the_table(web_as: Web) -> None:
    response = web_as("lead").get("/dependencies")
    data = graph(response)
    nodes = {n["id"]: n["href"] for n in data["nodes"]}
    assert nodes["search"] == "/teams/search"
    edges = {e["id"]: e["href"] for e in data["edges"]}
    assert edges["search->infra"] == "#link-search-infra"
    table = section(response, "graph-heading")
    assert 'id="link-search-infra"' in table
    # Its requests link to their cards when they are on the page.
    assert 'href="#outgoing-DEP-1"' in table
    assert 'href="/teams/infra"' in table


def test_a_link_on_another_page_of_the_table_is_reached_from_the_graph(
    web_as: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dependencies_page, "LINKS_PER_PAGE", 2)
    data = graph(web_as("lead").get("/dependencies"))
    hrefs = [e["href"] for e in data["edges"]]
    assert hrefs[0].startswith("#link-")
    assert re.fullmatch(r"/dependencies\?links_page=2#link-[\w-]+", hrefs[2]), hrefs[2]


def test_accepting_with_another_teams_key_result_is_refused_next_to_the_field(web_as: Web) -> None:
    """F7: what the form offers is the rule the service enforces, for a typed id too."""
    version = Dependency.objects.get(id="DEP-3").version
    response = web_as("lead").post(
        "/dependencies/DEP-3/accept",
        {"mode": "existing", "provider_kr": "IN-1.1", "version": version, "listing": "incoming"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "IN-1.1 is not search's to deliver" in text(response)
    dep = Dependency.objects.get(id="DEP-3")
    assert (dep.state, dep.provider_kr_id, dep.version) == ("requested", None, version)


def test_accepting_with_a_new_key_result_creates_it_owned_by_whoever_accepts(web_as: Web) -> None:
    response = web_as("member").post(
        "/dependencies/DEP-3/accept",
        {
            "mode": "new",
            "objective": "SR-2",
            "title": "Ship a weekly zero-result export to 2 teams",
            "form": "numeric",
            "start": "0",
            "target": "2",
            "unit": "teams",
        },
    )
    assert response.status_code == 303
    assert response["Location"] == "/dependencies#incoming-DEP-3"
    dep = Dependency.objects.get(id="DEP-3")
    assert dep.state == "accepted"
    made = KeyResult.objects.get(id=dep.provider_kr_id)
    assert (made.objective_id, made.owner_id, made.start, made.target) == ("SR-2", "ben", 0, 2)
    follow = web_as("member").get("/dependencies")
    assert "DEP-3: Accepted." in text(follow)


def test_a_bad_new_key_result_keeps_what_was_typed_and_says_what_is_missing(web_as: Web) -> None:
    typed = {
        "mode": "new",
        "objective": "SR-2",
        "title": "Zero-result export",
        "form": "numeric",
        "start": "0",
    }
    response = web_as("lead").post("/dependencies/DEP-3/accept", typed, headers=HTMX)
    assert response.status_code == 422
    card = response.content.decode()
    assert "a numeric key result needs a start and a target" in card
    assert 'value="Zero-result export"' in card
    assert '<details class="accept-new" open>' in card
    assert Dependency.objects.get(id="DEP-3").state == "requested"
    # Without JavaScript the whole page comes back with the same message at the same place.
    page = web_as("lead").post("/dependencies/DEP-3/accept", typed)
    assert page.status_code == 422
    assert "a numeric key result needs a start and a target" in section(page, "incoming-heading")
    assert 'value="Zero-result export"' in page.content.decode()


def test_a_new_key_result_needs_an_objective_a_title_and_a_form(web_as: Web) -> None:
    response = web_as("lead").post("/dependencies/DEP-3/accept", {"mode": "new"}, headers=HTMX)
    assert response.status_code == 422
    card = text(response)
    assert "Choose which of your objectives the key result joins." in card
    assert "Give the new key result a title" in card


def test_declining_needs_a_reason_shown_next_to_the_field(web_as: Web) -> None:
    client = web_as("lead")
    missing = client.post("/dependencies/DEP-3/decline", {"reason": "  "}, headers=HTMX)
    assert missing.status_code == 422
    card = missing.content.decode()
    assert re.search(r'id="incoming-DEP-3-decline-reason".*?Say why your team declines', card, re.S)
    assert Dependency.objects.get(id="DEP-3").state == "requested"
    declined = client.post("/dependencies/DEP-3/decline", {"reason": "No capacity this quarter"})
    assert declined.status_code == 303
    assert Dependency.objects.get(id="DEP-3").state == "declined"
    history = text(client.get("/dependencies"))
    assert "Ana Lima moved it from requested to declined: “No capacity this quarter”" in history


def test_delivering_and_cancelling(web_as: Web) -> None:
    delivered = web_as("other_team").post(
        "/dependencies/DEP-1/deliver", {"reason": "all 200 live"}, headers=HTMX
    )
    assert delivered.status_code == 200
    assert "Marked as delivered" in delivered.content.decode()
    assert Dependency.objects.get(id="DEP-1").state == "delivered"
    # Search's SR-1.1 is no longer held back by DEP-1.
    risks = section(web_as("lead").get("/dependencies"), "risk-heading")
    assert "SR-1.1 is off track because" not in risks
    cancelled = web_as("member").post("/dependencies/DEP-3/cancel", {}, headers=HTMX)
    assert cancelled.status_code == 403  # DEP-3 is Customer Success's request, not Search's
    done = web_as("lead").post("/dependencies/DEP-6/cancel", {}, headers=HTMX)
    assert done.status_code == 409  # already cancelled: the card says what it can become
    assert "DEP-6 is cancelled; it can become requested, not cancelled" in done.content.decode()


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("outsider", "/dependencies/DEP-3/accept", 403),  # tom is not in Search
        ("other_team", "/dependencies/DEP-1/cancel", 403),  # DEP-1 is Search's request
        ("lead", "/dependencies/DEP-4/decline", 404),  # hidden from ana
        ("lead", "/dependencies/NOPE/decline", 404),
    ],
)
def test_refusals_change_nothing(web_as: Web, persona: str, path: str, status: int) -> None:
    before = list(Dependency.objects.order_by("id").values_list("id", "state", "version"))
    response = web_as(persona).post(path, {"reason": "because", "mode": "existing"})
    assert response.status_code == status
    assert list(Dependency.objects.order_by("id").values_list("id", "state", "version")) == before


def test_an_answer_from_an_old_page_is_refused_with_the_request_as_it_is_now(web_as: Web) -> None:
    old = Dependency.objects.get(id="DEP-3").version
    web_as("lead").post("/dependencies/DEP-3/decline", {"reason": "no"}, headers=HTMX)
    stale = web_as("member").post(
        "/dependencies/DEP-3/accept", {"mode": "existing", "version": old}, headers=HTMX
    )
    assert stale.status_code == 412
    assert "changed since you read it" in stale.content.decode()
    assert "Declined" in text(stale)
    assert Dependency.objects.get(id="DEP-3").state == "declined"


def test_a_closed_cycle_shows_its_requests_read_only(web_as: Web) -> None:
    cycle_state_set(cycle_id="2026-Q4", state=Cycle.State.CLOSED)
    page = web_as("lead").get("/dependencies")
    incoming = section(page, "incoming-heading")
    assert "Cycle 2026-Q4 is closed: its dependencies are read-only." in text(page)
    assert "DEP-3/accept" not in incoming
    refused = web_as("lead").post("/dependencies/DEP-3/decline", {"reason": "no"}, headers=HTMX)
    assert refused.status_code == 409
    assert "is closed: its OKRs are read-only" in refused.content.decode()


# --- asking for help -----------------------------------------------------------------------------


def test_asking_for_help_on_a_key_result(web_as: Web) -> None:
    client = web_as("member")
    form = client.get("/dependencies/new?from=SR-1.2")
    assert form.status_code == 200
    page = text(form)
    assert "key result SR-1.2 Keep p99 search latency below 1500 ms" in page
    for label in ('for="request-provider"', 'for="request-need"', 'for="request-due"'):
        assert label in form.content.decode()
    sent = client.post(
        "/dependencies/new",
        {
            "from": "SR-1.2",
            "provider": "sre",
            "need": "Page us on EU p99 spikes",
            "due": "2026-12-10",
        },
    )
    assert sent.status_code == 303
    created = Dependency.objects.get(need="Page us on EU p99 spikes")
    assert sent["Location"] == f"/dependencies#outgoing-{created.id}"
    assert (created.from_key_result_id, created.provider_id, str(created.due)) == (
        "SR-1.2",
        "sre",
        "2026-12-10",
    )
    listed = client.get("/dependencies")
    assert f'id="outgoing-{created.id}"' in section(listed, "outgoing-heading")
    assert f"{created.id} sent: Site Reliability will find it" in text(listed)


def test_asking_for_help_keeps_what_was_typed_when_something_is_missing(web_as: Web) -> None:
    response = web_as("member").post(
        "/dependencies/new",
        {"from": "SR-1", "provider": "", "need": "Bigger EU cache", "due": "soon"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose the team you need help from." in page
    assert "Write the date as YYYY-MM-DD" in page
    assert ">Bigger EU cache</textarea>" in page
    assert not Dependency.objects.filter(need="Bigger EU cache").exists()


def test_without_a_target_the_form_offers_my_own_objectives(web_as: Web) -> None:
    form = web_as("member").get("/dependencies/new")
    body = form.content.decode()
    assert '<option value="SR-1.1"' in body
    assert '<option value="BEN-1.1"' in body  # ben's own, private objective
    assert '<option value="CS-1.1"' not in body  # not his to ask for
    missing = web_as("member").post("/dependencies/new", {"provider": "infra", "need": "x"})
    assert missing.status_code == 422
    assert "Choose the key result or objective that needs the help." in missing.content.decode()


@pytest.mark.parametrize(
    ("persona", "target", "status"),
    [
        ("outsider", "SR-1.2", 403),  # visible, not his
        ("other_team", "BEN-1.1", 404),  # hidden from dan
        ("lead", "MO-1", 404),  # hidden from ana
        ("lead", "NOPE-9", 404),
    ],
)
def test_asking_on_behalf_of_others_is_refused(
    web_as: Web, persona: str, target: str, status: int
) -> None:
    client = web_as(persona)
    assert client.get(f"/dependencies/new?from={target}").status_code == status
    sent = client.post("/dependencies/new", {"from": target, "provider": "infra", "need": "help"})
    assert sent.status_code == status
    assert not Dependency.objects.filter(need="help").exists()


# --- queries --------------------------------------------------------------------------------


def _counts(client: Client, paths: list[str]) -> dict[str, int]:
    found = {}
    for path in paths:
        for cache in ("cold", "warm"):
            if cache == "cold":
                cache_clear()
            else:
                client.get(path)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (path, response.content[:300])
            found[f"{path} ({cache})"] = len(queries)
    return found


def _root_lead_client(people: int) -> Client:
    root = Team.objects.get(is_root=True)
    person = Person.objects.get(id=root.lead_id)
    user = User.objects.create(username=f"lead-{people}-{person.id}")
    person.user = user
    person.save(update_fields=["user"])
    client = Client()
    client.force_login(user)
    return client


def test_the_pages_take_the_same_queries_on_a_larger_organisation(
    db: None, generated_file: Any
) -> None:
    paths = [
        "/dependencies",
        "/dependencies?cycle=all",
        "/dependencies/new",
        "/dependencies?cycle=all&graph=all&accepted_page=2&answered_page=2&links_page=2",
    ]
    found = []
    for people in (100, 300):
        organization = load_path(generated_file(people)).organization
        # Imported as of September so that no cycle is closed yet (a closed one refuses the
        # larger organisation's changes); the pages themselves are shown as of November.
        organization_import(org=organization, source="generated", today=SEPTEMBER, prune=True)
        found.append(_counts(_root_lead_client(people), paths))
    assert Dependency.objects.count() > 20
    small, large = found
    assert small == large
    assert small["/dependencies (warm)"] < small["/dependencies (cold)"]


def test_a_request_from_an_archived_objective_cannot_be_answered(web_as: Web) -> None:
    from tandem.okrs.services import objective_archive  # noqa: PLC0415

    objective_archive(objective_id="CS-1")
    response = web_as("lead").post("/dependencies/DEP-3/accept", {"mode": "existing"}, headers=HTMX)
    assert response.status_code == 404
    assert "archived" in response.content.decode() or "Nothing here" in response.content.decode()
    assert Dependency.objects.get(id="DEP-3").state == "requested"


@pytest.mark.parametrize("number", ["1e400", "1" + "0" * 400])
def test_an_absurdly_large_number_is_refused_next_to_the_field(web_as: Web, number: str) -> None:
    response = web_as("lead").post(
        "/dependencies/DEP-3/accept",
        {
            "mode": "new",
            "objective": "SR-1",
            "title": "Help",
            "form": "numeric",
            "start": "0",
            "target": number,
        },
        headers=HTMX,
    )
    assert response.status_code == 422
    assert Dependency.objects.get(id="DEP-3").state == "requested"
    assert not KeyResult.objects.filter(objective_id="SR-1", title="Help").exists()


def test_a_decline_from_an_old_page_keeps_the_reason_typed(web_as: Web) -> None:
    old = Dependency.objects.get(id="DEP-3").version
    web_as("lead").post("/dependencies/DEP-3/accept", {"mode": "existing"}, headers=HTMX)
    stale = web_as("member").post(
        "/dependencies/DEP-3/decline",
        {"reason": "we cannot staff the export this quarter", "version": old},
        headers=HTMX,
    )
    assert stale.status_code == 412
    assert "we cannot staff the export this quarter" in stale.content.decode()
    assert Dependency.objects.get(id="DEP-3").state == "accepted"
