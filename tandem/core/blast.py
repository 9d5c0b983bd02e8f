"""Blast radius, critical providers and "what if" (SPEC section 5).

A key result ``R`` depends directly on ``K`` when a dependency whose ``provider_kr`` is ``K``
comes from ``R`` or from ``R``'s objective. The blast radius of ``K`` is what is reachable from
it that way. Only key results named as a ``provider_kr`` have one that is not empty, so the
walks start from those alone, each walking its own reach once: the cost grows with the
organisation and the size of the reaches, not with the number of key results squared.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from tandem.core import model as m
from tandem.core.engine import evaluate
from tandem.core.results import Evaluation, Health
from tandem.core.risk import Step, risk_chain

# The report lists at most this many critical providers (SPEC section 5).
CRITICAL_LIMIT = 20


@dataclass(frozen=True, slots=True)
class Reach:
    """The blast radius of one key result: the key results reached (in the order found, the
    nearest first), the objectives and owning teams they belong to, and for each key result
    reached the dependency and key result it was reached through."""

    key_results: tuple[str, ...]
    objectives: frozenset[str]
    teams: frozenset[str]
    via: dict[str, tuple[str, str]]

    def counts(self) -> dict[str, int]:
        return {
            "key_results": len(self.key_results),
            "objectives": len(self.objectives),
            "teams": len(self.teams),
        }

    def path_to(self, key_result: str) -> list[tuple[str, str]]:
        """The (dependency, key result) links from the provider to ``key_result``."""
        links: list[tuple[str, str]] = []
        current = key_result
        while current in self.via:
            dependency, previous = self.via[current]
            links.append((dependency, current))
            current = previous
        return links[::-1]


EMPTY = Reach((), frozenset(), frozenset(), {})


def owning_teams(org: m.Organization) -> dict[str, str | None]:
    """The team each objective belongs to: its owner when a team, else the first team (in
    file order) its owner is a member of; None for a person in no team."""
    team_of = owning_team(org)
    return {oid: team_of(oid) for oid in org.objectives}


def owning_team(org: m.Organization) -> Callable[[str], str | None]:
    """:func:`owning_teams` one objective at a time: the blast radii and the critical
    providers ask for the few objectives they reach, not for the whole organisation's."""
    objectives, teams = org.objectives, org.teams
    first_team: dict[str, str] = {}

    def team_of(objective_id: str) -> str | None:
        owner = objectives[objective_id].owner
        if owner in teams:
            return owner
        if not first_team:  # the people's first teams, once, when a person owns one
            for team in teams.values():
                for person in team.members:
                    first_team.setdefault(person, team.id)
        return first_team.get(owner)

    return team_of


def dependents(org: m.Organization) -> dict[str, list[tuple[str, str]]]:
    """For each key result named as a ``provider_kr``: the (dependency, key result) pairs that
    depend on it directly, in file order."""
    found: dict[str, list[tuple[str, str]]] = {}
    key_results, objectives = org.key_results, org.objectives
    for dep in org.dependencies.values():
        provider = dep.provider_kr
        if provider is None or provider not in key_results:
            continue
        if dep.from_id in key_results:
            needing: tuple[str, ...] = (dep.from_id,)
        elif dep.from_id in objectives:
            needing = objectives[dep.from_id].key_results
        else:
            continue
        found.setdefault(provider, []).extend((dep.id, kid) for kid in needing)
    return found


def blast_radii(org: m.Organization) -> dict[str, Reach]:
    """The blast radius of every key result that has one that is not empty (the others':
    :data:`EMPTY`)."""
    direct = dependents(org)
    team_of = owning_team(org)
    key_results = org.key_results
    radii: dict[str, Reach] = {}
    for provider in direct:
        via: dict[str, tuple[str, str]] = {}
        todo = deque([provider])
        while todo:
            current = todo.popleft()
            for dependency, kid in direct.get(current, ()):
                if kid != provider and kid not in via:
                    via[kid] = (dependency, current)
                    todo.append(kid)
        if via:
            objectives = frozenset(key_results[kid].objective for kid in via)
            owners = frozenset(t for o in objectives if (t := team_of(o)) is not None)
            radii[provider] = Reach(tuple(via), objectives, owners, via)
    return radii


@dataclass(frozen=True, slots=True)
class Critical:
    """A critical provider: a key result not on track whose blast radius reaches another team
    than its own. ``path``: the links to the nearest key result of another team; ``chain``:
    why the provider itself is not on track, through its own dependencies (tandem.core.risk)."""

    key_result: str
    health: Health
    team: str | None
    reach: Reach
    path: list[tuple[str, str]]
    chain: list[Step]


def critical_providers(
    org: m.Organization,
    evaluation: Evaluation,
    radii: dict[str, Reach],
    within: frozenset[str] | None = None,
    limit: int = CRITICAL_LIMIT,
) -> list[Critical]:
    """The critical providers, those of the objectives ``within`` when given, the most key
    results reached first (then by id), at most ``limit``."""
    team_of = owning_team(org)
    found = []
    for kid, reach in radii.items():
        result = evaluation.key_results[kid]
        objective = org.key_results[kid].objective
        if result.health is Health.ON_TRACK or (within is not None and objective not in within):
            continue
        own_team = team_of(objective)
        if reach.teams - {own_team}:
            found.append((kid, reach, own_team, result.health))
    found.sort(key=lambda row: (-len(row[1].key_results), row[0]))
    return [
        Critical(
            kid,
            health,
            team,
            reach,
            _path(org, reach, team_of, team),
            risk_chain(org, evaluation, kid),
        )
        for kid, reach, team, health in found[:limit]
    ]


def _path(
    org: m.Organization, reach: Reach, team_of: Callable[[str], str | None], own: str | None
) -> list[tuple[str, str]]:
    for kid in reach.key_results:  # nearest first (breadth first)
        team = team_of(org.key_results[kid].objective)
        if team is not None and team != own:
            return reach.path_to(kid)
    return []


def what_if(org: m.Organization, evaluation: Evaluation, key_result: str) -> list[str]:
    """The objectives (ids, in file order) that are not off track in ``evaluation`` and would
    be if ``key_result`` were: the engine again, with that key result's own health forced."""
    forced = evaluate(org, evaluation.as_of, forced={key_result: Health.OFF_TRACK})
    before, after = evaluation.objectives, forced.objectives
    return [
        oid
        for oid in org.objectives
        if before[oid].health is not Health.OFF_TRACK and after[oid].health is Health.OFF_TRACK
    ]
