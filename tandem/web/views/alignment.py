"""The alignment map: the cycle's objectives as a tree from the company down, key results as
branch points, orphans apart; filterable by cycle and team.

A page shows a bounded part of the tree (what a person can read): the top of the map,
breadth first, up to :data:`NODE_BUDGET` objectives. A branch beyond it is a closed
``<details>`` that says how many objectives lie below; opening it loads the branch from
``/alignment/branch/<id>`` (HTMX), or, without JavaScript, links to the map rooted at its
objective (``/alignment?root=<id>``). The roots of the map and the orphans come a page of
:data:`PAGE_SIZE` at a time. The counts are over the whole scope.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from tandem.core import model as m
from tandem.core.report import key_result_row, objective_row
from tandem.errors import NotFoundError
from tandem.okrs.selectors import closed_cycles_get
from tandem.organization.alignment_map import AlignmentMap, MapNode, alignment_map_get
from tandem.organization.cache import View
from tandem.organization.wording import owner_name
from tandem.web import pages
from tandem.web.pages import WebRequest, new_objective_url, signed_in
from tandem.web.views.scope import ScopeForm, export_query

# How many objectives one answer (the page, or a branch) renders at most, breadth first; a
# rendered objective always shows its key results. A group of siblings renders whole or not
# at all, except the objectives one asked for: those a branch holds, or the root's children.
NODE_BUDGET = 150
# How many top-level objectives (the roots of the map, the orphans) a page lists at once.
PAGE_SIZE = 50


# --- what one answer shows ---------------------------------------------------------------


class _Plan:
    """Dresses the objectives one answer renders, breadth first under the budget; the
    groups beyond it stay closed, with the links that load them."""

    def __init__(self, view: View, query: dict[str, str]) -> None:
        self.org = view.org
        self.evaluation = view.evaluation
        self.map_url = reverse("web:alignment")
        self.query = query
        self.encoded = urlencode(query)
        self.rendered = 0

    def forest(self, top: list[MapNode], *, budget: int, open_top: bool = False) -> list[Any]:
        """``top`` dressed, with what fits below; ``open_top``: their own groups show
        whatever their size (the root of a map rooted at an objective)."""
        dressed = [self._dress(node) for node in top]
        self.rendered += len(top)
        queue: deque[tuple[MapNode, dict[str, Any], bool]] = deque(
            (node, shown, open_top) for node, shown in zip(top, dressed, strict=True)
        )
        while queue:
            node, shown, whole = queue.popleft()
            for target, children in node.groups:
                group = self._group(node.id, target, children)
                if whole or self.rendered + len(children) <= budget:
                    group["nodes"] = [self._dress(child) for child in children]
                    self.rendered += len(children)
                    queue.extend(
                        (child, shown_child, False)
                        for child, shown_child in zip(children, group["nodes"], strict=True)
                    )
                if target == node.id:
                    shown["direct"] = group
                else:
                    shown["by_key_result"][target]["group"] = group
        return dressed

    def _dress(self, node: MapNode) -> dict[str, Any]:
        org, evaluation = self.org, self.evaluation
        objective = org.objectives[node.id]
        row = objective_row(objective, evaluation)
        key_results = [
            self._key_result(key_result_id, node.id) for key_result_id in objective.key_results
        ]
        umbrella = objective.umbrella
        return {
            "id": node.id,
            "title": objective.title,
            "owner_name": owner_name(org, objective.owner),
            "level": row["level"],
            "progress": row["progress"],
            "expected_progress": row["expected_progress"],
            "health": row["health"],
            "umbrella_names": [owner_name(org, t) for t in umbrella.teams] if umbrella else [],
            "key_results": key_results,
            "by_key_result": {kr["id"]: kr for kr in key_results},
            "direct": None,
        }

    def _key_result(self, key_result_id: str, objective_id: str) -> dict[str, Any]:
        evaluation = self.evaluation
        row = key_result_row(key_result_id, objective_id, evaluation)
        return {
            "id": key_result_id,
            "title": self.org.key_results[key_result_id].title,
            "progress": row["progress"],
            "health": row["health"],
            "own_health": row["own_health"],
            "confidence": row["confidence"],
            # Its own: a key result added mid-cycle is measured from that day.
            "expected_progress": evaluation.key_results[key_result_id].expected_progress,
            "group": None,
        }

    def _group(self, objective_id: str, target: str, children: list[MapNode]) -> dict[str, Any]:
        """The objectives aligned to ``target`` (a key result of the objective, or the
        objective itself); ``nodes`` stays None while they are not rendered."""
        return {
            "target": target,
            "objective": objective_id,
            "count": len(children),
            "below": sum(1 + child.below for child in children),
            "nodes": None,
            "branch_url": reverse("web:alignment-branch", args=[target])
            + (f"?{self.encoded}" if self.encoded else ""),
            "root_url": f"{self.map_url}?{urlencode({'root': objective_id} | self.query)}",
        }


def _offset(request: WebRequest, name: str, total: int) -> int:
    """The page's offset ``name`` in a list of ``total``: a multiple of the page size, the
    last page when past the end, the first when not a number."""
    try:
        asked = max(0, int(request.GET.get(name, "0")))
    except ValueError:
        asked = 0
    last = max(0, (total - 1) // PAGE_SIZE * PAGE_SIZE)
    return min(asked // PAGE_SIZE * PAGE_SIZE, last)


def _paging(
    request: WebRequest, name: str, nodes: list[MapNode], query: dict[str, str]
) -> dict[str, Any]:
    """A page of a top-level list: where it starts and ends, and the links around it."""
    total = len(nodes)
    start = _offset(request, name, total)
    end = min(total, start + PAGE_SIZE)
    url = reverse("web:alignment")

    def link(offset: int) -> str:
        params = query | ({name: str(offset)} if offset else {})
        return url + ("?" + urlencode(params) if params else "")

    return {
        "total": total,
        "start": start + 1,
        "end": end,
        "nodes": nodes[start:end],
        "previous": link(max(0, start - PAGE_SIZE)) if start else None,
        "next": link(end) if end < total else None,
        "next_count": min(PAGE_SIZE, total - end),
        "left": total - end,
    }


def _find(tree: AlignmentMap, org: m.Organization, target: str) -> tuple[MapNode, str]:
    """The objective on the map that ``target`` (an objective or key result id) is or belongs
    to; what is not on the map (unknown, hidden, outside the cycle or team) is not found."""
    key_result = org.key_results.get(target)
    objective_id = key_result.objective if key_result is not None else target
    node = tree.nodes.get(objective_id)
    if node is None:
        raise NotFoundError(f"there is no objective or key result '{target}' on this map")
    return node, objective_id


@dataclass(frozen=True, slots=True)
class _Asked:
    """The map a request asks for: its filter (a wrong value falls back to the default, as
    the form says), the map's shape, and the plan that dresses what it shows."""

    form: ScopeForm
    cycle: str | None
    team: str | None
    tree: AlignmentMap
    plan: _Plan


def _asked(request: WebRequest, view: View) -> _Asked:
    form = ScopeForm(request.GET, view=view)
    cycle, team = form.scope()
    query = {name: value for name, value in (("cycle", cycle), ("team", team)) if value}
    return _Asked(
        form, cycle, team, alignment_map_get(view, cycle=cycle, team=team), _Plan(view, query)
    )


@signed_in
def alignment_map(request: WebRequest) -> HttpResponse:
    view = pages.view_of(request)
    asked = _asked(request, view)
    tree = asked.tree
    context: dict[str, Any] = {
        "form": asked.form,
        "cycles": list(tree.cycles),
        "team": view.org.teams[asked.team] if asked.team else None,
        "shown": sum(tree.counts.values()),
        "health_counts": tree.counts,
        "export_query": export_query(asked.cycle, asked.team),
        # A closed cycle takes no new objective: none is offered (the form has no such cycle).
        "new_objective": None
        if asked.cycle in closed_cycles_get()
        else new_objective_url(team=asked.team, cycle=asked.cycle),
        "nav": "alignment",
    }
    root_id = request.GET.get("root")
    if root_id:
        context |= _rooted(view, asked, root_id, context["export_query"])
    else:
        context |= _top(request, asked)
    return pages.page(request, "web/alignment.html", context, view=view)


def _rooted(view: View, asked: _Asked, root_id: str, export: str) -> dict[str, Any]:
    """The map rooted at one objective, its own groups open whatever their size."""
    node, objective_id = _find(asked.tree, view.org, root_id)
    if objective_id != root_id:  # a key result's id: the map is rooted at objectives only
        raise NotFoundError(f"there is no objective '{root_id}' on this map")
    return {
        "root": asked.plan.forest([node], budget=NODE_BUDGET, open_top=True)[0],
        "whole_map": reverse("web:alignment") + export,
    }


def _top(request: WebRequest, asked: _Asked) -> dict[str, Any]:
    """A page of the map's roots and one of its orphans."""
    plan = asked.plan
    roots = _paging(request, "roots", asked.tree.roots, plan.query)
    orphans = _paging(request, "orphans", asked.tree.orphans, plan.query)
    # One budget for the page: the tree leaves room for the page of orphans, which always
    # shows, with what is left below them.
    return {
        "roots": plan.forest(roots["nodes"], budget=NODE_BUDGET - len(orphans["nodes"])),
        "orphans": plan.forest(orphans["nodes"], budget=NODE_BUDGET),
        "roots_page": roots,
        "orphans_page": orphans,
    }


@signed_in
def alignment_branch(request: WebRequest, target: str) -> HttpResponse:
    """The objectives aligned to ``target`` (a key result, or an objective directly), as
    list items of the map: an HTMX fragment that a closed branch loads when opened."""
    view = pages.view_of(request)
    asked = _asked(request, view)
    node, _oid = _find(asked.tree, view.org, target)
    children = next((nodes for aligned_to, nodes in node.groups if aligned_to == target), [])
    nodes = asked.plan.forest(children, budget=NODE_BUDGET)
    return render(request, "web/_tree_branch.html", {"nodes": nodes, "target": target})


urlpatterns = [
    path("alignment", alignment_map, name="alignment"),
    path("alignment/branch/<str:target>", alignment_branch, name="alignment-branch"),
]
