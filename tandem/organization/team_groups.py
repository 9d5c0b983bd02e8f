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
    # The row each team counts in: itself or its ancestor among the rows (None: neither).
    row_of: dict[str, str | None] = {}

    def row(team_id: str) -> str | None:
        path = []
        current: str | None = team_id
        found: str | None = None
        while current is not None:
            if current in row_of:
                found = row_of[current]
                break
            if current == node:
                found = node
                break
            if current in groups:
                found = current
                break
            path.append(current)
            parent = org.teams[current].parent if current in org.teams else None
            if parent in path:  # a loop of parents cannot be loaded, but never loop here
                break
            current = parent
        for step in path:
            row_of[step] = found
        return found

    for objective in objectives:
        owner = objective.owner
        base = [owner] if owner in org.teams else person_teams.get(owner or "", [])
        if objective.umbrella is not None:
            base = [*base, *objective.umbrella.teams]
        rows = {row(team_id) for team_id in base}
        if own is not None and node in base:
            own.objectives.append(objective)
        for row_id in rows:
            if row_id is not None and row_id != node:
                groups[row_id].objectives.append(objective)
    return ([own] if own is not None else []) + list(groups.values())
