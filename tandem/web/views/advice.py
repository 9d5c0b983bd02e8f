"""Advice while writing: the quality rules a draft objective or key result would break, shown
beside the form as it is filled in (an HTMX fragment). The rules and the draft's small
organisation are the engine's (:mod:`tandem.core.advice`); this module reads the form."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tandem.core import model as m
from tandem.core.advice import KeyResultDraft, ObjectiveDraft, key_result_advice, objective_advice
from tandem.core.quality import Finding
from tandem.organization.cache import View
from tandem.web import pages
from tandem.web.forms import SEPARATORS, Directory, PickerMultipleField
from tandem.web.pages import WebRequest, signed_in


def form_values(form: forms.Form) -> QueryDict:
    """What the form holds (typed, or the initial values), as the advice reads it."""
    if form.is_bound:
        return form.data  # type: ignore[return-value]
    values = QueryDict(mutable=True)
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.MultipleChoiceField | PickerMultipleField):
            values.setlist(name, [str(v) for v in value or []])
        elif isinstance(field, forms.BooleanField):
            if value:
                values[name] = "on"
        elif value is not None:
            values[name] = str(value)
    return values


def _picked_ids(org: m.Organization, data: QueryDict) -> QueryDict:
    """The form as typed, with the people and teams its pickers name (e-mails, "Name (id)"…)
    as their ids, as the form will read them."""
    values = data.copy()
    directory = Directory(org)
    for name in ("owner", "umbrella_owner"):
        typed = values.get(name, "")
        if typed and typed not in org.teams and typed not in org.people:
            values[name] = directory.find(typed) or ""
    for name in ("contributors", "umbrella_teams"):
        typed_values = [*values.getlist(name), *SEPARATORS.split(values.get(f"{name}_add", ""))]
        found = (
            t if t in org.teams or t in org.people else directory.find(t) for t in typed_values
        )
        values.setlist(name, list(dict.fromkeys(f for f in found if f)))
    return values


def _texts(data: QueryDict, *names: str) -> dict[str, str]:
    return {name: data.get(name) or "" for name in names}


def objective_advice_of(view: View, data: QueryDict, subject: str | None) -> list[Finding]:
    """The advice on an objective's form as typed (``subject``: the objective edited)."""
    data = _picked_ids(view.org, data)
    draft = ObjectiveDraft(
        **_texts(data, "title", "owner", "cycle", "aligns_to", "description", "umbrella_owner"),
        umbrella=bool(data.get("is_umbrella")),
        umbrella_teams=tuple(data.getlist("umbrella_teams")),
    )
    return objective_advice(view.org, view.as_of, draft, subject)


def key_result_advice_of(
    view: View, data: QueryDict, objective_id: str, subject: str | None
) -> list[Finding]:
    """The advice on a key result's form as typed (``subject``: the key result edited)."""
    data = _picked_ids(view.org, data)
    texts = ("title", "form", "start", "target", "threshold", "unit", "weight", "owner")
    draft = KeyResultDraft(
        **_texts(data, *texts, "description"),
        contributors=tuple(data.getlist("contributors")),
    )
    return key_result_advice(view.org, view.as_of, draft, objective_id, subject)


@signed_in
@require_GET
def advice(request: WebRequest) -> HttpResponse:
    """The quality rules the draft would break (an HTMX fragment), worded as lint words them."""
    view = pages.view_of(request)
    data = request.GET
    subject = data.get("subject") or None
    if data.get("what") == "key_result":
        objective_id = data.get("objective", "")
        if subject is not None and subject in view.org.key_results:
            objective_id = view.org.key_results[subject].objective
        findings = key_result_advice_of(view, data, objective_id, subject)
    else:
        findings = objective_advice_of(view, data, subject)
    return render(request, "web/_advice.html", {"advice": findings})
