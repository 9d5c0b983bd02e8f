"""The loops an evaluation breaks (SPEC section 2): objectives aligned to each other in a
circle, and dependencies that wait on each other through the key results that deliver them.
Both are listed in the order of the organisation's file."""

from __future__ import annotations

from collections.abc import Mapping

from tandem.core import model as m
from tandem.core.graph import loops, single_successor_loops


def objective_loops(org: m.Organization, parents: Mapping[str, str]) -> list[list[str]]:
    """Each loop of ``aligns_to`` links (``parents``: the objective each aligns to)."""
    # Every objective aligns to at most one other: a walk along aligns_to finds the
    # loops (in the order, and with the members, of graph.loops) without Tarjan's work.
    order = {objective_id: i for i, objective_id in enumerate(org.objectives)}
    found = single_successor_loops(org.objectives, parents.get)
    return [sorted(loop, key=order.__getitem__) for loop in found]


def provider_loops(
    org: m.Organization, deps_from: Mapping[str, list[str]], order: Mapping[str, int]
) -> list[list[str]]:
    """Each loop of dependencies linked through ``provider_kr`` (``deps_from``: the
    dependencies each key result or objective needs; ``order``: their places in the file)."""

    def next_deps(dependency_id: str) -> list[str]:
        provider_kr = org.dependencies[dependency_id].provider_kr
        if provider_kr is None or provider_kr not in org.key_results:
            return []
        objective = org.key_results[provider_kr].objective
        return deps_from.get(provider_kr, []) + deps_from.get(objective, [])

    found = loops(org.dependencies, next_deps)
    return [sorted(loop, key=order.__getitem__) for loop in found]
