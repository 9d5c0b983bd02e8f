"""The objective page: its key results with charts, how it connects up and down, the help it
needs and gives, and its history."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import path

from tandem.comments.selectors import comment_counts
from tandem.comments.targets import Target
from tandem.core import model as m
from tandem.errors import NotFoundError
from tandem.okrs.selectors import closed_cycles_get
from tandem.organization.cache import View
from tandem.organization.charts import key_result_chart_get
from tandem.organization.history import History, objective_history_get
from tandem.organization.objective_links import (
    aligned_below,
    alignment_chain,
    objective_dependencies,
)
from tandem.organization.wording import owner_name, person_name
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in
from tandem.web.selectors import key_result_card, may_edit, objective_summary
from tandem.web.threads import threads_get
from tandem.web.views.cards import CardItem, CheckInForm, card_item, undo_offered


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
    if objective_id not in view.org.objectives:
        raise NotFoundError(f"there is no objective '{objective_id}'")
    found = view.org.objectives[objective_id]
    closed = closed_cycles_get()
    editable = may_edit(request.caller.audience, view.org, found) and found.cycle not in closed
    takes_checkins = found.cycle not in closed
    history = objective_history_get(
        view, request.caller.audience, objective_id, editable=editable, checkins_open=takes_checkins
    )
    context: dict[str, Any] = {
        "page_name": "objective",
        "objective": found,
        "summary": objective_summary(view, objective_id),
        "closed": found.cycle in closed,
        "items": _items(request, view, found, bound, closed),
        "history": history,
        **_comments(request, found, history),
        "editable": editable,
        **_around(view, found),
    }
    return pages.page(request, "web/objective.html", context, view=view, status=status)


def _items(
    request: WebRequest,
    view: View,
    found: m.Objective,
    bound: dict[str, CheckInForm] | None,
    closed: frozenset[str],
) -> list[CardItem]:
    """Its key results' cards, each with its check-in form and chart."""
    audience, undo = request.caller.audience, undo_offered(request)
    return [
        card_item(
            key_result_card(view, key_result_id, audience, closed),
            bound,
            key_result_chart_get(view, key_result_id),
            undo,
        )
        for key_result_id in found.key_results
    ]


def _comments(request: WebRequest, found: m.Objective, history: History) -> dict[str, Any]:
    """The threads of the objective and of each of its key results (two queries), and how
    many comments each check-in of its history has (one)."""
    targets = [Target("objective", found.id)]
    targets += [Target("key_result", key_result_id) for key_result_id in found.key_results]
    threads = threads_get(request.caller.audience, targets)
    for target in targets[1:]:
        threads[target].level = 4
    checkins = [entry.checkin for entry in history.entries if entry.checkin is not None]
    return {
        "objective_thread": threads[targets[0]],
        "kr_threads": {target.id: threads[target] for target in targets[1:]},
        "checkin_comments": comment_counts("checkin", checkins) if checkins else {},
    }


def _around(view: View, found: m.Objective) -> dict[str, Any]:
    """Who owns it as an umbrella, what it aligns to and what is aligned to it and its key
    results, the help it needs and gives."""
    org = view.org
    incoming, outgoing = objective_dependencies(view, found.id)
    below = aligned_below(view, found.id)
    below_key_results = [
        (key_result_id, aligned_below(view, key_result_id)) for key_result_id in found.key_results
    ]
    umbrella = found.umbrella
    return {
        "umbrella_owner": person_name(org, umbrella.owner) if umbrella else None,
        "umbrella_teams": [owner_name(org, t) for t in umbrella.teams] if umbrella else [],
        "chain": alignment_chain(view, found.id),
        "below": below,
        "below_key_results": below_key_results,
        "below_count": len(below) + sum(len(links) for _key_result_id, links in below_key_results),
        "incoming": incoming,
        "outgoing": outgoing,
    }


urlpatterns = [
    path("objectives/<str:objective_id>", objective, name="objective"),
]
