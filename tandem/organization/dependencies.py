"""Who asks whom for help, read from one viewer's evaluated organisation: the requests a
person's teams answer and make, the key results at risk because of a request, which teams
depend on which, and what an acceptance may name. Plain data for the dependencies page (and
for what the next interfaces show of it); the words are the page's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tandem.core import model as m
from tandem.core import permissions
from tandem.core.report import resolve_scope
from tandem.core.visibility import Audience
from tandem.organization.cache import View
from tandem.organization.mine import as_person

# Worst last: an edge of the graph takes the worst status of its requests.
STATUS_RANK = {"cancelled": 0, "done": 1, "ok": 2, "at_risk": 3, "off_track": 4}
ANSWERED = (m.DependencyState.DECLINED, m.DependencyState.DELIVERED, m.DependencyState.CANCELLED)
CLOSED_STATES = (m.DependencyState.DELIVERED, m.DependencyState.CANCELLED)
GRAPH_LINKS = 40  # links the graph draws unless asked for all of them


# --- the caller and the requests, through tandem.core.permissions ------------------------------


def requesting_objective(org: m.Organization, dependency: m.Dependency) -> m.Objective:
    """The objective that needs the help (itself, or the one of the key result that does)."""
    key_result = org.key_results.get(dependency.from_id)
    return org.objectives[key_result.objective if key_result is not None else dependency.from_id]


def may_edit(audience: Audience, org: m.Organization, objective: m.Objective) -> bool:
    return permissions.may_edit(audience, permissions.ownership_of(org, objective))


def may_answer(audience: Audience, dependency: m.Dependency) -> bool:
    return permissions.may_answer(audience, dependency.provider)


def may_cancel(audience: Audience, org: m.Organization, dependency: m.Dependency) -> bool:
    return may_edit(audience, org, requesting_objective(org, dependency))


# --- the lists: asked of the caller's teams, and asked by them --------------------------------


@dataclass(frozen=True, slots=True)
class Lists:
    """The requests of one scope, as the caller's teams see them, by list."""

    lists: dict[str, list[m.Dependency]]
    # Requests between two of the caller's teams: shown once, among those asked of them.
    answering: frozenset[str]
    between: int


def dependency_lists(
    org: m.Organization, mine: Audience, in_scope: Iterable[m.Dependency]
) -> Lists:
    """``waiting``, ``accepted`` and ``answered`` (asked of ``mine``'s teams), ``open`` and
    ``closed`` (asked by them, or by the objectives they may change)."""
    in_scope = list(in_scope)
    incoming = [d for d in in_scope if may_answer(mine, d)]
    answering = frozenset(d.id for d in incoming)
    ours = [d for d in in_scope if may_cancel(mine, org, d)]
    outgoing = [d for d in ours if d.id not in answering]
    state = m.DependencyState
    return Lists(
        lists={
            "waiting": [d for d in incoming if d.state == state.REQUESTED],
            "accepted": [d for d in incoming if d.state == state.ACCEPTED],
            "answered": [d for d in incoming if d.state in ANSWERED],
            "open": [d for d in outgoing if d.state not in CLOSED_STATES],
            "closed": [d for d in outgoing if d.state in CLOSED_STATES],
        },
        answering=answering,
        between=len(ours) - len(outgoing),
    )


# --- what an acceptance may name ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AcceptChoices:
    # The provider team's key results that may deliver the help: (id, title, health).
    key_results: list[tuple[str, str, str]]
    # Its objectives the caller may add a new key result to.
    objectives: list[m.Objective]


class ProviderTeams:
    """Each team's sub-teams and objectives, to find what a provider team's subtree offers."""

    def __init__(self, org: m.Organization) -> None:
        self.org = org
        self.below: dict[str | None, list[str]] = defaultdict(list)
        self.order = {team_id: index for index, team_id in enumerate(org.teams)}
        for team in org.teams.values():
            self.below[team.parent].append(team.id)
        self.objectives: dict[str, list[m.Objective]] = defaultdict(list)
        for objective in org.objectives.values():
            self.objectives[objective.owner].append(objective)

    def subtree(self, team_id: str) -> list[str]:
        """``team_id`` and its sub-teams, in the organisation's order."""
        found, todo = set(), [team_id]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(self.below.get(current, ()))
        return sorted(found, key=self.order.__getitem__)

    def accept_choices(
        self, view: View, dependency: m.Dependency, audience: Audience, closed: frozenset[str]
    ) -> AcceptChoices:
        """What accepting ``dependency`` may name: the provider's key results in cycles that
        overlap the requester's, and its objectives (in open cycles, ``closed`` being the
        others) that ``audience`` may add a key result to."""
        org, evaluation = self.org, view.evaluation
        needing_cycle = org.cycles[requesting_objective(org, dependency).cycle]
        choices = AcceptChoices([], [])
        for team in self.subtree(dependency.provider):
            for objective in self.objectives.get(team, ()):
                if not org.cycles[objective.cycle].overlaps(needing_cycle):
                    continue
                for key_result_id in objective.key_results:
                    if key_result_id != dependency.from_id:
                        health = evaluation.key_results[key_result_id].health.value
                        title = org.key_results[key_result_id].title
                        choices.key_results.append((key_result_id, title, health))
                if objective.cycle not in closed and may_edit(audience, org, objective):
                    choices.objectives.append(objective)
        return choices


# --- what is at risk because of a request -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Risk:
    key_result: m.KeyResult
    objective: m.Objective
    health: str


def risks_get(view: View, objectives: frozenset[str]) -> list[Risk]:
    """Every key result of ``objectives`` worse off because of a dependency, worst first
    (tandem.core.risk.risk_chain says why)."""
    org, evaluation = view.org, view.evaluation
    risks = []
    for key_result_id, result in evaluation.key_results.items():
        key_result = org.key_results[key_result_id]
        if result.at_risk_from and key_result.objective in objectives:
            objective = org.objectives[key_result.objective]
            risks.append(Risk(key_result, objective, result.health.value))
    risks.sort(key=lambda r: -STATUS_RANK[r.health])
    return risks


# --- which teams depend on which ----------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    requester: m.Team
    provider: m.Team
    dependencies: list[m.Dependency]
    status: str  # the worst of its requests'


def _primary_teams(org: m.Organization) -> dict[str, str]:
    """A person's team for the graph: the first team they are in, below the company if any."""
    found: dict[str, str] = {}
    ordered = sorted(org.teams.values(), key=lambda t: t.parent is None)
    for team in ordered:
        for person in (team.lead, *team.members):
            if person is not None:
                found.setdefault(person, team.id)
    return found


def edges_get(view: View, dependencies: list[m.Dependency]) -> list[Edge]:
    """The links between the requesting teams (a person's primary team for theirs) and the
    provider teams of ``dependencies`` that are not cancelled."""
    org, evaluation = view.org, view.evaluation
    primary = _primary_teams(org)
    grouped: dict[tuple[str, str], list[m.Dependency]] = defaultdict(list)
    for dep in dependencies:
        if dep.state == m.DependencyState.CANCELLED:
            continue
        owner = requesting_objective(org, dep).owner
        team = owner if owner in org.teams else primary.get(owner)
        if team is not None:
            grouped[(team, dep.provider)].append(dep)
    return [
        Edge(
            org.teams[requester],
            org.teams[provider],
            deps,
            max((evaluation.dependencies[d.id].status.value for d in deps), key=STATUS_RANK.get),  # type: ignore[arg-type]
        )
        for (requester, provider), deps in grouped.items()
    ]


@dataclass(frozen=True)
class Graph:
    """The links the graph draws and its table lists, and what they are out of."""

    edges: list[Edge]
    shown: str  # "all": every link; "mine": those of the caller's teams; "worst": the worst
    total: int  # links in these cycles (that the caller may see)
    mine: int  # of them, links of the caller's teams

    @property
    def capped(self) -> bool:
        return self.shown != "all" and len(self.edges) < (
            self.mine if self.shown == "mine" else self.total
        )


def graph_get(edges: list[Edge], teams: frozenset[str], everything: bool) -> Graph:
    """Every link when asked or when they are few (:data:`GRAPH_LINKS`); else those of
    ``teams`` (the caller's) and the teams they work with, or, when they have none, the
    links of the whole organisation: at most :data:`GRAPH_LINKS`, the worst (by status,
    then by number of requests), in their order."""
    mine = [e for e in edges if e.requester.id in teams or e.provider.id in teams]
    if everything or len(edges) <= GRAPH_LINKS:
        return Graph(edges, "all", len(edges), len(mine))
    pool, shown = (mine, "mine") if mine else (edges, "worst")
    if len(pool) > GRAPH_LINKS:
        worst = sorted(
            range(len(pool)),
            key=lambda i: (-STATUS_RANK[pool[i].status], -len(pool[i].dependencies)),
        )[:GRAPH_LINKS]
        pool = [pool[i] for i in sorted(worst)]
    return Graph(pool, shown, len(edges), len(mine))


def askable(view: View, audience: Audience) -> list[tuple[m.Objective, list[m.KeyResult]]]:
    """What the caller may ask help for when they have not named it: the objectives of their
    own teams and their own, in the cycles under way, with their key results."""
    org = view.org
    mine = as_person(audience, org)
    direct = Audience(person=mine.person, teams=mine.teams)
    cycles = set(resolve_scope(org, view.as_of).cycles)
    return [
        (o, [org.key_results[k] for k in o.key_results])
        for o in org.objectives.values()
        if o.cycle in cycles and may_edit(direct, org, o)
    ]
