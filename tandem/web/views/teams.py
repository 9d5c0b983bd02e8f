"""The team list and a team's page: its objectives, its members' individual objectives, the
balance between them, health, sub-teams, lead and members."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from django.http import HttpResponse
from django.urls import path

from tandem.access.policy import may_edit_objective
from tandem.core import model as m
from tandem.core.engine import Evaluation
from tandem.core.quality import RULES
from tandem.core.report import resolve_scope
from tandem.errors import NotFoundError
from tandem.okrs.models import Objective
from tandem.organization.cache import View
from tandem.organization.insight import calibration_get
from tandem.organization.team_groups import team_tree
from tandem.organization.wording import owner_name, person_name
from tandem.web import pages
from tandem.web.pages import WebRequest, new_objective_url, signed_in
from tandem.web.views.scope import ScopeForm, export_query


def health_counts(evaluation: Evaluation, objectives: list[str]) -> dict[str, int]:
    """How many objectives are on track, at risk, off track, or without data yet ("none")."""
    counts = Counter(
        (health.value if (health := evaluation.objectives[objective_id].health) else "none")
        for objective_id in objectives
    )
    return dict(counts)


def objective_rows(view: View, objectives: list[m.Objective]) -> list[dict[str, Any]]:
    rows = []
    for objective in objectives:
        result = view.evaluation.objectives[objective.id]
        rows.append(
            {
                "id": objective.id,
                "title": objective.title,
                "cycle": objective.cycle,
                "owner_name": owner_name(view.org, objective.owner),
                "progress": result.progress,
                "expected_progress": result.expected_progress,
                "health": result.health.value if result.health else None,
                "key_results": len(objective.key_results),
                "umbrella": objective.umbrella is not None,
            }
        )
    return rows


def balance(view: View, team: m.Team, objectives: list[m.Objective]) -> list[dict[str, Any]]:
    """Per cycle: the team's objectives, its members' individual ones, their share, and the
    ``individual-heavy-team`` finding when the share is over the organisation's limit."""
    team_counts: Counter[str] = Counter()
    individual: Counter[str] = Counter()
    members = set(team.members)
    for objective in objectives:
        if objective.owner == team.id:
            team_counts[objective.cycle] += 1
        elif objective.owner in members:
            individual[objective.cycle] += 1
    cycles = sorted(set(team_counts) | set(individual), key=list(view.org.cycles).index)
    return [
        {
            "cycle": cycle,
            "team": team_counts[cycle],
            "individual": individual[cycle],
            "share": individual[cycle] / (team_counts[cycle] + individual[cycle]),
            "warning": _individual_heavy(view, team, [o for o in objectives if o.cycle == cycle]),
        }
        for cycle in cycles
    ]


def _individual_heavy(view: View, team: m.Team, objectives: list[m.Objective]) -> str | None:
    """The ``individual-heavy-team`` finding on the team and these objectives: the lint rule
    itself, run on them alone, words it."""
    _severity, check = RULES["individual-heavy-team"]
    alone = replace(view.org, teams={team.id: team}, objectives={o.id: o for o in objectives})
    findings = list(check(alone, view.evaluation))
    return findings[0].message if findings else None


@signed_in
def team_list(request: WebRequest) -> HttpResponse:
    view = pages.view_of(request)
    org = view.org
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for team, _depth in team_tree(org):  # parents before their sub-teams
        node: dict[str, Any] = {
            "team": team,
            "lead": person_name(org, team.lead) if team.lead else None,
            "members": len(team.members),
            "children": [],
        }
        nodes[team.id] = node
        parent = nodes.get(team.parent) if team.parent else None
        (parent["children"] if parent else roots).append(node)
    context = {"roots": roots, "nav": "teams"}
    return pages.page(request, "web/team_list.html", context, view=view)


def _team_context(view: View, team: m.Team, cycle: str | None) -> dict[str, Any]:
    org, as_of = view.org, view.as_of
    scope = resolve_scope(org, as_of, cycle=cycle, team=team.id)
    in_scope = [org.objectives[objective_id] for objective_id in scope.objectives]
    members = set(team.members)
    own = [o for o in in_scope if o.owner == team.id]
    contributed = [
        o
        for o in in_scope
        if o.owner != team.id and o.umbrella is not None and team.id in o.umbrella.teams
    ]
    individual = [o for o in in_scope if o.owner in members]
    # Balance within the cycles asked for, counting the objectives of every owner.
    in_cycles = [o for o in org.objectives.values() if o.cycle in set(scope.cycles)]
    sub_teams = [t for t in org.teams.values() if t.parent == team.id]
    return {
        "team": team,
        "parent": org.teams.get(team.parent) if team.parent else None,
        "lead": org.people.get(team.lead) if team.lead else None,
        "members": [org.people[p] for p in team.members if p in org.people],
        "cycles": scope.cycles,
        "own": objective_rows(view, own),
        "contributed": objective_rows(view, contributed),
        "individual": objective_rows(view, individual),
        "balance": balance(view, team, in_cycles),
        "limit": org.settings.individual_share_limit,
        "scope_count": len(scope.objectives),
        "scope_health": health_counts(view.evaluation, list(scope.objectives)),
        "sub_teams": [_sub_team(view, sub, cycle) for sub in sub_teams],
    }


def _sub_team(view: View, team: m.Team, cycle: str | None) -> dict[str, Any]:
    scope = resolve_scope(view.org, view.as_of, cycle=cycle, team=team.id)
    return {
        "team": team,
        "lead": person_name(view.org, team.lead) if team.lead else None,
        "count": len(scope.objectives),
        "health": health_counts(view.evaluation, list(scope.objectives)),
    }


def team_calibration(request: WebRequest, view: View, team_id: str) -> dict[str, Any] | None:
    """The team's confidence calibration over the last closed cycles, if any is counted."""
    found = calibration_get(audience=request.caller.audience, as_of=view.as_of)
    return next((row for row in found["teams"] if row["team"] == team_id), None)


@signed_in
def team_page(request: WebRequest, team_id: str) -> HttpResponse:
    view = pages.view_of(request)
    team = view.org.teams.get(team_id)
    if team is None:
        raise NotFoundError(f"there is no team '{team_id}'")
    form = ScopeForm(request.GET, view=view, with_team=False)
    cycle, _team = form.scope()
    may_create = may_edit_objective(request.caller.audience, Objective(owner_team_id=team.id))
    context = _team_context(view, team, cycle) | {
        "form": form,
        "export_query": export_query(cycle, team.id),
        "nav": team.id,
        "may_create": may_create,
        "calibration": team_calibration(request, view, team.id),
        "new_objective": new_objective_url(team=team.id, cycle=cycle),
        "no_objectives": "No team objectives in these cycles that you may see."
        + (
            " Create one with “New objective” above."
            if may_create
            else " Its members and the leads above it create them."
        ),
    }
    return pages.page(request, "web/team.html", context, view=view)


urlpatterns = [
    path("teams/<str:team_id>", team_page, name="team"),
    path("teams", team_list, name="teams"),
]
