"""Evaluating again only what a change reaches.

:func:`reevaluate` brings an evaluation up to date after new check-ins (or any change that
leaves the structure as it was) on a few key results: it evaluates the smallest part of the
organisation that holds what they reach, and keeps every other result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from tandem.core import model as m
from tandem.core.engine import Evaluation, evaluate


class Links:
    """Who feeds whom in one (restricted) organisation, for re-evaluating after check-ins.

    Only the structure counts, and check-ins leave it alone: built once per view and kept
    while only check-ins arrive.
    """

    def __init__(self, org: m.Organization) -> None:
        # Each one's place in the organisation.
        self.objective_order = {oid: i for i, oid in enumerate(org.objectives)}
        self.key_result_order = {kid: i for i, kid in enumerate(org.key_results)}
        self.dependency_order = {did: i for i, did in enumerate(org.dependencies)}
        self.aligned: dict[str, list[str]] = defaultdict(list)
        for objective in org.objectives.values():
            if objective.aligns_to is not None:
                self.aligned[objective.aligns_to].append(objective.id)
        self.deps_from: dict[str, list[str]] = defaultdict(list)
        self.deps_on: dict[str, list[str]] = defaultdict(list)
        for dependency in org.dependencies.values():
            self.deps_from[dependency.from_id].append(dependency.id)
            if dependency.provider_kr is not None:
                self.deps_on[dependency.provider_kr].append(dependency.id)


def _reached(
    org: m.Organization, changed: Iterable[str], links: Links
) -> tuple[set[str], set[str], set[str]]:
    """The key results, objectives and dependencies new check-ins of ``changed`` can move."""
    key_results, objectives, dependencies = org.key_results, org.objectives, org.dependencies
    reached_krs: set[str] = set()
    reached_objectives: set[str] = set()
    reached_deps: set[str] = set()
    todo = [("k", kid) for kid in changed if kid in key_results]
    while todo:
        kind, id_ = todo.pop()
        if kind == "k":
            if id_ not in reached_krs:
                reached_krs.add(id_)
                todo.append(("o", key_results[id_].objective))
                todo.extend(("d", did) for did in links.deps_on.get(id_, ()))
        elif kind == "o":
            if id_ not in reached_objectives:
                reached_objectives.add(id_)
                target = objectives[id_].aligns_to
                if target in key_results and isinstance(key_results[target].metric, m.RollupMetric):
                    todo.append(("k", target))
        elif id_ not in reached_deps:
            reached_deps.add(id_)
            source = dependencies[id_].from_id
            if source in key_results:
                todo.append(("k", source))
            elif source in objectives:
                todo.extend(("k", k) for k in objectives[source].key_results if k in key_results)
    return reached_krs, reached_objectives, reached_deps


def _needed(org: m.Organization, reached: set[str], links: Links) -> set[str]:
    """The objectives whose results those of ``reached`` are computed from, and themselves:
    an objective's key results; a roll-up's aligned objectives; a dependency's provider."""
    key_results, objectives, dependencies = org.key_results, org.objectives, org.dependencies
    needed = set(reached)
    stack = list(needed)

    def add(objective_id: str) -> None:
        if objective_id not in needed:
            needed.add(objective_id)
            stack.append(objective_id)

    def add_provider(dependency_id: str) -> None:
        provider = dependencies[dependency_id].provider_kr
        if provider is not None and provider in key_results:
            add(key_results[provider].objective)

    while stack:
        oid = stack.pop()
        for did in links.deps_from.get(oid, ()):
            add_provider(did)
        for kid in objectives[oid].key_results:
            key_result = key_results.get(kid)
            if key_result is None:
                continue
            if isinstance(key_result.metric, m.RollupMetric):
                for child in links.aligned.get(kid, ()):
                    add(child)
            for did in links.deps_from.get(kid, ()):
                add_provider(did)
    return needed


def reevaluate(
    org: m.Organization, old: Evaluation, changed: Iterable[str], links: Links
) -> Evaluation:
    """``evaluate(org, old.as_of)``, where ``old`` evaluated the same organisation but for
    the check-ins of the key results in ``changed``: only what those check-ins can reach is
    evaluated again.

    What a key result's check-ins reach: the key result, its objective, the roll-up key
    result the objective aligns to (and so on up), and the dependencies it provides for with
    the key results they weigh on (and so on). Those are evaluated again on the smallest part
    of the organisation that holds everything they are computed from (an objective with all
    its key results; a roll-up's aligned objectives; a dependency's provider key result),
    which the engine evaluates as it would the whole: nothing in it reads outside it.
    Everything else keeps its result. Loops and alignments do not change with check-ins, so
    ``alignment_valid``, the loops and ``in_loop`` are kept too.
    """
    reached_krs, reached_objectives, reached_deps = _reached(org, changed, links)
    if not reached_krs:
        return old
    needed = _needed(org, reached_objectives, links)
    key_results, objectives, dependencies = org.key_results, org.objectives, org.dependencies
    # In the organisation's order (dependencies weigh on a key result in that order).
    part_objectives = {
        oid: objectives[oid] for oid in sorted(needed, key=links.objective_order.__getitem__)
    }
    part_krs = {
        kid: key_results[kid]
        for kid in sorted(
            (k for o in part_objectives.values() for k in o.key_results if k in key_results),
            key=links.key_result_order.__getitem__,
        )
    }
    sources = (*part_objectives, *part_krs)
    part_deps = {
        did: dependencies[did]
        for did in sorted(
            (d for source in sources for d in links.deps_from.get(source, ())),
            key=links.dependency_order.__getitem__,
        )
    }
    part = evaluate(
        replace(org, objectives=part_objectives, key_results=part_krs, dependencies=part_deps),
        old.as_of,
    )
    new_krs = dict(old.key_results)
    for kid in reached_krs:
        new_krs[kid] = part.key_results[kid]
    new_objectives = dict(old.objectives)
    for oid in reached_objectives:
        result = part.objectives[oid]
        new_objectives[oid] = replace(
            old.objectives[oid],
            progress=result.progress,
            health=result.health,
            score=result.score,
            met_expectation=result.met_expectation,
        )
    new_deps = dict(old.dependencies)
    for did in reached_deps:
        new_deps[did] = replace(part.dependencies[did], in_loop=old.dependencies[did].in_loop)
    return replace(old, key_results=new_krs, objectives=new_objectives, dependencies=new_deps)
