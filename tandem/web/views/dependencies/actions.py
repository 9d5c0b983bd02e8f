"""Answering and withdrawing a request from its card on the dependencies page: parse the form,
act through tandem.access.dependencies (as the API does: the same refusals, in the same
words), and render the card or the page again."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.access.dependencies import acceptance_of, dependency_act, dependency_get_for
from tandem.dependencies.models import Dependency
from tandem.errors import ConflictError, InvalidError, NotFoundError, StaleVersionError
from tandem.web import pages
from tandem.web.forms import NumberField
from tandem.web.pages import WebRequest, signed_in, view_of
from tandem.web.views.dependencies.cards import METRIC_FORMS, cards_of
from tandem.web.views.dependencies.page import context, page

ACTIONS = ("accept", "decline", "deliver", "cancel")
NOTICES = {
    "accept": "Accepted.",
    "decline": "Declined; the requester sees your reason.",
    "deliver": "Marked as delivered. Thank you!",
    "cancel": "Request withdrawn.",
}


class _DeclineForm(forms.Form):
    reason = forms.CharField(
        error_messages={
            "required": "Say why your team declines, so the requester can plan without it."
        }
    )
    version = forms.IntegerField(required=False)


class _NoteForm(forms.Form):
    reason = forms.CharField(required=False)
    version = forms.IntegerField(required=False)


class _AcceptForm(forms.Form):
    mode = forms.ChoiceField(choices=[("existing", "existing"), ("new", "new")], initial="existing")
    provider_kr = forms.CharField(required=False)
    objective = forms.CharField(required=False)
    title = forms.CharField(required=False)
    form = forms.ChoiceField(choices=METRIC_FORMS, required=False)
    start = NumberField(required=False)
    target = NumberField(required=False)
    threshold = NumberField(required=False)
    unit = forms.CharField(required=False)
    milestones = forms.CharField(required=False)
    reason = forms.CharField(required=False)
    version = forms.IntegerField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == "new":
            if not data.get("objective"):
                self.add_error("objective", "Choose which of your objectives the key result joins.")
            if not data.get("title"):
                self.add_error("title", "Give the new key result a title: the outcome it measures.")
            if not data.get("form"):
                self.add_error("form", "Choose how the new key result is measured.")
        return data


FORMS: dict[str, type[forms.Form]] = {
    "accept": _AcceptForm,
    "decline": _DeclineForm,
    "deliver": _NoteForm,
    "cancel": _NoteForm,
}
# The services' field names, as the accept form names them.
FIELDS = {"provider_kr_id": "provider_kr", "provider_objective_id": "objective"}


def _new_key_result(data: dict[str, Any], by_id: str | None) -> dict[str, Any]:
    """The accept form's new key result as key_result_create takes it (only what was given,
    so the service says what a form does not take)."""
    fields: dict[str, Any] = {"title": data["title"], "form": data["form"]}
    for name in ("start", "target", "threshold"):
        if data.get(name) is not None:
            fields[name] = data[name]
    if data.get("unit"):
        fields["unit"] = data["unit"]
    lines = [line.strip() for line in (data.get("milestones") or "").splitlines()]
    if any(lines):
        fields["milestones"] = [{"title": line} for line in lines if line]
    if by_id is not None:
        fields["owner_id"] = by_id  # whoever accepts owns it; the objective's page changes it
    return fields


def _acceptance(request: WebRequest, data: dict[str, Any]) -> dict[str, Any]:
    """What the accept form names: a new key result in one of the caller's objectives, or an
    existing key result."""
    audience = request.caller.audience
    if data["mode"] == "new":
        new = _new_key_result(data, request.caller.person)
        return acceptance_of(audience, new_key_result=new, objective=data["objective"])
    return acceptance_of(audience, provider_kr=data.get("provider_kr") or None)


def _transition(
    request: WebRequest, dependency: Dependency, action: str, data: dict[str, Any]
) -> str:
    """Apply ``action`` as the API does; the notice to show."""
    acceptance = _acceptance(request, data) if action == "accept" else {}
    done = dependency_act(
        dependency=dependency,
        action=action,
        by_id=request.caller.person,
        reason=data.get("reason") or "",
        version=data.get("version"),
        acceptance=acceptance,
    )
    if action == "accept" and done.provider_kr_id and acceptance:
        return (
            f"Accepted. {done.provider_kr_id} delivers it: its health now flows to the requester."
        )
    return NOTICES[action]


def _field(name: str | None, form: forms.Form) -> str | None:
    """Where a service's message goes in ``form`` (None: above the form)."""
    if not name:
        return None
    name = FIELDS.get(name, name).removeprefix("provider_kr_new.").split(".")[0]
    return name if name in form.fields else None


def _apply(
    request: WebRequest,
    dependency: Dependency,
    action: str,
    form: forms.Form,
    state: pages.FormState,
) -> tuple[str, int]:
    """Validate the form and act: the notice and the status (200, or what went wrong)."""
    try:
        if not form.is_valid():
            return "", 422
        return _transition(request, dependency, action, form.cleaned_data), 200
    except InvalidError as exc:
        form.add_error(_field(exc.field, form), exc.message)
        return "", 422
    except StaleVersionError as exc:
        # The card shows the request as it is now (its new version); what was typed stays.
        state.message = f"{exc.message}. Here is the request as it is now."
        return "", 412
    except ConflictError as exc:
        state.message = exc.message[:1].upper() + exc.message[1:]
        return "", 409


@signed_in
@require_POST
def dependency_action(request: WebRequest, dependency_id: str, action: str) -> HttpResponse:
    dependency = dependency_get_for(request.caller.audience, dependency_id, action)
    if dependency_id not in view_of(request).org.dependencies:
        # Visible, but its objective or key result is archived: out of every plan.
        raise NotFoundError(
            f"{dependency_id} comes from an archived objective or key result; restore it "
            "to answer or cancel the request"
        )
    form = FORMS[action](request.POST)
    state = pages.FormState(values={k: str(v) for k, v in request.POST.items()})
    notice, status = _apply(request, dependency, action, form, state)
    listing = "outgoing" if request.POST.get("listing") == "outgoing" else "incoming"
    if status == 200 and not pages.is_htmx(request):
        messages.success(request, f"{dependency_id}: {notice}")
        back = reverse("web:dependencies") + _query(request.POST.get("cycle", ""))
        return HttpResponseRedirect(f"{back}#{listing}-{dependency_id}", status=303)
    for name, errors in form.errors.items():  # with those the services added to the form
        state.errors[name if name != "__all__" else "all"] = [str(e) for e in errors]
    return _answer(
        request,
        dependency_id=dependency_id,
        action=action,
        listing=listing,
        notice=notice,
        state=state,
        status=status,
    )


def _answer(
    request: WebRequest,
    *,
    dependency_id: str,
    action: str,
    listing: str,
    notice: str,
    state: pages.FormState,
    status: int,
) -> HttpResponse:
    """The card again (its form's errors, with HTMX), or every section (after an answer with
    HTMX), or the whole page."""
    cycle = request.POST.get("cycle", "")
    view = view_of(request)
    card = cards_of(request, view, [(listing, view.org.dependencies[dependency_id])])[0]
    card.notice = notice
    if status != 200:
        setattr(card.forms, action, state)
    if pages.is_htmx(request) and status != 200:
        found = {"card": card, "cycle": cycle}
        return render(request, "web/_dependency_card.html", found, status=status)
    if pages.is_htmx(request):
        # The answer changes counts, lists, risks and links around the card: every section
        # comes back out of band (the card in its new list, focused by tandem.js).
        card.focus = True
        found = context(request, view, cycle, acted=card) | {"oob": True}
        response = render(request, "web/_dependency_sections.html", found)
        response["HX-Reswap"] = "none"
        return response
    return page(request, view, cycle, acted=card, status=status)


def _query(cycle: str) -> str:
    return f"?{urlencode({'cycle': cycle})}" if cycle else ""
