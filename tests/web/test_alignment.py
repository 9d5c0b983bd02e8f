"""The alignment map: the tree from the company down, filters, orphans, for every persona."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tandem.access.policy import audience_get
from tandem.okrfile import load_path
from tandem.organization.alignment_map import alignment_map_get, team_reading
from tandem.organization.cache import cache_clear, view_get
from tandem.organization.imports import organization_import
from tandem.organization.reports import alignment_tree_get
from tandem.people.models import Person, Team
from tests.conftest import TODAY
from tests.personas import HIDDEN, PERSONAS, SIGNED_IN
from tests.web.test_exports import query_counts


def objective_links(body: str) -> list[str]:
    """The objectives the page links to (not the form for a new one)."""
    return re.findall(r'href="/objectives/(?!new\b)([^"]+)"', body)


@pytest.mark.parametrize("persona", [*SIGNED_IN, "anonymous"])
def test_alignment_map_for_every_persona(web_as: Callable[[str], Client], persona: str) -> None:
    response = web_as(persona).get("/alignment")
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == "/login?next=/alignment"
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Alignment map</h1>" in body
    assert '<label for="id_cycle">Cycle</label>' in body
    assert '<label for="id_team">Team</label>' in body
    # The company's objectives are the roots; SR-1 hangs below NW-1.1.
    tree = body[body.index('id="tree-heading"') : body.index('id="orphans-heading"')]
    assert tree.index('href="/objectives/NW-1"') < tree.index('href="/objectives/SR-1"')
    assert "NW-1.1" in tree
    # Health in words next to the coloured rule.
    assert "tree-off_track" in tree
    assert "Off track" in tree
    # The umbrella names its contributing teams.
    assert "contributing teams Customer Success, Payments, Mobile" in body
    # IN-2 aligns to nothing: an orphan, listed apart.
    orphans = body[body.index('id="orphans-heading"') :]
    assert 'href="/objectives/IN-2"' in orphans
    assert 'href="/objectives/IN-2"' not in tree
    for hidden, allowed in HIDDEN.items():
        assert (hidden in body) is (persona in allowed and not hidden.startswith("DEP")), hidden


def test_branches_are_details_that_start_open(web_as: Callable[[str], Client]) -> None:
    body = web_as("admin").get("/alignment").content.decode()
    assert body.count("<details open>") >= 10
    assert "<summary>2 key results" in body
    assert 'data-tree-toggle="open">Expand all</button>' in body
    assert "web/alignment.js" in body


def test_team_filter_keeps_the_chain_up_to_the_company(web_as: Callable[[str], Client]) -> None:
    body = web_as("lead").get("/alignment", {"team": "search"}).content.decode()
    shown = set(objective_links(body))
    # Search's objectives, ben's, and what they hang below: nothing else.
    assert shown == {"NW-1", "SR-1", "BEN-1", "NW-3", "SR-2"}
    assert "showing Search's objectives" in body
    assert "5 objectives shown: 0 on track, 3 at risk, 2 off track." in body


def test_cycle_filter_and_empty_state(web_as: Callable[[str], Client]) -> None:
    client = web_as("member")
    q3 = set(objective_links(client.get("/alignment", {"cycle": "2026-Q3"}).content.decode()))
    assert "SR-Q3-1" in q3
    assert "SR-1" not in q3
    empty = client.get("/alignment", {"cycle": "2026-Q3", "team": "mobile"}).content.decode()
    assert "No objectives of Mobile in 2026-Q3 that you may see" in empty
    assert "Choose another cycle or team above" in empty
    wrong = client.get("/alignment", {"team": "nope"}).content.decode()
    assert "Select a valid choice" in wrong
    assert 'href="/objectives/NW-1"' in wrong


def test_alignment_takes_the_same_queries_at_any_size(db: None, generated_file: Any) -> None:
    def paths(team: str) -> list[str]:
        # O-1, the first company objective, and its first key result, whatever the size.
        return [
            "/alignment",
            f"/alignment?team={team}",
            "/alignment?cycle=all",
            "/alignment?root=O-1",
            "/alignment/branch/O-1.1",
            "/alignment/branch/O-1.1?cycle=all",
        ]

    assert query_counts(paths, generated_file(100)) == query_counts(paths, generated_file(300))


# --- the same tree as the API, shown a bounded part at a time ------------------------------


def api_shape(node: dict[str, Any], kept: set[str] | None) -> tuple[Any, ...] | None:
    """A node of ``alignment_tree_get`` as (id, ((aligned to, (children…)), …)), with the
    team filter as the page applies it (what it leaves out goes with all below it)."""
    if kept is not None and node["id"] not in kept:
        return None
    groups = []
    for target, children in [
        *((kr["id"], kr["aligned"]) for kr in node["key_results"]),
        (node["id"], node["aligned"]),
    ]:
        shapes = tuple(s for child in children if (s := api_shape(child, kept)))
        if shapes:
            groups.append((target, shapes))
    return (node["id"], tuple(groups))


def map_shape(node: Any) -> tuple[Any, ...]:
    return (node.id, tuple((t, tuple(map_shape(c) for c in cs)) for t, cs in node.groups))


def assert_same_tree_as_the_api(audience: Any, cycle: str | None, team: str | None) -> None:
    view = view_get(audience=audience, as_of=TODAY)
    tree = alignment_tree_get(audience=audience, as_of=TODAY, cycle=cycle)
    kept = team_reading(view.org, TODAY, cycle, team) if team else None
    shape = alignment_map_get(view, cycle=cycle, team=team)
    for part in ("roots", "orphans"):
        expected = [s for node in tree[part] if (s := api_shape(node, kept))]
        assert [map_shape(node) for node in getattr(shape, part)] == expected, (part, cycle, team)


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_the_map_is_the_api_tree(web_as: Callable[[str], Client], persona: str) -> None:
    spec = PERSONAS[persona]
    assert spec.person is not None
    audience = audience_get(person_id=spec.person, admin=spec.admin)
    for cycle in [None, "all", "2026-Q3", "2026-Q4", "FY2026"]:
        for team in [None, "search", "infra", "mobile", "nw"]:
            assert_same_tree_as_the_api(audience, cycle, team)


def test_the_map_is_the_api_tree_on_a_generated_organisation(db: None, generated_file: Any) -> None:
    file = generated_file(100)
    organization_import(org=load_path(file).organization, source=str(file), today=TODAY)
    cache_clear()
    division = Team.objects.filter(parent__is_root=True).order_by("position", "id")[0]
    team = Team.objects.filter(parent=division).order_by("position", "id")[0]
    member = Person.objects.filter(teams=team).exclude(id=team.lead_id).first()
    assert member is not None
    assert team.lead_id is not None
    teams: list[str | None] = [None, division.id, team.id]
    for audience in [
        audience_get(person_id=None, admin=True),
        audience_get(person_id=team.lead_id),
        audience_get(person_id=member.id),
    ]:
        for cycle in [None, "all", "2026-Q3"]:
            for team_id in teams:
                assert_same_tree_as_the_api(audience, cycle, team_id)


def tree_part(body: str) -> str:
    return body[body.index('id="tree-heading"') : body.index('id="orphans-heading"')]


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A budget of four objectives a page: the demo's map no longer fits."""
    monkeypatch.setattr("tandem.web.views.alignment.NODE_BUDGET", 4)


def test_the_demo_map_shows_everything_open(web_as: Callable[[str], Client]) -> None:
    body = web_as("admin").get("/alignment", {"cycle": "all"}).content.decode()
    assert "data-branch" not in body
    assert "tree-more" not in body
    # Every objective the admin may see, once.
    links = objective_links(body)
    assert len(links) == len(set(links)) == 19


@pytest.mark.usefixtures("small_budget")
def test_beyond_the_budget_a_branch_is_closed_and_says_what_it_holds(
    web_as: Callable[[str], Client],
) -> None:
    body = web_as("admin").get("/alignment").content.decode()
    tree = tree_part(body)
    # The three company objectives and the orphan fill the budget: their key results show,
    # what hangs below them is closed.
    assert objective_links(body) == ["NW-1", "NW-2", "NW-3", "IN-2"]
    assert "NW-1.1" in tree
    assert "SR-1" not in tree
    closed = re.search(r'<details class="tree-branch" data-branch ([^>]*)>', tree)
    assert closed is not None
    assert 'hx-get="/alignment/branch/NW-1.1"' in closed.group(1)
    assert 'hx-trigger="toggle once"' in closed.group(1)
    # SR-1 (and BEN-1 below it), IN-1 (and SRE-1), MO-1: 3 aligned to NW-1.1, 5 in all.
    assert (
        "<summary>3 objectives aligned, 5 below in all"
        '<span class="visually-hidden"> to NW-1.1</span></summary>' in tree
    )
    # Without JavaScript, the map from NW-1 down.
    assert '<a href="/alignment?root=NW-1">Show the map from NW-1 down</a>' in tree
    # The summary still counts the whole map.
    assert "17 objectives shown:" in body


@pytest.mark.usefixtures("small_budget")
def test_a_closed_branch_loads_what_is_below_it(web_as: Callable[[str], Client]) -> None:
    client = web_as("lead")
    response = client.get("/alignment/branch/NW-1.1", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<li class="tree-node')
    assert "<html" not in fragment
    # The objectives aligned to NW-1.1 the lead may see (not MO-1), and below them within
    # the budget: BEN-1 and SRE-1.
    assert objective_links(fragment) == ["SR-1", "BEN-1", "IN-1", "SRE-1"]
    # Objectives aligned to the objective itself, directly.
    direct = client.get("/alignment/branch/IN-1", HTTP_HX_REQUEST="true").content.decode()
    assert objective_links(direct) == ["SRE-1"]


def test_a_branch_keeps_to_the_budget(
    web_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tandem.web.views.alignment.NODE_BUDGET", 2)
    fragment = web_as("lead").get("/alignment/branch/NW-1.1").content.decode()
    # What was asked for always shows; below it, what fits.
    assert objective_links(fragment) == ["SR-1", "IN-1"]
    assert 'hx-get="/alignment/branch/SR-1.1"' in fragment
    assert 'href="/alignment?root=IN-1"' in fragment


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("lead", "MO-1"),
        ("lead", "MO-1.1"),
        ("outsider", "BEN-1"),
        ("outsider", "BEN-1.1"),
        ("lead", "NOPE"),
        ("lead", "NW-1.9"),
    ],
)
def test_what_you_may_not_see_is_not_found_like_what_does_not_exist(
    web_as: Callable[[str], Client], persona: str, target: str
) -> None:
    client = web_as(persona)
    branch = client.get(f"/alignment/branch/{target}", HTTP_HX_REQUEST="true")
    rooted = client.get("/alignment", {"root": target})
    assert branch.status_code == rooted.status_code == 404
    unknown = client.get("/alignment/branch/NOPE", HTTP_HX_REQUEST="true")

    def page(response: Any, asked: str) -> str:
        # The page without its CSRF tokens, which differ at every request.
        body = re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())
        return body.replace(asked, "X")

    assert page(branch, target) == page(unknown, "NOPE")


def test_a_branch_shows_only_what_you_may_see(web_as: Callable[[str], Client]) -> None:
    # SR-1.1 holds ben's private BEN-1: the outsider's branch is empty.
    outsider = web_as("outsider").get("/alignment/branch/SR-1.1", HTTP_HX_REQUEST="true")
    assert outsider.status_code == 200
    assert "BEN-1" not in outsider.content.decode()
    assert "Nothing is aligned to SR-1.1" in outsider.content.decode()
    admin = web_as("admin").get("/alignment/branch/NW-1.1").content.decode()
    assert "MO-1" in objective_links(admin)
    assert "MO-1" not in objective_links(
        web_as("lead").get("/alignment/branch/NW-1.1").content.decode()
    )


def test_a_branch_keeps_the_cycle_and_team(web_as: Callable[[str], Client]) -> None:
    client = web_as("lead")
    search = client.get("/alignment/branch/NW-1.1", {"team": "search"}).content.decode()
    assert objective_links(search) == ["SR-1", "BEN-1"]
    # Off the map of that team, or of that cycle: not found.
    assert client.get("/alignment/branch/IN-1", {"team": "search"}).status_code == 404
    assert client.get("/alignment/branch/NW-1.1", {"cycle": "2026-Q4"}).status_code == 404
    assert client.get("/alignment/branch/NW-1.2", {"cycle": "all"}).status_code == 200


def test_closed_branches_link_with_the_filters(
    web_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tandem.web.views.alignment.NODE_BUDGET", 2)
    body = web_as("lead").get("/alignment", {"cycle": "all", "team": "search"}).content.decode()
    assert 'hx-get="/alignment/branch/NW-1.1?cycle=all&amp;team=search"' in body
    assert 'href="/alignment?root=NW-1&amp;cycle=all&amp;team=search"' in body


def test_the_map_rooted_at_an_objective(web_as: Callable[[str], Client]) -> None:
    body = web_as("lead").get("/alignment", {"root": "NW-1", "team": "search"}).content.decode()
    assert '<h2 id="tree-heading">From NW-1 down</h2>' in body
    assert objective_links(body) == ["NW-1", "SR-1", "BEN-1"]
    assert '<a href="/alignment?team=search">Back to the whole map</a>' in body
    assert 'id="orphans-heading"' not in body
    # The summary is the whole map's.
    assert "5 objectives shown: 0 on track, 3 at risk, 2 off track." in body
    deeper = web_as("lead").get("/alignment", {"root": "SR-1"}).content.decode()
    assert objective_links(deeper) == ["SR-1", "BEN-1"]


def test_the_root_objectives_children_always_show(
    web_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tandem.web.views.alignment.NODE_BUDGET", 1)
    body = web_as("admin").get("/alignment", {"root": "NW-1"}).content.decode()
    # NW-1's own children, though over the budget; nothing further.
    assert objective_links(body) == ["NW-1", "SR-1", "IN-1", "MO-1"]
    assert 'hx-get="/alignment/branch/SR-1.1"' in body


def test_top_level_lists_come_a_page_at_a_time(
    web_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tandem.web.views.alignment.PAGE_SIZE", 1)
    client = web_as("admin")
    # In Q3, two objectives hang below FY2026 key results, outside the cycle: two roots.
    first = client.get("/alignment", {"cycle": "2026-Q3"}).content.decode()
    assert objective_links(first) == ["PA-Q3-1"]
    next_page = "/alignment?cycle=2026-Q3&amp;roots=1"
    assert f'<a href="{next_page}" hx-get="{next_page}"' in first
    assert 'hx-select="#tree-roots > li:not(.tree-previous)"' in first
    assert "Show the next 1</a>" in first
    assert "(1 of the 2 objectives at the top not shown yet)" in first
    assert "2 objectives shown" in first
    second = client.get("/alignment", {"cycle": "2026-Q3", "roots": "1"}).content.decode()
    assert objective_links(second) == ["SR-Q3-1"]
    assert "Showing 2–2 of the 2 objectives at the top." in second
    assert '<a href="/alignment?cycle=2026-Q3">Show the ones before</a>' in second
    assert "Show the next" not in second
    # Past the end: the last page; not a number: the first.
    assert objective_links(client.get("/alignment?cycle=2026-Q3&roots=9").content.decode()) == [
        "SR-Q3-1"
    ]
    assert objective_links(client.get("/alignment?cycle=2026-Q3&roots=x").content.decode()) == [
        "PA-Q3-1"
    ]


def test_orphans_come_a_page_at_a_time(
    db: None, generated_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tandem.web.views.alignment.PAGE_SIZE", 1)
    monkeypatch.setattr("tandem.web.views.alignment.NODE_BUDGET", 1)
    file = generated_file(100)
    organization_import(org=load_path(file).organization, source=str(file), today=TODAY)
    cache_clear()
    client = Client()
    client.force_login(User.objects.create(username="zoe", is_superuser=True))
    first = client.get("/alignment", {"cycle": "all"}).content.decode()
    total = re.search(r"Orphans: aligned to nothing \((\d+)\)", first)
    assert total is not None
    assert int(total.group(1)) >= 2
    seen: list[str] = []
    url: str | None = "/alignment?cycle=all"
    while url:
        body = client.get(url).content.decode()
        section = body[body.index('id="orphans-heading"') :]
        # With no budget left, the page's orphans show and what hangs below them is closed.
        tops = objective_links(section)
        assert len(tops) == 1
        seen += tops
        more = re.search(r'<li class="tree-more"><a href="([^"]+)" hx-get', section)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert len(seen) == len(set(seen)) == int(total.group(1))
