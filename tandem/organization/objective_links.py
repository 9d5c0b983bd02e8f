"""What an objective page shows around the objective: what it aligns to up to the company,
what is aligned to it, and the dependencies from and to it, on the caller's view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tandem.core import model as m
from tandem.organization.cache import View
from tandem.organization.wording import owner_name


@dataclass(frozen=True)
class Link:
    id: str
    title: str
    objective: str  # the objective page it links to
    kind: str  # objective | key_result


def alignment_chain(view: View, objective_id: str) -> list[Link]:
    """What the objective aligns to, up to the company: the nearest first. Stops at a loop."""
    org = view.org
    chain: list[Link] = []
    seen = {objective_id}
    target = org.objectives[objective_id].aligns_to
    while target is not None:
        if target in org.key_results:
            key_result = org.key_results[target]
            chain.append(Link(target, key_result.title, key_result.objective, "key_result"))
            target = key_result.objective
        if target not in org.objectives or target in seen:
            break
        seen.add(target)
        chain.append(Link(target, org.objectives[target].title, target, "objective"))
        target = org.objectives[target].aligns_to
    return chain


def aligned_below(view: View, target_id: str) -> list[Link]:
    org = view.org
    below = view.evaluation.aligned_below.get(target_id, [])
    return [
        Link(objective_id, org.objectives[objective_id].title, objective_id, "objective")
        for objective_id in below
    ]


@dataclass(frozen=True)
class DependencyRow:
    id: str
    need: str
    state: str
    status: str
    due: date | None
    from_id: str
    from_objective: str
    from_title: str
    provider: str
    provider_kr: str | None
    provider_objective: str | None


def _dependency_row(view: View, dependency: m.Dependency) -> DependencyRow:
    org = view.org
    needer = dependency.from_id
    from_objective = needer if needer in org.objectives else org.key_results[needer].objective
    from_title = (
        org.objectives[needer].title if needer in org.objectives else org.key_results[needer].title
    )
    provider_kr = dependency.provider_kr if dependency.provider_kr in org.key_results else None
    return DependencyRow(
        id=dependency.id,
        need=dependency.need,
        state=dependency.state.value,
        status=view.evaluation.dependencies[dependency.id].status.value,
        due=dependency.due,
        from_id=needer,
        from_objective=from_objective,
        from_title=from_title,
        provider=owner_name(org, dependency.provider),
        provider_kr=provider_kr,
        provider_objective=org.key_results[provider_kr].objective if provider_kr else None,
    )


def objective_dependencies(
    view: View, objective_id: str
) -> tuple[list[DependencyRow], list[DependencyRow]]:
    """(incoming, outgoing): the help its key results give (they are a dependency's
    ``provider_kr``), and the help it or its key results asked for."""
    objective = view.org.objectives[objective_id]
    own = {objective_id, *objective.key_results}
    incoming, outgoing = [], []
    for dependency in view.org.dependencies.values():
        if dependency.from_id in own:
            outgoing.append(_dependency_row(view, dependency))
        elif dependency.provider_kr in own:
            incoming.append(_dependency_row(view, dependency))
    return incoming, outgoing
