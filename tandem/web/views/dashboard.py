"""The dashboard: progress and health by team, stale check-ins, unanswered requests,
alignment coverage and the quality findings, on what the caller may see.

Every figure and count is computed on the whole scope; each list shows its first few items
(the chart and the table a bounded part of the team tree) and links to a page of its own
(``?show=stale``, ``?show=requests``, ``?show=orphans``, ``?show=teams``, ``?rule=<rule>``)
that lists all of it, a page at a time.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.http import urlencode

from tandem.core import model as m
from tandem.core.quality import RULES
from tandem.core.report import team_subtree
from tandem.dependencies.models import State
from tandem.errors import NotFoundError
from tandem.organization.attention import WaitingRequest, requests_waiting
from tandem.organization.cache import View
from tandem.organization.dashboard import findings_by_rule, stale_key_results
from tandem.organization.insight import critical_providers_get
from tandem.organization.reports import lint_get
from tandem.organization.team_groups import team_tree
from tandem.organization.wording import owner_name
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in
from tandem.web.views.scope import ScopeForm, export_query, report_data
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
    return [
        _team_row(each, depth, [row for o in (each.id, *each.members) for row in owned.get(o, ())])
        for each, depth in tree
        if only is None or each.id in only
    ]


def _team_row(team: m.Team, depth: int, objectives: list[dict[str, Any]]) -> dict[str, Any]:
    measured = [row for row in objectives if row["progress"] is not None]
    progress = [row["progress"] for row in measured]
    # The mark on the bar: the progress expected by now of the same objectives.
    expected = [row["expected_progress"] for row in measured]
    counts = Counter(row["health"] or "none" for row in objectives)
    return {
        "team": team,
        "depth": depth,
        # A class per level (.indent-0 … .indent-9 in overview.css): the pages' Content
        # Security Policy allows no style attribute. Deeper teams indent no further.
        "indent": min(depth, MAX_INDENT),
        "objectives": len(objectives),
        "progress": sum(progress) / len(progress) if progress else None,
        "expected_progress": sum(expected) / len(expected) if expected else None,
        "counts": {health: counts[health] for health in HEALTHS},
    }


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


def unanswered_requests(view: View, report: dict[str, Any]) -> list[WaitingRequest]:
    """The report's requests still waiting for an answer, oldest first."""
    waiting = [row["id"] for row in report["dependencies"] if row["state"] == State.REQUESTED]
    return requests_waiting(view, waiting)


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


class _List(NamedTuple):
    items: list[Any]
    kind: str
    noun: str
    title: str
    params: dict[str, str]


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
    found = _findings_list(request, view, report, rule, team) if rule else None
    found = found or _list_items(view, report, show, team)
    page = Paginator(found.items, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "report": report,
        "team": view.org.teams[team] if team else None,
        **found._asdict(),
        "severity": RULES[rule][0].value if rule else "",
        "page": page,
        "items": page.object_list,
        "hidden": found.params,
        "pager_base": reverse("web:dashboard") + _query(cycle, team, **found.params) + "&page=",
        "back": reverse("web:dashboard") + export_query(cycle, team),
        "cycle_query": export_query(cycle, None),
        "export_query": export_query(cycle, team),
        "nav": "dashboard",
    }
    return pages.page(request, "web/dashboard_list.html", context, view=view)


def _findings_list(
    request: WebRequest, view: View, report: dict[str, Any], rule: str, team: str | None
) -> _List:
    """The findings of one rule."""
    if rule not in RULES:
        raise NotFoundError(f"there is no quality rule '{rule}'")
    findings = lint_get(audience=request.caller.audience, as_of=view.as_of)
    groups = findings_by_rule(view, report, [f for f in findings if f.rule == rule], team)
    title = f"Quality findings: {rule_words(rule).lower()}"
    return _List(groups[0]["items"] if groups else [], "finding", "findings", title, {"rule": rule})


def _list_items(view: View, report: dict[str, Any], show: str, team: str | None) -> _List:
    """The list ``show``: teams, stale key results, unanswered requests or orphans."""
    title, params = LISTS.get(show, ""), {"show": show}
    if show == "teams":
        return _List(by_team(report, scope_teams(view, team)), "teams", "teams", title, params)
    if show == "stale":
        items = stale_key_results(view, report)[0]
        return _List(items, "stale", "key results", title, params)
    if show == "requests":
        return _List(unanswered_requests(view, report), "request", "requests", title, params)
    if show == "orphans":
        org = view.org
        orphans = [
            {
                "id": objective_id,
                "title": org.objectives[objective_id].title,
                "owner_name": owner_name(org, org.objectives[objective_id].owner),
            }
            for objective_id in report["alignment"]["orphans"]
        ]
        return _List(orphans, "orphan", "objectives", title, params)
    raise NotFoundError(f"the dashboard has no list '{show}'")


@signed_in
def dashboard(request: WebRequest) -> HttpResponse:
    view, form, report = report_data(request)
    show, rule = request.GET.get("show", ""), request.GET.get("rule", "")
    if show or rule:
        return _one_list(request, view, form, report, show=show, rule=rule)
    cycle, team = form.scope()
    findings = lint_get(audience=request.caller.audience, as_of=view.as_of)
    groups = findings_by_rule(view, report, findings, team, limit=SHOWN)
    for group in groups:
        group["all"] = _query(cycle, team, rule=group["rule"])
    context = {
        "form": form,
        "report": report,
        "team": view.org.teams[team] if team else None,
        **_teams_context(view, report, cycle, team),
        **_lists_context(view, report, cycle, team),
        "alignment": report["alignment"],
        "findings": groups,
        "critical": critical_providers_get(
            audience=request.caller.audience, as_of=view.as_of, cycle=cycle
        ),
        "export_query": export_query(cycle, team),
        "cycle_query": export_query(cycle, None),
        "nav": "dashboard",
    }
    return pages.page(request, "web/dashboard.html", context, view=view)


def _teams_context(
    view: View, report: dict[str, Any], cycle: str | None, team: str | None
) -> dict[str, Any]:
    """The chart and the table of progress and health by team."""
    tree = scope_teams(view, team)
    shown, below = shown_teams(tree)
    teams = by_team(report, tree, only=shown)
    for row in teams:
        row["below"] = below[row["team"].id]
        row["below_url"] = _query(cycle, row["team"].id)
    return {
        "teams": teams,
        "teams_total": len(tree),
        "teams_all": _query(cycle, team, show="teams"),
        "chart": chart_data(teams),
    }


def _lists_context(
    view: View, report: dict[str, Any], cycle: str | None, team: str | None
) -> dict[str, Any]:
    """The first few stale key results, unanswered requests and orphans."""
    stale, stale_total = stale_key_results(view, report, limit=SHOWN)
    requests = unanswered_requests(view, report)
    orphans = report["alignment"]["orphans"]
    return {
        "stale": stale,
        "stale_total": stale_total,
        "stale_all": _query(cycle, team, show="stale"),
        "requests": requests[:SHOWN],
        "requests_total": len(requests),
        "requests_all": _query(cycle, team, show="requests"),
        "orphans": orphans[:ORPHANS_SHOWN],
        "orphans_total": len(orphans),
        "orphans_more": len(orphans) - len(orphans[:ORPHANS_SHOWN]),
        "orphans_all": _query(cycle, team, show="orphans"),
    }


urlpatterns = [
    path("dashboard", dashboard, name="dashboard"),
]
