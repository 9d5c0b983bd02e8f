"""What every page needs: the signed-in caller, today's view of the organisation, names,
and one way to turn the services' errors into pages or in-place messages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Concatenate, ParamSpec

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from tandem import clock
from tandem.access.policy import Caller, audience_get
from tandem.errors import InvalidError, NotFoundError, PermissionDeniedError, TandemError
from tandem.organization.cache import View, view_get
from tandem.organization.mine import own_teams

# Re-exported: every page writes people's and teams' names with them.
from tandem.people.models import Person

P = ParamSpec("P")


class WebRequest(HttpRequest):
    """A request to a signed-in page: :func:`signed_in` sets ``caller``."""

    caller: Caller


def web_caller(request: HttpRequest) -> Caller:
    user: Any = request.user
    person_id = Person.objects.filter(user_id=user.pk).values_list("id", flat=True).first()
    return Caller(audience_get(person_id=person_id, admin=bool(user.is_superuser)))


def signed_in(
    view: Callable[Concatenate[WebRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Require a signed-in user (else to the sign-in page), set ``request.caller``, and show
    what may not be seen as the friendly 404 page and refusals as the 403 page."""

    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        web_request: Any = request
        web_request.caller = web_caller(request)
        try:
            return view(web_request, *args, **kwargs)
        except NotFoundError as exc:
            raise Http404(exc.message) from None
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from None

    functools.update_wrapper(wrapper, view)
    return login_required(wrapper)


def view_of(request: WebRequest, as_of: date | None = None) -> View:
    """The organisation as the caller may see it on ``as_of`` (today), evaluated."""
    return view_get(audience=request.caller.audience, as_of=as_of or clock.today())


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def nav_context(request: WebRequest, view: View | None = None) -> dict[str, Any]:
    """The navigation bar: the caller's teams and the cycle under way (for the review link)."""
    audience = request.caller.audience
    context: dict[str, Any] = {"caller": request.caller, "today": clock.today()}
    if view is not None:
        org = view.org
        own = own_teams(audience, org)
        context["my_teams"] = [team for team in org.teams.values() if team.id in own]
        current = [
            c for c in org.cycles.values() if c.start <= view.as_of <= c.end and c.parent
        ] or [c for c in org.cycles.values() if c.start <= view.as_of <= c.end]
        context["current_cycle"] = current[0] if current else None
        if audience.person is not None:
            context["me"] = org.people.get(audience.person)
    return context


def new_objective_url(*, team: str | None = None, cycle: str | None = None) -> str:
    """The "New objective" form prefilled with the team and the cycle in view ("all" cycles,
    or none chosen: the form picks the shortest cycle under way)."""
    params = {"cycle": cycle if cycle and cycle != "all" else "", "team": team or ""}
    query = urlencode({k: v for k, v in params.items() if v})
    return reverse("web:objective_new") + (f"?{query}" if query else "")


def page(
    request: WebRequest,
    template: str,
    context: dict[str, Any],
    *,
    view: View | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render a full page (or, for HTMX, the same template: fragments use their own)."""
    return render(request, template, nav_context(request, view) | context, status=status)


def refused(form: Any, action: Callable[[], object]) -> int | None:
    """Run ``action`` (a service call) for a valid ``form``: None when it went through, else
    the status to answer with, its reason shown on the form (next to the field it is about).
    A refusal that is a 403 or a 404 is raised, to be answered as such."""
    try:
        action()
    except InvalidError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return 422
    except TandemError as exc:  # a closed cycle, archived or changed meanwhile
        if exc.status in (403, 404):
            raise
        form.add_error(None, exc.message)
        return exc.status
    return None


@dataclass
class FormState:
    """What was typed into one of a card's forms, and what was wrong with it."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    message: str = ""


def form_state(request: HttpRequest, form: forms.Form) -> FormState:
    """What was sent with ``form`` and its errors (those of the whole form under "all"), to
    show the form again as it was typed."""
    state = FormState(values={k: str(v) for k, v in request.POST.items()})
    for name, errors in form.errors.items():
        state.errors[name if name != "__all__" else "all"] = [str(e) for e in errors]
    return state
