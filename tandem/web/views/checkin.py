"""The check-in a key result card sends (POST), answered with the card again, or without
JavaScript with the page it was sent from (My OKRs or the objective page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from tandem import clock
from tandem.access.policy import key_result_get_visible, may_check_in, may_edit_objective, require
from tandem.checkins.models import CheckIn
from tandem.checkins.services import CheckInJumpError, checkin_record
from tandem.core import permissions
from tandem.errors import InvalidError, TandemError
from tandem.okrs.models import KeyResult
from tandem.okrs.selectors import closed_cycles_get
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in
from tandem.web.selectors import (
    KeyResultCard,
    chart_data,
    key_result_card,
    may_edit,
    my_okrs_get,
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
    key_result = key_result_get_visible(audience, key_result_id)
    require(
        may_check_in(audience, key_result),
        permissions.check_in_refused(key_result_id, key_result.objective_id),
    )
    page_name = "objective" if request.POST.get("page") == "objective" else "home"
    closed = closed_cycles_get()
    view = pages.view_of(request)
    if key_result_id not in view.org.key_results:  # archived
        messages.error(request, f"{key_result_id} is archived: restore it to check in on it.")
        return see_other(reverse("home"))
    card = key_result_card(view, key_result_id, audience, closed)
    form = CheckInForm(request.POST, card=card)
    status = 422
    if form.is_valid():
        try:
            row = _record(request, form, key_result)
        except InvalidError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except CheckInJumpError as exc:  # asked on the card: "67 ms? The last check-in was..."
            form.jump = exc
            status = exc.status
        except TandemError as exc:  # closed cycle, archived meanwhile, changed meanwhile
            if exc.status in (403, 404):
                raise
            form.add_error(None, exc.message)
            status = exc.status
        else:
            return _saved(request, page_name, card, row)
    if pages.is_htmx(request):
        return card_response(request, page_name, card, form, status=status)
    if page_name == "objective":
        return objective_page(request, card.objective, {card.id: form}, status=status)
    return home_page(request, {card.id: form}, status=status)


def _saved(
    request: WebRequest, page_name: str, before: KeyResultCard, row: CheckIn
) -> HttpResponse:
    if not pages.is_htmx(request):
        messages.success(request, f"Check-in on {before.id} saved.")
        page, fragment = _back(page_name, before).split("#")
        return see_other(f"{page}?undo={row.pk}#{fragment}")
    view = pages.view_of(request)
    card = key_result_card(view, before.id, request.caller.audience, closed_cycles_get())
    return card_response(request, page_name, card, None, saved=True, undo=row.pk)


def card_response(
    request: WebRequest,
    page_name: str,
    card: KeyResultCard,
    form: CheckInForm | None,
    *,
    status: int = 200,
    saved: bool = False,
    undo: int | None = None,
    undone: bool = False,
    problem: str | None = None,
) -> HttpResponse:
    """The key result's card, and after a save the objective's progress row (and, on My OKRs,
    the key result's line in "needs a check-in") swapped out of band.

    ``undo``: the check-in just saved, which its card offers to undo; ``undone`` after an
    undo (which changes the figures as a save does); ``problem``: why an undo was refused."""
    saved = saved or undone
    view = pages.view_of(request)
    chart = None
    if page_name == "objective":
        chart = chart_data(view, card.id)
    item = card_item(card, {card.id: form} if form is not None else None, chart)
    # Where the card sits: on My OKRs, under one of my objectives (with its summary row) or
    # among the key results I help with elsewhere (with a link to its objective).
    mine = page_name == "objective"
    if page_name == "home" and request.caller.person is not None:
        okrs = my_okrs_get(view, request.caller.audience, closed_cycles_get())
        mine = card.objective in okrs.objective_ids
    context = {
        "item": item,
        "page_name": page_name,
        "saved": saved and not undone,
        "undo": undo,
        "undone": undone,
        "problem": problem,
        "kr_heading": "h4" if page_name == "home" and mine else "h3",
        "show_objective": page_name == "home" and not mine,
        "summary": objective_summary(view, card.objective) if saved and mine else None,
        "due": saved and page_name == "home",
    }
    if page_name == "objective":
        objective = view.org.objectives[card.objective]
        context["editable"] = card.closed is False and may_edit(
            request.caller.audience, view.org, objective
        )
    return render(request, "web/_checkin_response.html", context, status=status)


urlpatterns = [
    path("key-results/<str:key_result_id>/check-in", checkin, name="checkin"),
]
