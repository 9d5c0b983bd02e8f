"""The objective page: its key results with charts, how it connects up and down, the help it
needs and gives, and its history."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import path

from tandem.errors import NotFoundError
from tandem.okrs.selectors import closed_cycles_get
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in
from tandem.web.selectors import (
    aligned_below,
    alignment_chain,
    chart_data,
    key_result_card,
    may_edit,
    objective_dependencies,
    objective_history_get,
    objective_summary,
)
from tandem.web.views.cards import CheckInForm, card_item, undo_offered


@signed_in
def objective(request: WebRequest, objective_id: str) -> HttpResponse:
    return objective_page(request, objective_id)


def objective_page(
    request: WebRequest,
    objective_id: str,
    bound: dict[str, CheckInForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page; ``bound`` holds a check-in form sent without JavaScript that had errors."""
    view = pages.view_of(request)
    org = view.org
    if objective_id not in org.objectives:
        raise NotFoundError(f"there is no objective '{objective_id}'")
    audience = request.caller.audience
    found = org.objectives[objective_id]
    closed = closed_cycles_get()
    undo = undo_offered(request)
    items = [
        card_item(key_result_card(view, kid, audience, closed), bound, chart_data(view, kid), undo)
        for kid in found.key_results
    ]
    incoming, outgoing = objective_dependencies(view, objective_id)
    below = aligned_below(view, objective_id)
    below_key_results = [(kid, aligned_below(view, kid)) for kid in found.key_results]
    editable = may_edit(audience, org, found) and found.cycle not in closed
    context: dict[str, Any] = {
        "page_name": "objective",
        "objective": found,
        "summary": objective_summary(view, objective_id),
        "umbrella_owner": (
            pages.person_name(org, found.umbrella.owner) if found.umbrella else None
        ),
        "umbrella_teams": (
            [pages.owner_name(org, t) for t in found.umbrella.teams] if found.umbrella else []
        ),
        "closed": found.cycle in closed,
        "chain": alignment_chain(view, objective_id),
        "below": below,
        "below_key_results": below_key_results,
        "below_count": len(below) + sum(len(links) for _kid, links in below_key_results),
        "items": items,
        "incoming": incoming,
        "outgoing": outgoing,
        "history": objective_history_get(
            view,
            audience,
            objective_id,
            editable=editable,
            checkins_open=found.cycle not in closed,
        ),
        "editable": editable,
    }
    return pages.page(request, "web/objective.html", context, view=view, status=status)


urlpatterns = [
    path("objectives/<str:objective_id>", objective, name="objective"),
]
