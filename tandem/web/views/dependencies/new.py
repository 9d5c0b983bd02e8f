"""Asking another team for help: the form, and the request it makes through the same policy
check and service as POST /api/v1/dependencies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tandem import clock
from tandem.access.dependencies import asking_ensure_allowed
from tandem.access.policy import (
    key_result_get_visible,
    objective_get_visible,
)
from tandem.dependencies.models import Dependency
from tandem.dependencies.services import dependency_create
from tandem.errors import ConflictError, InvalidError
from tandem.okrs.models import KeyResult, Objective
from tandem.organization.cache import View
from tandem.organization.dependencies import askable
from tandem.organization.mine import as_person
from tandem.organization.wording import owner_name
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in, view_of


class _RequestForm(forms.Form):
    provider = forms.ChoiceField(error_messages={"required": "Choose the team you need help from."})
    need = forms.CharField(
        error_messages={"required": "Say what you need from them, as concretely as you can."}
    )
    due = forms.DateField(
        required=False,
        error_messages={"invalid": "Write the date as YYYY-MM-DD (or pick it in the calendar)."},
    )

    def __init__(self, *args: Any, teams: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Choose a team"), *teams]  # type: ignore[attr-defined]


def _needer(request: WebRequest, from_id: str) -> tuple[Objective, KeyResult | None]:
    """The objective (and key result) that needs the help: 404 when hidden, 403 when the
    caller may not change it (as POST /api/v1/dependencies)."""
    audience = request.caller.audience
    if Objective.objects.filter(pk=from_id).exists():
        objective, key_result = objective_get_visible(audience, from_id), None
    else:
        key_result = key_result_get_visible(audience, from_id)
        objective = key_result.objective
    asking_ensure_allowed(audience, objective)
    return objective, key_result


def _create(request: WebRequest, from_id: str, form: _RequestForm) -> Dependency | None:
    """The request the form asks for, or None (the form then says what was wrong)."""
    if not from_id:
        form.add_error(None, "Choose the key result or objective that needs the help.")
        return None
    if not form.is_valid():
        return None
    try:
        return dependency_create(
            from_id=from_id,
            provider_team_id=form.cleaned_data["provider"],
            need=form.cleaned_data["need"],
            due=form.cleaned_data["due"],
            by_id=request.caller.person,
        )
    except InvalidError as exc:
        target = {"provider_team_id": "provider"}.get(exc.field or "", exc.field)
        form.add_error(target if target in form.fields else None, exc.message)
    except ConflictError as exc:
        form.add_error(None, exc.message)
    return None


def _sent(request: WebRequest, view: View, created: Dependency) -> HttpResponse:
    provider = owner_name(view.org, created.provider_id)
    messages.success(
        request, f"{created.id} sent: {provider} will find it among the requests made to them."
    )
    # Among those asked of the caller's teams when it is asked of one of them (the page shows
    # each request once).
    mine = as_person(request.caller.audience, view.org)
    listing = "incoming" if created.provider_id in mine.teams | mine.led_teams else "outgoing"
    return HttpResponseRedirect(
        reverse("web:dependencies") + f"#{listing}-{created.id}", status=303
    )


@signed_in
@require_http_methods(["GET", "POST"])
def dependency_new(request: WebRequest) -> HttpResponse:
    from_id = (request.POST.get("from") or request.GET.get("from") or "").strip()
    view = view_of(request)
    needer = _needer(request, from_id) if from_id else None
    teams = [(t.id, t.name) for t in view.org.teams.values()]
    form = _RequestForm(request.POST if request.method == "POST" else None, teams=teams)
    if request.method == "POST" and (created := _create(request, from_id, form)) is not None:
        return _sent(request, view, created)
    found = {
        "nav": "dependencies",
        "form": form,
        "from_id": from_id,
        "needer": needer,
        "choices": [] if needer else askable(view, request.caller.audience),
        "teams": teams,
        "today": clock.today(),
    }
    status = 422 if request.method == "POST" else 200
    return pages.page(request, "web/dependency_new.html", found, view=view, status=status)
