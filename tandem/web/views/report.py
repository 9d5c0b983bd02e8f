"""The report of SPEC section 4 as a printable page: ``report_get`` for the caller, exactly
the numbers ``tandem report --format json`` prints for an admin.

It prints at most :data:`PRINT_LIMIT` objectives: a larger scope shows its figures by team
(:func:`tandem.organization.team_groups.team_groups`) to choose one, with the objectives of
the team itself, and ``?all=1`` prints everything anyway. The CSV and Excel files
(:mod:`tandem.web.views.exports`) hold the whole scope.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.http import HttpResponse
from django.urls import path, reverse

from tandem.organization.cache import View
from tandem.organization.team_groups import TeamGroup, team_groups
from tandem.organization.wording import owner_name
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in
from tandem.web.views.scope import export_query, report_data

# The printable page lists at most this many objectives (with their key results); a larger
# scope shows its figures per team instead, to choose one (the files hold everything).
PRINT_LIMIT = 300
# Orphan ids listed in the alignment section at most (the dashboard lists them all).
ORPHANS_LISTED = 50


def _printed_objectives(
    view: View, data: dict[str, Any], objective_rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The objectives to print, each with its title, owner's name and key result rows."""
    org = view.org
    wanted = {row["id"] for row in objective_rows}
    key_results: dict[str, list[dict[str, Any]]] = {}
    for row in data["key_results"]:
        if row["objective"] not in wanted:
            continue
        key_result = org.key_results[row["id"]]
        key_results.setdefault(row["objective"], []).append(
            row
            | {
                "title": key_result.title,
                "owner_name": owner_name(org, key_result.owner) if key_result.owner else "",
                "last_update": view.evaluation.key_results[row["id"]].last_update.isoformat(),
            }
        )
    return [
        row
        | {
            "title": org.objectives[row["id"]].title,
            "owner_name": owner_name(org, row["owner"]),
            "url": reverse("web:objective", args=[row["id"]]),
            "rows": key_results.get(row["id"], []),
        }
        for row in objective_rows
    ]


def _team_summary(
    data: dict[str, Any], groups: list[TeamGroup], cycle: str | None
) -> list[dict[str, Any]]:
    """Each group's figures: objectives, key results, mean progress and health, with the
    query of its own report."""
    rows = {row["id"]: row for row in data["objectives"]}
    summary = []
    for group in groups:
        objective_rows = [rows[o.id] for o in group.objectives]
        progress = [r["progress"] for r in objective_rows if r["progress"] is not None]
        health = Counter(r["health"] or "none" for r in objective_rows)
        summary.append(
            {
                "team": group.team,
                "whole": group.whole,
                "sub_teams": group.sub_teams,
                "objectives": len(objective_rows),
                "key_results": sum(len(o.key_results) for o in group.objectives),
                "progress": sum(progress) / len(progress) if progress else None,
                "health": [health[h] for h in HEALTHS],
                "query": export_query(cycle, group.team.id),
            }
        )
    return summary


HEALTHS = ("on_track", "at_risk", "off_track", None)


@signed_in
def report_page(request: WebRequest) -> HttpResponse:
    view, form, data = report_data(request)
    cycle, team = form.scope()
    total = len(data["objectives"])
    context: dict[str, Any] = {
        "form": form,
        "report": data,
        "team": view.org.teams[team] if team else None,
        "export_query": export_query(cycle, team),
        "total": total,
        "key_result_total": len(data["key_results"]),
        "limit": PRINT_LIMIT,
        "healths": HEALTHS,
        "heading_level": 3,
        "orphans": data["alignment"]["orphans"],
        "nav": "dashboard",
    }
    # ?all=1 prints everything however long (the page says it is slow).
    if total <= PRINT_LIMIT or request.GET.get("all") == "1":
        context |= _everything(view, data)
    else:
        context |= _by_team(view, data, cycle, team)
    return pages.page(request, "web/report.html", context, view=view)


def _everything(view: View, data: dict[str, Any]) -> dict[str, Any]:
    """Every objective with its key results, and every dependency."""
    org = view.org
    dependencies = [
        row
        | {
            "need": org.dependencies[row["id"]].need,
            "provider_name": owner_name(org, row["provider"]),
            "due": org.dependencies[row["id"]].due,
        }
        for row in data["dependencies"]
    ]
    return {
        "objectives": _printed_objectives(view, data, data["objectives"]),
        "dependencies": dependencies,
    }


def _by_team(
    view: View, data: dict[str, Any], cycle: str | None, team: str | None
) -> dict[str, Any]:
    """Too much for one page: the figures per team, to choose one; and the objectives of the
    team itself (owned by it or its members), printed when they fit."""
    org = view.org
    groups = team_groups(org, (org.objectives[row["id"]] for row in data["objectives"]), team)
    own = next((g for g in groups if not g.whole), None)
    printed: list[dict[str, Any]] = []
    if own is not None and len(own.objectives) <= PRINT_LIMIT:
        wanted = {o.id for o in own.objectives}
        printed = [row for row in data["objectives"] if row["id"] in wanted]
    query = export_query(cycle, team)
    return {
        "summary": _team_summary(data, groups, cycle),
        "own": own,
        "own_printed": bool(printed),
        "objectives": _printed_objectives(view, data, printed),
        "heading_level": 4,
        "all_query": f"{query}&all=1" if query else "?all=1",
        "orphans": data["alignment"]["orphans"][:ORPHANS_LISTED],
        "orphans_query": f"{query}&show=orphans" if query else "?show=orphans",
    }


urlpatterns = [
    path("report", report_page, name="report"),
]
