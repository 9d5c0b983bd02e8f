"""My OKRs (``/``): the key results I own or help with, each card with its check-in form; on
a Tandem without objectives yet, how to set it up (:mod:`tandem.web.views.get_started`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from tandem.okrs.selectors import closed_cycles_get
from tandem.organization.onboarding import set_up_get
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in
from tandem.web.selectors import my_okrs_get
from tandem.web.views.cards import CheckInForm, card_item, undo_offered
from tandem.web.views.get_started import get_started_page


@signed_in
def my_okrs(request: WebRequest) -> HttpResponse:
    return home_page(request)


def home_page(
    request: WebRequest, bound: dict[str, CheckInForm] | None = None, status: int = 200
) -> HttpResponse:
    """The page; ``bound`` holds a check-in form sent without JavaScript that had errors.
    Until the organisation has objectives, the steps to set Tandem up instead."""
    set_up = set_up_get()
    if set_up.empty:
        return get_started_page(request, set_up, status)
    view = pages.view_of(request)
    context: dict[str, Any] = {"nav": "home", "page_name": "home"}
    if request.caller.person is None:
        return pages.page(request, "web/home_no_person.html", context, view=view, status=status)
    mine = my_okrs_get(view, request.caller.audience, closed_cycles_get())
    undo = undo_offered(request)
    context |= {
        "okrs": mine,
        "objectives": [
            (o, [card_item(card, bound, undo=undo) for card in o.key_results])
            for o in mine.objectives
        ],
        "elsewhere": [card_item(card, bound, undo=undo) for card in mine.elsewhere],
    }
    return pages.page(request, "web/home.html", context, view=view, status=status)
