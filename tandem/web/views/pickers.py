"""The editing forms' search-as-you-type pickers (HTMX fragments): what an objective may align
to, and the people and teams (``/pick/directory``) when a list is too long for a select."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tandem.core import model as m
from tandem.web import pages
from tandem.web.forms import PICKER_LIMIT, Directory
from tandem.web.pages import WebRequest, signed_in
from tandem.web.views.editing_shared import may_own

# The pickers of people and teams: what each ``kind`` searches (people, teams).
DIRECTORY_KINDS = {
    "people": (True, False),
    "teams": (False, True),
    "contributors": (True, True),
    "owners": (True, True),
}


def _matches(
    org: m.Organization, objective: m.Objective, needle: str, cycle: str
) -> list[dict[str, str]]:
    """The objective and its key results whose id or title holds ``needle``."""
    found = []
    if needle in objective.id.casefold() or needle in objective.title.casefold():
        found.append({"id": objective.id, "title": objective.title, "what": f"objective · {cycle}"})
    for key_result_id in objective.key_results:
        key_result = org.key_results[key_result_id]
        if needle in key_result_id.casefold() or needle in key_result.title.casefold():
            what = f"key result of {objective.id} · {cycle}"
            found.append({"id": key_result_id, "title": key_result.title, "what": what})
    return found


def alignment_candidates(
    org: m.Organization, *, query: str, cycle: str | None, exclude: str | None
) -> list[dict[str, str]]:
    """Objectives and key results whose id or title holds ``query``, that an objective of
    ``cycle`` may align to (their cycle contains it), at most :data:`PICKER_LIMIT`."""
    needle = query.strip().casefold()
    if not needle:
        return []
    inner = org.cycles.get(cycle or "")
    found: list[dict[str, str]] = []
    for objective in org.objectives.values():
        if objective.id == exclude:
            continue
        outer = org.cycles[objective.cycle]
        if inner is not None and not outer.contains(inner):
            continue
        found += _matches(org, objective, needle, outer.id)
        if len(found) >= PICKER_LIMIT:
            break
    return found[:PICKER_LIMIT]


@signed_in
@require_GET
def alignment_picker(request: WebRequest) -> HttpResponse:
    """The picker's results (an HTMX fragment): what the caller may see and align to."""
    view = pages.view_of(request)
    query = request.GET.get("q", "")
    results = alignment_candidates(
        view.org,
        query=query,
        cycle=request.GET.get("cycle"),
        exclude=request.GET.get("exclude"),
    )
    context = {"results": results, "query": query.strip(), "limit": PICKER_LIMIT}
    return render(request, "web/_picker.html", context)


@signed_in
@require_GET
def directory_picker(request: WebRequest) -> HttpResponse:
    """The people or teams whose name, id or e-mail holds ``q`` (an HTMX fragment), at most
    :data:`PICKER_LIMIT`, and how many match. The directory is everyone's to read (as the API's
    ``/people`` and ``/teams``); ``kind=owners`` narrows it to the teams and people the caller
    may create objectives for."""
    view = pages.view_of(request)
    kind = request.GET.get("kind", "")
    people, teams = DIRECTORY_KINDS.get(kind, DIRECTORY_KINDS["contributors"])
    allowed = may_own(request, view.org) if kind == "owners" else None
    directory = Directory(view.org, people=people, teams=teams, allowed=allowed)
    query = request.GET.get("q", "")
    results, total = directory.search(query, PICKER_LIMIT)
    field = request.GET.get("field", "")
    context = {
        "results": results,
        "total": total,
        "query": query.strip(),
        "plural": directory.plural,
        # The id the fragment's count is given, unique on the page (one per picker).
        "count_id": f"{field}-count" if re.fullmatch(r"[A-Za-z][\w-]{0,60}", field) else "count",
    }
    return render(request, "web/_directory_results.html", context)
