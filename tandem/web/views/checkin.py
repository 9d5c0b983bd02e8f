"""The check-in a key result card sends (POST), answered with the card again, or without
JavaScript with the page it was sent from (My OKRs or the objective page)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from tandem import clock
from tandem.access.policy import (
    key_result_get_checkable,
    may_edit_objective,
)
from tandem.checkins.models import CheckIn
from tandem.checkins.services import CheckInJumpError, checkin_record
from tandem.core.report import current_cycles
from tandem.errors import InvalidError, TandemError
from tandem.okrs.models import KeyResult
from tandem.okrs.selectors import closed_cycles_get
from tandem.organization.cache import View
from tandem.organization.charts import key_result_chart_get
from tandem.organization.mine import is_mine, whose_of
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in
from tandem.web.selectors import (
    KeyResultCard,
    key_result_card,
    may_edit,
    objective_summary,
)
from tandem.web.views.cards import CheckInForm, card_item
from tandem.web.views.home import home_page
from tandem.web.views.objectives import objective_page


def _record(request: WebRequest, form: CheckInForm, key_result: KeyResult) -> CheckIn:
    """Tick milestones (an edit of the key result) and record the check-in, all or nothing."""
    ticked = set(form.cleaned_data.get("tick") or [])
    shown = set(form.cleaned_data.get("shown") or [])
    return checkin_record(
        key_result_id=key_result.pk,
        day=clock.today(),
        value=form.checkin_value(),
        confidence=form.cleaned_data.get("confidence"),
        note=(form.cleaned_data.get("note") or "").strip() or None,
        author_id=request.caller.person,
        confirmed="value" not in form.fields or form.confirmed(),
        # What the person changed since the form was drawn: a tick someone else made
        # meanwhile stays.
        ticked=ticked - shown,
        unticked=shown - ticked,
        may_tick=may_edit_objective(request.caller.audience, key_result.objective),
    )


def see_other(url: str) -> HttpResponseRedirect:
    """After a form post, the page to show next (303: the browser fetches it with GET)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _back(page_name: str, card: KeyResultCard) -> str:
    if page_name == "objective":
        return reverse("web:objective", args=[card.objective]) + f"#kr-{card.id}"
    return reverse("home") + f"#kr-{card.id}"


@require_POST
@signed_in
def checkin(request: WebRequest, key_result_id: str) -> HttpResponse:
    """Record a check-in: as POST /api/v1/key-results/{id}/check-ins (same permission, same
    service), answered with the key result's card (HTMX) or a redirect back."""
    audience = request.caller.audience
    key_result = key_result_get_checkable(audience, key_result_id)
    page_name = "objective" if request.POST.get("page") == "objective" else "home"
    view = pages.view_of(request)
    if key_result_id not in view.org.key_results:  # archived
        messages.error(request, f"{key_result_id} is archived: restore it to check in on it.")
        return see_other(reverse("home"))
    card = key_result_card(view, key_result_id, audience, closed_cycles_get())
    form = CheckInForm(request.POST, card=card)
    row, status = _attempt(request, form, key_result) if form.is_valid() else (None, 422)
    if row is not None:
        return _saved(request, page_name, card, row)
    if pages.is_htmx(request):
        return card_response(request, page_name, card, form, status=status)
    if page_name == "objective":
        return objective_page(request, card.objective, {card.id: form}, status=status)
    return home_page(request, {card.id: form}, status=status)


def _attempt(
    request: WebRequest, form: CheckInForm, key_result: KeyResult
) -> tuple[CheckIn | None, int]:
    """The check-in recorded (and 200), or None and the status to answer the form with, its
    errors added to it."""
    try:
        return _record(request, form, key_result), 200
    except InvalidError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None, 422
    except CheckInJumpError as exc:  # asked on the card: "67 ms? The last check-in was..."
        form.jump = exc
        return None, exc.status
    except TandemError as exc:  # closed cycle, archived meanwhile, changed meanwhile
        if exc.status in (403, 404):
            raise
        form.add_error(None, exc.message)
        return None, exc.status


def _saved(
    request: WebRequest, page_name: str, before: KeyResultCard, row: CheckIn
) -> HttpResponse:
    if not pages.is_htmx(request):
        messages.success(request, f"Check-in on {before.id} saved.")
        page, fragment = _back(page_name, before).split("#")
        return see_other(f"{page}?undo={row.pk}#{fragment}")
    view = pages.view_of(request)
    card = key_result_card(view, before.id, request.caller.audience, closed_cycles_get())
    return card_response(request, page_name, card, None, outcome=Outcome(saved=True, undo=row.pk))


@dataclass(frozen=True)
class Outcome:
    """What just happened to a card: ``saved`` (with ``undo``, the check-in just saved, which
    the card offers to undo), ``undone`` (which changes the figures as a save does), or
    ``problem``: why an undo was refused."""

    saved: bool = False
    undo: int | None = None
    undone: bool = False
    problem: str | None = None


def card_response(
    request: WebRequest,
    page_name: str,
    card: KeyResultCard,
    form: CheckInForm | None,
    *,
    status: int = 200,
    outcome: Outcome = Outcome(),
) -> HttpResponse:
    """The key result's card, and after a save the objective's progress row (and, on My OKRs,
    the key result's line in "needs a check-in") swapped out of band."""
    view = pages.view_of(request)
    saved = outcome.saved or outcome.undone
    home, mine = page_name == "home", page_name == "objective" or _on_my_okrs(request, view, card)
    chart = key_result_chart_get(view, card.id) if page_name == "objective" else None
    context = {
        "item": card_item(card, {card.id: form} if form is not None else None, chart),
        "page_name": page_name,
        "saved": saved and not outcome.undone,
        "undo": outcome.undo,
        "undone": outcome.undone,
        "problem": outcome.problem,
        "kr_heading": "h4" if home and mine else "h3",
        "show_objective": home and not mine,
        "summary": objective_summary(view, card.objective) if saved and mine else None,
        "due": saved and home,
        "editable": not home and _editable(request, view, card),
    }
    return render(request, "web/_checkin_response.html", context, status=status)


def _on_my_okrs(request: WebRequest, view: View, card: KeyResultCard) -> bool:
    """Where the card sits on My OKRs: under one of my objectives in a cycle under way (with
    its summary row), or among the key results I help with elsewhere (with a link to its
    objective)."""
    if request.caller.person is None:
        return False
    objective = view.org.objectives[card.objective]
    under_way = set(current_cycles(view.org, view.as_of)) - closed_cycles_get()
    return objective.cycle in under_way and is_mine(
        whose_of(request.caller.audience, view.org), objective
    )


def _editable(request: WebRequest, view: View, card: KeyResultCard) -> bool:
    objective = view.org.objectives[card.objective]
    return card.closed is False and may_edit(request.caller.audience, view.org, objective)


urlpatterns = [
    path("key-results/<str:key_result_id>/check-in", checkin, name="checkin"),
]
