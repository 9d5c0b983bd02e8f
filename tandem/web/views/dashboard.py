"""The dashboard: progress and health by team, stale check-ins, unanswered requests,
alignment coverage and the quality findings, on what the caller may see."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Max
from django.http import HttpResponse
from django.urls import path

from tandem.core.quality import RULES, Finding
from tandem.core.report import team_subtree
from tandem.dependencies.models import DependencyEvent, State
from tandem.organization.reporting import View, lint_get
from tandem.web import pages
from tandem.web.pages import WebRequest, owner_name, signed_in
from tandem.web.views.exports import export_query, report_data, team_tree

HEALTHS = ("on_track", "at_risk", "off_track", "none")


def by_team(view: View, report: dict[str, Any], team: str | None) -> list[dict[str, Any]]:
    """Each team (below ``team`` when given) with the objectives it and its members own in
    the report: how many, their mean progress and how many have each health."""
    org = view.org
    owned: dict[str, list[dict[str, Any]]] = {}
    for row in report["objectives"]:
        owned.setdefault(row["owner"], []).append(row)
    shown = team_subtree(org, team) if team else None
    rows = []
    for each, depth in team_tree(org):
        if shown is not None and each.id not in shown:
            continue
        objectives = [row for owner in (each.id, *each.members) for row in owned.get(owner, ())]
        progress = [row["progress"] for row in objectives if row["progress"] is not None]
        counts = Counter(row["health"] or "none" for row in objectives)
        rows.append(
            {
                "team": each,
                "depth": depth,
                "objectives": len(objectives),
                "progress": sum(progress) / len(progress) if progress else None,
                "counts": {health: counts[health] for health in HEALTHS},
            }
        )
    return rows


def chart_data(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What dashboard.js draws: one stacked bar per team with objectives, by health."""
    with_objectives = [row for row in rows if row["objectives"]]
    return {
        "labels": [
            f"{row['team'].name} ({round(row['progress'] * 100)}% progress)"
            if row["progress"] is not None
            else row["team"].name
            for row in with_objectives
        ],
        "counts": {h: [row["counts"][h] for row in with_objectives] for h in HEALTHS},
    }


def stale_key_results(view: View, report: dict[str, Any]) -> list[dict[str, Any]]:
    """Stale key results of cycles under way (an ended cycle's are all stale), stalest first."""
    org, evaluation = view.org, view.evaluation
    rows = []
    for row in report["key_results"]:
        objective = org.objectives[row["objective"]]
        if not row["stale"] or not evaluation.cycles[objective.cycle].active:
            continue
        key_result = org.key_results[row["id"]]
        last_update = evaluation.key_results[row["id"]].last_update
        rows.append(
            {
                "id": row["id"],
                "title": key_result.title,
                "objective": objective.id,
                "owner_name": owner_name(org, key_result.owner or objective.owner),
                "last_update": last_update,
                "days": (view.as_of - last_update).days,
                "health": row["health"],
            }
        )
    return sorted(rows, key=lambda r: r["last_update"])


def unanswered_requests(view: View, report: dict[str, Any]) -> list[dict[str, Any]]:
    """Requests still waiting for an answer, oldest first: those recorded in Tandem by when
    they were (last) requested; imported ones, whose date is unknown, first in file order."""
    org = view.org
    waiting = [row for row in report["dependencies"] if row["state"] == State.REQUESTED]
    # One query whatever the size: when each open request was made.
    requested_at = dict(
        DependencyEvent.objects.filter(to_state=State.REQUESTED, dependency__state=State.REQUESTED)
        .values("dependency_id")
        .annotate(at=Max("at"))
        .values_list("dependency_id", "at")
    )
    rows = []
    for row in waiting:
        dependency = org.dependencies[row["id"]]
        from_objective = (
            org.key_results[dependency.from_id].objective
            if dependency.from_id in org.key_results
            else dependency.from_id
        )
        rows.append(
            {
                "id": dependency.id,
                "need": dependency.need,
                "from": dependency.from_id,
                "objective": from_objective,
                "requester_name": owner_name(org, org.objectives[from_objective].owner),
                "provider": org.teams.get(dependency.provider),
                "due": dependency.due,
                "requested_at": requested_at.get(dependency.id),
            }
        )
    return sorted(
        rows,
        key=lambda r: (
            r["requested_at"] is not None,
            r["requested_at"] and r["requested_at"].timestamp(),
        ),
    )


def findings_by_rule(
    view: View, report: dict[str, Any], findings: list[Finding], team: str | None
) -> list[dict[str, Any]]:
    """The findings about the report's objectives, key results and dependencies (and, as
    they are not tied to a cycle, about the teams and people in scope), grouped by rule."""
    org = view.org
    objective_of: dict[str, str] = {row["id"]: row["id"] for row in report["objectives"]}
    objective_of |= {row["id"]: row["objective"] for row in report["key_results"]}
    for row in report["dependencies"]:
        from_id = row["from"]
        objective_of[row["id"]] = objective_of.get(from_id) or (
            org.key_results[from_id].objective if from_id in org.key_results else from_id
        )
    teams = team_subtree(org, team) if team else set(org.teams)
    people = {p for t in teams for p in org.teams[t].members} if team else set(org.people)
    groups: dict[str, dict[str, Any]] = {}
    for finding in findings:
        target = finding.target
        if target in objective_of:
            link = ("objective", objective_of[target])
        elif target in teams:
            link = ("team", target)
        elif target in people or (team is None and target in org.cycles):
            link = ("none", "")
        else:
            continue
        group = groups.setdefault(
            finding.rule, {"rule": finding.rule, "severity": finding.severity.value, "items": []}
        )
        group["items"].append(
            {
                "target": target,
                "name": owner_name(org, target) if link[0] != "objective" else "",
                "kind": link[0],
                "link": link[1],
                "message": finding.message,
            }
        )
    order = list(RULES)
    return sorted(groups.values(), key=lambda g: order.index(g["rule"]))


@signed_in
def dashboard(request: WebRequest) -> HttpResponse:
    view, form, report = report_data(request)
    cycle, team = form.scope()
    teams = by_team(view, report, team)
    findings = lint_get(audience=request.caller.audience, as_of=view.as_of)
    context = {
        "form": form,
        "report": report,
        "team": view.org.teams[team] if team else None,
        "teams": teams,
        "chart": chart_data(teams),
        "stale": stale_key_results(view, report),
        "requests": unanswered_requests(view, report),
        "alignment": report["alignment"],
        "findings": findings_by_rule(view, report, findings, team),
        "export_query": export_query(cycle, team),
        "cycle_query": export_query(cycle, None),
        "nav": "dashboard",
    }
    return pages.page(request, "web/dashboard.html", context, view=view)


urlpatterns = [
    path("dashboard", dashboard, name="dashboard"),
]
