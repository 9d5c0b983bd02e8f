"""The alignment map: the cycle's objectives as a tree from the company down, key results as
branch points, orphans apart; filterable by cycle and team."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import path

from tandem.core import model as m
from tandem.core.report import resolve_scope
from tandem.organization.reporting import alignment_tree_get
from tandem.web import pages
from tandem.web.pages import WebRequest, owner_name, signed_in
from tandem.web.views.exports import ScopeForm, export_query


def team_reading(org: m.Organization, as_of: Any, cycle: str | None, team: str) -> set[str]:
    """The objectives a team filter keeps: those ``tandem report --team`` covers (the team's,
    its sub-teams', their members', the umbrellas they contribute to) and every objective
    above them up to the company, so that the tree stays connected."""
    kept = set(resolve_scope(org, as_of, cycle=cycle, team=team).objectives)
    todo = list(kept)
    while todo:
        target = org.objectives[todo.pop()].aligns_to
        if target in org.key_results:
            target = org.key_results[target].objective
        if target is not None and target in org.objectives and target not in kept:
            kept.add(target)
            todo.append(target)
    return kept


def _dress(
    org: m.Organization, node: dict[str, Any], kept: set[str] | None, counts: dict[str, int]
) -> dict[str, Any] | None:
    """A node of :func:`alignment_tree_get` with the names the page shows, or None when the
    team filter leaves it out; a kept objective keeps all its key results."""
    if kept is not None and node["id"] not in kept:
        return None
    counts[node["health"] or "none"] = counts.get(node["health"] or "none", 0) + 1
    aligned = [d for child in node["aligned"] if (d := _dress(org, child, kept, counts))]
    key_results = []
    for kr in node["key_results"]:
        below = [d for child in kr["aligned"] if (d := _dress(org, child, kept, counts))]
        key_results.append(kr | {"aligned": below})
    return node | {
        "owner_name": owner_name(org, node["owner"]),
        "umbrella_names": [owner_name(org, t) for t in node["umbrella_teams"]],
        "key_results": key_results,
        "aligned": aligned,
    }


@signed_in
def alignment_map(request: WebRequest) -> HttpResponse:
    view = pages.view_of(request)
    form = ScopeForm(request.GET, view=view)
    cycle, team = form.scope()
    tree = alignment_tree_get(audience=request.caller.audience, as_of=view.as_of, cycle=cycle)
    kept = team_reading(view.org, view.as_of, cycle, team) if team else None
    counts: dict[str, int] = {}
    roots = [d for root in tree["roots"] if (d := _dress(view.org, root, kept, counts))]
    orphans = [d for o in tree["orphans"] if (d := _dress(view.org, o, kept, counts))]
    context = {
        "form": form,
        "cycles": tree["cycles"],
        "roots": roots,
        "orphans": orphans,
        "team": view.org.teams[team] if team else None,
        "shown": sum(counts.values()),
        "health_counts": counts,
        "export_query": export_query(cycle, team),
        "nav": "alignment",
    }
    return pages.page(request, "web/alignment.html", context, view=view)


urlpatterns = [
    path("alignment", alignment_map, name="alignment"),
]
