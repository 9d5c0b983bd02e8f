"""The alignment map's shape: the cycle's objectives as a tree from the company down, key
results as branch points, orphans apart, with the team filter applied; the pages dress only
the part they show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from tandem.core import model as m
from tandem.core.engine import ObjectiveResult
from tandem.core.report import resolve_scope
from tandem.organization.cache import View
from tandem.organization.reports import aligned_within


def team_reading(org: m.Organization, as_of: date, cycle: str | None, team: str) -> set[str]:
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


@dataclass(slots=True)
class MapNode:
    """An objective on the map: the objectives below it, by what they align to (each of its
    key results in order, then the objective itself), and how many lie below in all."""

    id: str
    groups: list[tuple[str, list[MapNode]]] = field(default_factory=list)
    below: int = 0


@dataclass(frozen=True, slots=True)
class AlignmentMap:
    cycles: tuple[str, ...]
    roots: list[MapNode]
    orphans: list[MapNode]
    nodes: dict[str, MapNode]  # by objective id, as first met from the top
    counts: dict[str, int]  # objectives on the map by health ("none": no data yet)


class _Walk:
    """Walks the alignments down from an objective. An objective shows once: a loop of
    alignments stops where it comes back. What the team filter leaves out (``kept``) is still
    walked, so that it is not met again elsewhere."""

    def __init__(
        self, org: m.Organization, objectives: Iterable[str], kept: set[str] | None
    ) -> None:
        self.org = org
        self.kept = kept
        self.below: dict[str, list[str]] = defaultdict(list)
        for objective_id in objectives:
            target = org.objectives[objective_id].aligns_to
            if target is not None:
                self.below[target].append(objective_id)
        self.reached: set[str] = set()

    def visit(self, objective_id: str) -> MapNode:
        self.reached.add(objective_id)
        node = MapNode(objective_id)
        for target in (*self.org.objectives[objective_id].key_results, objective_id):
            found = []
            for child in self.below.get(target, ()):
                if child not in self.reached:
                    child_node = self.visit(child)
                    if self.kept is None or child in self.kept:
                        found.append(child_node)
                        node.below += 1 + child_node.below
            if found:
                node.groups.append((target, found))
        return node


def alignment_map_get(view: View, *, cycle: str | None, team: str | None) -> AlignmentMap:
    """The map's shape, as :func:`~tandem.organization.reports.alignment_tree_get` builds
    the tree (the same roots, orphans, order and loop rule) with the team filter applied,
    without the rows."""
    org, results = view.org, view.evaluation.objectives
    scope = resolve_scope(org, view.as_of, cycle=cycle)
    kept = team_reading(org, view.as_of, cycle, team) if team else None
    walk = _Walk(org, scope.objectives, kept)
    company = m.Level.COMPANY
    in_scope = set(scope.objectives)
    orphans = {
        objective_id
        for objective_id in scope.objectives
        if results[objective_id].level is not company and not results[objective_id].alignment_valid
    }
    tops = [
        objective_id
        for objective_id in scope.objectives
        if results[objective_id].level is company or not aligned_within(org, objective_id, in_scope)
    ]
    roots = [walk.visit(objective_id) for objective_id in tops if objective_id not in orphans]
    # Orphans, and objectives on a loop of alignments, which hang below nothing.
    apart = [
        objective_id
        for objective_id in scope.objectives
        if objective_id in orphans or objective_id not in walk.reached
    ]
    apart_nodes = [
        walk.visit(objective_id) for objective_id in apart if objective_id not in walk.reached
    ]
    if kept is not None:
        roots = [node for node in roots if node.id in kept]
        apart_nodes = [node for node in apart_nodes if node.id in kept]
    nodes, counts = _nodes_and_counts(roots, apart_nodes, results)
    return AlignmentMap(scope.cycles, roots, apart_nodes, nodes, counts)


def _nodes_and_counts(
    roots: list[MapNode], apart: list[MapNode], results: dict[str, ObjectiveResult]
) -> tuple[dict[str, MapNode], dict[str, int]]:
    """Every node on the map by id (as first met from the top), and how many have each
    health ("none": no data yet)."""
    counts: dict[str, int] = {}
    nodes: dict[str, MapNode] = {}
    todo = [*reversed(apart), *reversed(roots)]
    while todo:
        node = todo.pop()
        nodes.setdefault(node.id, node)
        health = results[node.id].health
        key = health.value if health is not None else "none"
        counts[key] = counts.get(key, 0) + 1
        for _target, children in reversed(node.groups):
            todo.extend(reversed(children))
    return nodes, counts
