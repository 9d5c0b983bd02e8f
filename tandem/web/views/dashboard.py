"""The dashboard: progress and health by team, stale check-ins, unanswered requests,
alignment coverage and the quality findings, on what the caller may see.

Every figure and count is computed on the whole scope; each list shows its first few items
(the chart and the table a bounded part of the team tree) and links to a page of its own
(``?show=stale``, ``?show=requests``, ``?show=orphans``, ``?show=teams``, ``?rule=<rule>``)
that lists all of it, a page at a time.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.http import urlencode

from tandem.core import model as m
from tandem.core.quality import RULES, Finding
from tandem.core.report import team_subtree
from tandem.dependencies.models import DependencyEvent, State
from tandem.errors import NotFoundError
from tandem.organization.cache import View
from tandem.organization.reports import lint_get
from tandem.web import pages
from tandem.web.pages import WebRequest, owner_name, signed_in
from tandem.web.views.exports import ScopeForm, export_query, report_data, team_tree
from tandem.web.words import rule_words

HEALTHS = ("on_track", "at_risk", "off_track", "none")
SHOWN = 10  # items of each list on the dashboard itself
ORPHANS_SHOWN = 10  # orphan ids in the coverage card
PER_PAGE = 50  # items a page on a list's own page
MAX_INDENT = 9  # the deepest level the team table indents further
TEAM_ROWS = 50  # at most this many teams in the chart and its table
TEAM_DEPTH = 2  # levels below the company (or the chosen team) shown, when there is room
LISTS = {
    "teams": "Progress and health by team",
    "stale": "Stale check-ins",
    "requests": "Unanswered requests",
    "orphans": "Orphans",
}


def scope_teams(view: View, team: str | None) -> list[tuple[m.Team, int]]:
    """The teams of the scope (``team`` and those below it, else all) with their depth, each
    above its sub-teams."""
    tree = team_tree(view.org)
    if not team:
        return tree
    inside = team_subtree(view.org, team)
    return [(each, depth) for each, depth in tree if each.id in inside]


def by_team(
    report: dict[str, Any], tree: list[tuple[m.Team, int]], only: set[str] | None = None
) -> list[dict[str, Any]]:
    """Each team of ``tree`` (:func:`scope_teams`; of ``only`` when given) with the
    objectives it and its members own in the report: how many, their mean progress and how
    many have each health."""
    owned: dict[str, list[dict[str, Any]]] = {}
    for row in report["objectives"]:
        owned.setdefault(row["owner"], []).append(row)
    rows = []
    for each, depth in tree:
        if only is not None and each.id not in only:
            continue
        objectives = [row for owner in (each.id, *each.members) for row in owned.get(owner, ())]
        measured = [row for row in objectives if row["progress"] is not None]
        progress = [row["progress"] for row in measured]
        # The mark on the bar: the progress expected by now of the same objectives.
        expected = [row["expected_progress"] for row in measured]
        counts = Counter(row["health"] or "none" for row in objectives)
        rows.append(
            {
                "team": each,
                "depth": depth,
                # A class per level (.indent-0 … .indent-9 in overview.css): the pages' Content
                # Security Policy allows no style attribute. Deeper teams indent no further.
                "indent": min(depth, MAX_INDENT),
                "objectives": len(objectives),
                "progress": sum(progress) / len(progress) if progress else None,
                "expected_progress": sum(expected) / len(expected) if expected else None,
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


def stale_key_results(
    view: View, report: dict[str, Any], limit: int | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Stale key results of cycles under way (an ended cycle's are all stale), stalest first
    (the first ``limit`` when given), and how many there are."""
    org, evaluation = view.org, view.evaluation
    found = []
    for row in report["key_results"]:
        objective = org.objectives[row["objective"]]
        if row["stale"] and evaluation.cycles[objective.cycle].active:
            found.append((evaluation.key_results[row["id"]].last_update, row, objective))
    found.sort(key=lambda each: each[0])
    rows = []
    for last_update, row, objective in found[:limit]:
        key_result = org.key_results[row["id"]]
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
    return rows, len(found)


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
    view: View,
    report: dict[str, Any],
    findings: list[Finding],
    team: str | None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The findings about the report's objectives, key results and dependencies (and, as
    they are not tied to a cycle, about the teams and people in scope), grouped by rule:
    each group's ``count``, and its ``items`` (the first ``limit`` when given)."""
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
            finding.rule,
            {"rule": finding.rule, "severity": finding.severity.value, "items": [], "count": 0},
        )
        group["count"] += 1
        if limit is not None and len(group["items"]) >= limit:
            continue
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


def shown_teams(tree: list[tuple[m.Team, int]]) -> tuple[set[str] | None, Counter[str]]:
    """The teams the chart and the table show (None: all of ``tree``, when they fit in
    :data:`TEAM_ROWS`), else the top of the tree: the company (or the chosen team) and
    :data:`TEAM_DEPTH` levels below it, fewer if they do not fit; and how many sub-teams
    each shown team has that are not, to open them as the dashboard's team."""
    if len(tree) <= TEAM_ROWS:
        return None, Counter()
    top = min(depth for _team, depth in tree)
    kept: list[m.Team] = []
    for most in range(TEAM_DEPTH, -1, -1):
        kept = [each for each, depth in tree if depth - top <= most]
        if len(kept) <= TEAM_ROWS:
            break
    shown = {each.id for each in kept[:TEAM_ROWS]}
    below = Counter(each.parent for each, _depth in tree if each.id not in shown)
    return shown, Counter({team_id: n for team_id, n in below.items() if team_id in shown})


def _query(cycle: str | None, team: str | None, **extra: str) -> str:
    """``?cycle=…&team=…&<extra>`` (the scope's parameters only when given)."""
    params = {"cycle": cycle, "team": team, **extra}
    return "?" + urlencode({name: value for name, value in params.items() if value})


def _one_list(
    request: WebRequest,
    view: View,
    form: ScopeForm,
    report: dict[str, Any],
    *,
    show: str,
    rule: str,
) -> HttpResponse:
    """One of the dashboard's lists, all of it, :data:`PER_PAGE` items a page."""
    cycle, team = form.scope()
    if rule:
        if rule not in RULES:
            raise NotFoundError(f"there is no quality rule '{rule}'")
        findings = lint_get(audience=request.caller.audience, as_of=view.as_of)
        groups = findings_by_rule(view, report, [f for f in findings if f.rule == rule], team)
        items: list[Any] = groups[0]["items"] if groups else []
        kind, title, params = (
            "finding",
            f"Quality findings: {rule_words(rule).lower()}",
            {"rule": rule},
        )
        noun = "findings"
    elif show == "teams":
        items = by_team(report, scope_teams(view, team))
        kind, title, params = "teams", LISTS[show], {"show": show}
        noun = "teams"
    elif show == "stale":
        items = stale_key_results(view, report)[0]
        kind, title, params = "stale", LISTS[show], {"show": show}
        noun = "key results"
    elif show == "requests":
        items = unanswered_requests(view, report)
        kind, title, params = "request", LISTS[show], {"show": show}
        noun = "requests"
    elif show == "orphans":
        org = view.org
        items = [
            {
                "id": oid,
                "title": org.objectives[oid].title,
                "owner_name": owner_name(org, org.objectives[oid].owner),
            }
            for oid in report["alignment"]["orphans"]
        ]
        kind, title, params = "orphan", LISTS[show], {"show": show}
        noun = "objectives"
    else:
        raise NotFoundError(f"the dashboard has no list '{show}'")
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "report": report,
        "team": view.org.teams[team] if team else None,
        "kind": kind,
        "noun": noun,
        "title": title,
        "severity": RULES[rule][0].value if rule else "",
        "page": page,
        "items": page.object_list,
        "hidden": params,
        "pager_base": reverse("web:dashboard") + _query(cycle, team, **params) + "&page=",
        "back": reverse("web:dashboard") + export_query(cycle, team),
        "cycle_query": export_query(cycle, None),
        "export_query": export_query(cycle, team),
        "nav": "dashboard",
    }
    return pages.page(request, "web/dashboard_list.html", context, view=view)


@signed_in
def dashboard(request: WebRequest) -> HttpResponse:
    view, form, report = report_data(request)
    show, rule = request.GET.get("show", ""), request.GET.get("rule", "")
    if show or rule:
        return _one_list(request, view, form, report, show=show, rule=rule)
    cycle, team = form.scope()
    tree = scope_teams(view, team)
    shown, below = shown_teams(tree)
    teams = by_team(report, tree, only=shown)
    for row in teams:
        row["below"] = below[row["team"].id]
        row["below_url"] = _query(cycle, row["team"].id)
    findings = lint_get(audience=request.caller.audience, as_of=view.as_of)
    stale, stale_total = stale_key_results(view, report, limit=SHOWN)
    requests = unanswered_requests(view, report)
    groups = findings_by_rule(view, report, findings, team, limit=SHOWN)
    for group in groups:
        group["all"] = _query(cycle, team, rule=group["rule"])
    orphans = report["alignment"]["orphans"]
    context = {
        "form": form,
        "report": report,
        "team": view.org.teams[team] if team else None,
        "teams": teams,
        "teams_total": len(tree),
        "teams_all": _query(cycle, team, show="teams"),
        "chart": chart_data(teams),
        "stale": stale,
        "stale_total": stale_total,
        "stale_all": _query(cycle, team, show="stale"),
        "requests": requests[:SHOWN],
        "requests_total": len(requests),
        "requests_all": _query(cycle, team, show="requests"),
        "alignment": report["alignment"],
        "orphans": orphans[:ORPHANS_SHOWN],
        "orphans_total": len(orphans),
        "orphans_more": len(orphans) - len(orphans[:ORPHANS_SHOWN]),
        "orphans_all": _query(cycle, team, show="orphans"),
        "findings": groups,
        "export_query": export_query(cycle, team),
        "cycle_query": export_query(cycle, None),
        "nav": "dashboard",
    }
    return pages.page(request, "web/dashboard.html", context, view=view)


urlpatterns = [
    path("dashboard", dashboard, name="dashboard"),
]
