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

from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from tandem.core import model as m
from tandem.core.report import key_result_row, objective_row, resolve_scope
from tandem.errors import NotFoundError
from tandem.okrs.selectors import closed_cycles_get
from tandem.organization.cache import View
from tandem.organization.reports import aligned_within
from tandem.web import pages
from tandem.web.pages import WebRequest, new_objective_url, owner_name, signed_in
from tandem.web.views.exports import ScopeForm, export_query

# How many objectives one answer (the page, or a branch) renders at most, breadth first; a
# rendered objective always shows its key results. A group of siblings renders whole or not
# at all, except the objectives one asked for: those a branch holds, or the root's children.
NODE_BUDGET = 150
# How many top-level objectives (the roots of the map, the orphans) a page lists at once.
PAGE_SIZE = 50


def team_reading(org: m.Organization, as_of: Any, cycle: str | None, team: str) -> set[str]:
    """The objectives a team filter keeps: those ``tandem report --team`` covers (the team's,
    its sub-teams', their members', the umbrellas they contribute to) and every objective
    above them up to the company, so that the tree stays connected."""
    kept = set(resolve_scope(org, as_of, cycle=cycle, team=team).objectives)
    todo = list(kept)
    while todo:
        target = org.objectives[todo.pop()].aligns_to
        if target in org.key_results:
            target = org.key_results[target].objective
        if target is not None and target in org.objectives and target not in kept:
            kept.add(target)
            todo.append(target)
    return kept


# --- the shape of the whole map ----------------------------------------------------------


@dataclass(slots=True)
class _Node:
    """An objective on the map: the objectives below it, by what they align to (each of its
    key results in order, then the objective itself), and how many lie below in all."""

    id: str
    groups: list[tuple[str, list[_Node]]] = field(default_factory=list)
    below: int = 0


@dataclass(frozen=True, slots=True)
class _Map:
    cycles: tuple[str, ...]
    roots: list[_Node]
    orphans: list[_Node]
    nodes: dict[str, _Node]  # by objective id, as first met from the top
    counts: dict[str, int]  # objectives on the map by health ("none": no data yet)


def _map_build(view: View, cycle: str | None, team: str | None) -> _Map:
    """The map's shape, as :func:`~tandem.organization.reports.alignment_tree_get` builds
    the tree (the same roots, orphans, order and loop rule) with the team filter applied,
    without the rows: the page dresses only the objectives it shows."""
    org, results = view.org, view.evaluation.objectives
    scope = resolve_scope(org, view.as_of, cycle=cycle)
    kept = team_reading(org, view.as_of, cycle, team) if team else None
    below: dict[str, list[str]] = defaultdict(list)
    for oid in scope.objectives:
        target = org.objectives[oid].aligns_to
        if target is not None:
            below[target].append(oid)
    reached: set[str] = set()

    def visit(oid: str) -> _Node:
        # An objective shows once: a loop of alignments stops where it comes back. What the
        # team filter leaves out is still walked, so that it is not met again elsewhere.
        reached.add(oid)
        node = _Node(oid)
        for target in (*org.objectives[oid].key_results, oid):
            found = []
            for child in below.get(target, ()):
                if child not in reached:
                    child_node = visit(child)
                    if kept is None or child in kept:
                        found.append(child_node)
                        node.below += 1 + child_node.below
            if found:
                node.groups.append((target, found))
        return node

    company = m.Level.COMPANY
    in_scope = set(scope.objectives)
    orphans = {
        oid
        for oid in scope.objectives
        if results[oid].level is not company and not results[oid].alignment_valid
    }
    tops = [
        oid
        for oid in scope.objectives
        if results[oid].level is company or not aligned_within(org, oid, in_scope)
    ]
    roots = [visit(oid) for oid in tops if oid not in orphans]
    # Orphans, and objectives on a loop of alignments, which hang below nothing.
    apart = [oid for oid in scope.objectives if oid in orphans or oid not in reached]
    apart_nodes = [visit(oid) for oid in apart if oid not in reached]
    if kept is not None:
        roots = [node for node in roots if node.id in kept]
        apart_nodes = [node for node in apart_nodes if node.id in kept]
    counts: dict[str, int] = {}
    nodes: dict[str, _Node] = {}
    todo = [*reversed(apart_nodes), *reversed(roots)]
    while todo:
        node = todo.pop()
        nodes.setdefault(node.id, node)
        health = results[node.id].health
        key = health.value if health is not None else "none"
        counts[key] = counts.get(key, 0) + 1
        for _target, children in reversed(node.groups):
            todo.extend(reversed(children))
    return _Map(scope.cycles, roots, apart_nodes, nodes, counts)


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

    def forest(self, top: list[_Node], *, budget: int, open_top: bool = False) -> list[Any]:
        """``top`` dressed, with what fits below; ``open_top``: their own groups show
        whatever their size (the root of a map rooted at an objective)."""
        dressed = [self._dress(node) for node in top]
        self.rendered += len(top)
        queue: deque[tuple[_Node, dict[str, Any], bool]] = deque(
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

    def _dress(self, node: _Node) -> dict[str, Any]:
        org, evaluation = self.org, self.evaluation
        objective = org.objectives[node.id]
        row = objective_row(objective, evaluation)
        key_results = []
        for kid in objective.key_results:
            kr_row = key_result_row(kid, node.id, evaluation)
            key_results.append(
                {
                    "id": kid,
                    "title": org.key_results[kid].title,
                    "progress": kr_row["progress"],
                    "health": kr_row["health"],
                    "own_health": kr_row["own_health"],
                    "confidence": kr_row["confidence"],
                    # Its own: a key result added mid-cycle is measured from that day.
                    "expected_progress": evaluation.key_results[kid].expected_progress,
                    "group": None,
                }
            )
        return {
            "id": node.id,
            "title": objective.title,
            "owner_name": owner_name(org, objective.owner),
            "level": row["level"],
            "progress": row["progress"],
            "expected_progress": row["expected_progress"],
            "health": row["health"],
            "umbrella_names": (
                [owner_name(org, t) for t in objective.umbrella.teams] if objective.umbrella else []
            ),
            "key_results": key_results,
            "by_key_result": {kr["id"]: kr for kr in key_results},
            "direct": None,
        }

    def _group(self, objective_id: str, target: str, children: list[_Node]) -> dict[str, Any]:
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
    request: WebRequest, name: str, nodes: list[_Node], query: dict[str, str]
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


def _find(tree: _Map, org: m.Organization, target: str) -> tuple[_Node, str]:
    """The objective on the map that ``target`` (an objective or key result id) is or belongs
    to; what is not on the map (unknown, hidden, outside the cycle or team) is not found."""
    key_result = org.key_results.get(target)
    oid = key_result.objective if key_result is not None else target
    node = tree.nodes.get(oid)
    if node is None:
        raise NotFoundError(f"there is no objective or key result '{target}' on this map")
    return node, oid


@dataclass(frozen=True, slots=True)
class _Asked:
    """The map a request asks for: its filter (a wrong value falls back to the default, as
    the form says), the map's shape, and the plan that dresses what it shows."""

    form: ScopeForm
    cycle: str | None
    team: str | None
    tree: _Map
    plan: _Plan


def _asked(request: WebRequest, view: View) -> _Asked:
    form = ScopeForm(request.GET, view=view)
    cycle, team = form.scope()
    query = {name: value for name, value in (("cycle", cycle), ("team", team)) if value}
    return _Asked(form, cycle, team, _map_build(view, cycle, team), _Plan(view, query))


@signed_in
def alignment_map(request: WebRequest) -> HttpResponse:
    view = pages.view_of(request)
    asked = _asked(request, view)
    tree, plan = asked.tree, asked.plan
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
        node, oid = _find(tree, view.org, root_id)
        if oid != root_id:  # a key result's id: the map is rooted at objectives only
            raise NotFoundError(f"there is no objective '{root_id}' on this map")
        context["root"] = plan.forest([node], budget=NODE_BUDGET, open_top=True)[0]
        context["whole_map"] = reverse("web:alignment") + context["export_query"]
    else:
        roots = _paging(request, "roots", tree.roots, plan.query)
        orphans = _paging(request, "orphans", tree.orphans, plan.query)
        # One budget for the page: the tree leaves room for the page of orphans, which
        # always shows, with what is left below them.
        context["roots"] = plan.forest(roots["nodes"], budget=NODE_BUDGET - len(orphans["nodes"]))
        context["orphans"] = plan.forest(orphans["nodes"], budget=NODE_BUDGET)
        context["roots_page"], context["orphans_page"] = roots, orphans
    return pages.page(request, "web/alignment.html", context, view=view)


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
