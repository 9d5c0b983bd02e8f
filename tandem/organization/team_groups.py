"""The teams as a tree, and the objectives of a scope counted per team: the rows of the
report page, the review and the team page when a scope holds more than a page can list."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from tandem.core import model as m


def team_tree(org: m.Organization) -> list[tuple[m.Team, int]]:
    """Every team with its depth, the company first and each team above its sub-teams."""
    children: dict[str | None, list[m.Team]] = {}
    for team in org.teams.values():
        children.setdefault(team.parent, []).append(team)
    ordered: list[tuple[m.Team, int]] = []
    todo = [(team, 0) for team in reversed(children.get(None, []))]
    seen: set[str] = set()
    while todo:
        team, depth = todo.pop()
        if team.id in seen:  # a loop of parents cannot be loaded, but never loop here
            continue
        seen.add(team.id)
        ordered.append((team, depth))
        todo.extend((child, depth + 1) for child in reversed(children.get(team.id, [])))
    return ordered


@dataclass
class TeamGroup:
    """One row of a per-team summary: a team's own objectives (``whole`` False: owned by the
    team or one of its members, or umbrella objectives it contributes to), or everything in its
    scope (``whole``: with its sub-teams and their members, as ``tandem report --team``)."""

    team: m.Team
    whole: bool
    objectives: list[m.Objective] = field(default_factory=list)
    sub_teams: int = 0


def team_groups(
    org: m.Organization, objectives: Iterable[m.Objective], node: str | None = None
) -> list[TeamGroup]:
    """The rows of a summary of ``objectives`` below the team ``node`` (the company's when
    None): the node's own objectives, then each of its sub-teams with its whole scope. An
    objective counts in every row whose scope holds it (an umbrella objective, or one whose
    owner is in two teams, can count twice), as ``tandem report --team`` counts; one pass over
    the objectives whatever the number of rows."""
    children: dict[str | None, list[m.Team]] = defaultdict(list)
    for team in org.teams.values():
        children[team.parent].append(team)
    if node is None and org.root_team is not None:
        node = org.root_team.id
    own = TeamGroup(org.teams[node], False) if node is not None else None
    groups = {team.id: TeamGroup(team, True) for team in children.get(node, ())}
    for team_id, group in groups.items():
        group.sub_teams = len(children.get(team_id, ()))
    person_teams: dict[str, list[str]] = defaultdict(list)
    for team in org.teams.values():
        for person in team.members:
            person_teams[person].append(team.id)
    row_of = _RowOf(org, node, set(groups))
    for objective in objectives:
        owner = objective.owner
        base = [owner] if owner in org.teams else person_teams.get(owner or "", [])
        if objective.umbrella is not None:
            base = [*base, *objective.umbrella.teams]
        if own is not None and node in base:
            own.objectives.append(objective)
        for row_id in {row_of(team_id) for team_id in base}:
            if row_id is not None and row_id != node:
                groups[row_id].objectives.append(objective)
    return ([own] if own is not None else []) + list(groups.values())


class _RowOf:
    """The row each team counts in: itself or its ancestor among the rows, the node, or None
    (neither); remembered for every team on the way up."""

    def __init__(self, org: m.Organization, node: str | None, rows: set[str]) -> None:
        self.org = org
        self.node = node
        self.rows = rows
        self.known: dict[str, str | None] = {}

    def __call__(self, team_id: str) -> str | None:
        path = []
        current: str | None = team_id
        found: str | None = None
        while current is not None:
            if current in self.known:
                found = self.known[current]
                break
            if current == self.node or current in self.rows:
                found = current
                break
            path.append(current)
            parent = self.org.teams[current].parent if current in self.org.teams else None
            if parent in path:  # a loop of parents cannot be loaded, but never loop here
                break
            current = parent
        for step in path:
            self.known[step] = found
        return found
