"""The alignment map: the tree from the company down, filters, orphans, for every persona."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.web.conftest import HIDDEN, SIGNED_IN
from tests.web.test_exports import query_counts


def objective_links(body: str) -> list[str]:
    return re.findall(r'href="/objectives/([^"]+)"', body)


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
        return ["/alignment", f"/alignment?team={team}", "/alignment?cycle=all"]

    assert query_counts(paths, generated_file(100)) == query_counts(paths, generated_file(300))
