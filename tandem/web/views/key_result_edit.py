"""Adding and changing key results: the metric's form and its inputs, milestones (a row more
without a script), owners and contributors, with the quality rules shown as advice while
writing.

Who may is whoever may change the objective, as in the API (:mod:`tandem.api.editing`); the
services decide the rules of the data and their refusals are shown next to the field they
name. Edits carry the version that was read (a stale save shows what is stored now and what
was typed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from tandem.access.policy import (
    key_result_get_editable,
    key_result_get_visible,
    objective_get_editable,
)
from tandem.core import model as m
from tandem.errors import ConflictError, InvalidError, StaleVersionError
from tandem.okrs import key_results
from tandem.okrs.models import Contributor, KeyResult, Milestone, Objective
from tandem.okrs.selectors import cycle_closed
from tandem.organization.cache import View
from tandem.web import pages
from tandem.web.forms import (
    METRIC_INPUTS,
    KeyResultForm,
    MilestoneFormSet,
    error_place,
    milestone_errors,
    milestone_rows,
)
from tandem.web.pages import WebRequest, signed_in
from tandem.web.views.advice import form_values, key_result_advice_of
from tandem.web.views.editing_shared import KEY_RESULT_FIELDS, mark_stale, typed_changes

TEMPLATE = "web/edit_key_result.html"


def _plain(number: float) -> int | float:
    """1.0 shown as 1: weights are floats in the database, mostly whole numbers when typed."""
    return int(number) if float(number).is_integer() else number


def _milestones_initial(key_result: KeyResult) -> list[dict[str, Any]]:
    return [
        {"title": row.title, "weight": _plain(row.weight), "done_on": row.done_on}
        for row in Milestone.objects.filter(key_result=key_result).order_by("position")
    ]


def _key_result_initial(key_result: KeyResult) -> dict[str, Any]:
    contributors = [
        person or team
        for person, team in Contributor.objects.filter(key_result=key_result)
        .order_by("position")
        .values_list("person_id", "team_id")
    ]
    return {
        "title": key_result.title,
        "description": key_result.description or "",
        "form": key_result.form,
        "start": key_result.start,
        "target": key_result.target,
        "threshold": key_result.threshold,
        "unit": key_result.unit or "",
        "weight": _plain(key_result.weight),
        "owner": key_result.owner_id or "",
        "contributors": contributors,
        "since": key_result.since,
        "version": key_result.version,
    }


def _key_result_forms(
    data: QueryDict | None,
    view: View,
    *,
    initial: dict[str, Any],
    milestones: list[dict[str, Any]],
    objective: Objective,
) -> tuple[KeyResultForm, Any]:
    """The form and its milestone rows, bound to ``data`` when posted. A team's key result
    needs a person to own it: the engine's "the objective's owner" is nobody then."""
    form = KeyResultForm(
        data,
        initial=initial,
        org=view.org,
        owner_required=objective.owner_team_id is not None,
        # Only an existing key result's initial values hold its since (_key_result_initial).
        editing="since" in initial,
    )
    rows = MilestoneFormSet(data, initial=milestones, prefix="milestones")
    if data is not None and "add_milestone" in data:
        # "Add a milestone" (no script needed): the same form again with one more row.
        copy = data.copy()
        copy["milestones-TOTAL_FORMS"] = str(int(data.get("milestones-TOTAL_FORMS", "0")) + 1)
        rows = MilestoneFormSet(copy, initial=milestones, prefix="milestones")
    return form, rows


def _form_page(
    request: WebRequest,
    view: View,
    objective: Objective,
    forms: tuple[KeyResultForm, Any],
    subject: KeyResult | None,
    *,
    status: int = 200,
) -> HttpResponse:
    form, rows = forms
    context = {
        "objective": objective,
        "subject": subject,
        "form": form,
        "milestones": rows,
        "milestone_errors": milestone_errors(form),
        "metric_inputs": METRIC_INPUTS,
        "advice": key_result_advice_of(
            view, form_values(form), objective.id, subject.id if subject else None
        ),
    }
    return pages.page(request, TEMPLATE, context, view=view, status=status)


def _posted(request: WebRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _saving(request: WebRequest) -> bool:
    """A post to save (not "add a milestone", which shows the form again with one more row)."""
    return request.method == "POST" and "add_milestone" not in request.POST


def _valid(form: KeyResultForm, rows: Any) -> bool:
    """The form, and the milestones when the metric is made of them (else they are ignored)."""
    valid = form.is_valid()
    if form.data.get("form") == "milestones":
        valid = rows.is_valid() and valid
    return valid


# --- a new key result ------------------------------------------------------------------------


def _default_key_result_owner(
    request: WebRequest, org: m.Organization, objective: Objective
) -> str:
    """A team's new key result is owned by whoever adds it, when they are in the team (the
    form asks for a person otherwise); anyone else's is left to the objective's owner."""
    me = request.caller.person
    team = org.teams.get(objective.owner_team_id or "")
    if team is not None and me is not None and (me in team.members or me == team.lead):
        return me
    return ""


def _key_result_create(
    request: WebRequest, objective: Objective, form: KeyResultForm, rows: Any
) -> KeyResult | None:
    """The new key result, or None when the form or the service refuses it (said on the form)."""
    if not _valid(form, rows):
        return None
    data = form.cleaned_data
    try:
        return key_results.key_result_create(
            objective_id=objective.id,
            title=data["title"],
            form=data["form"],
            **form.metric_arguments(),
            weight=data["weight"],
            owner_id=data["owner"] or None,
            contributor_ids=data["contributors"],
            milestones=milestone_rows(rows) if data["form"] == "milestones" else [],
            description=data["description"],
            by_id=request.caller.person,
        )
    except (InvalidError, ConflictError) as exc:
        error_place(form, exc, KEY_RESULT_FIELDS, rows)
        return None


@signed_in
@require_http_methods(["GET", "POST"])
def key_result_new(request: WebRequest, objective_id: str) -> HttpResponse:
    audience = request.caller.audience
    objective = objective_get_editable(audience, objective_id)
    view = pages.view_of(request)
    initial = {"owner": _default_key_result_owner(request, view.org, objective)}
    forms = _key_result_forms(
        _posted(request), view, initial=initial, milestones=[], objective=objective
    )
    if not _saving(request):
        return _form_page(request, view, objective, forms, None)
    created = _key_result_create(request, objective, *forms)
    if created is None:
        return _form_page(request, view, objective, forms, None, status=422)
    messages.success(request, f"{created.id} is added to {objective.id}.")
    if "another" in request.POST:
        return redirect("web:key_result_new", objective.id)
    return redirect("web:objective", objective.id)


# --- changing a key result -------------------------------------------------------------------


def _blank(value: object) -> object:
    return None if value in ("", None) else value


def _milestone_facts(rows: list[dict[str, Any]]) -> list[tuple[object, ...]]:
    return [(row["title"], float(row.get("weight", 1)), row.get("done_on")) for row in rows]


def _key_result_changes(
    form: KeyResultForm,
    rows: Any,
    initial: Mapping[str, Any],
    milestones: list[dict[str, Any]],
) -> dict[str, Any]:
    """The update's arguments for what differs from what was shown."""
    data = form.cleaned_data
    renamed = {"owner": "owner_id", "contributors": "contributor_ids"}
    changes: dict[str, Any] = {
        renamed.get(name, name): _blank(data[name]) if name == "owner" else data[name]
        for name in ("title", "description", "weight", "owner", "contributors", "since")
        if data[name] != initial[name]
    }
    metric = form.metric_arguments()
    form_changed = data["form"] != initial["form"]
    if form_changed or any(_blank(value) != _blank(initial[k]) for k, value in metric.items()):
        changes.update(form=data["form"], **metric)
    if data["form"] == "milestones":
        typed = milestone_rows(rows)
        if form_changed or _milestone_facts(typed) != _milestone_facts(milestones):
            changes["milestones"] = typed
    return changes


def _edit_forms(
    view: View, key_result: KeyResult, objective: Objective, data: QueryDict | None
) -> tuple[KeyResultForm, Any]:
    """The key result's forms with what is stored as their initial values."""
    return _key_result_forms(
        data,
        view,
        initial=_key_result_initial(key_result),
        milestones=_milestones_initial(key_result),
        objective=objective,
    )


def _stale(
    request: WebRequest, view: View, key_result: KeyResult, form: KeyResultForm
) -> tuple[KeyResultForm, Any]:
    """The forms again with what is stored now; what was typed is listed beside them."""
    typed = typed_changes(form)
    current = key_result_get_visible(request.caller.audience, key_result.id)
    forms = _edit_forms(view, current, key_result.objective, None)
    mark_stale(forms[0], typed)
    return forms


def _key_result_save(
    request: WebRequest, view: View, key_result: KeyResult, forms: tuple[KeyResultForm, Any]
) -> HttpResponse | tuple[tuple[KeyResultForm, Any], int]:
    """Save the changes and go to the objective's page, or the forms again with why not."""
    form, rows = forms
    if not _valid(form, rows):
        return forms, 422
    changes = _key_result_changes(form, rows, form.initial, rows.initial)
    if changes:
        try:
            key_results.key_result_update(
                key_result_id=key_result.id,
                version=form.cleaned_data["version"],
                by_id=request.caller.person,
                **changes,
            )
        except StaleVersionError:
            return _stale(request, view, key_result, form), 409
        except (InvalidError, ConflictError) as exc:
            error_place(form, exc, KEY_RESULT_FIELDS, rows)
            return forms, 422
    if changes:
        messages.success(request, f"{key_result.id} is saved.")
    else:
        messages.info(request, f"Nothing changed in {key_result.id}.")
    return redirect("web:objective", key_result.objective_id)


@signed_in
@require_http_methods(["GET", "POST"])
def key_result_edit(request: WebRequest, key_result_id: str) -> HttpResponse:
    audience = request.caller.audience
    key_result = key_result_get_editable(audience, key_result_id)
    objective = key_result.objective
    view = pages.view_of(request)
    archived = key_result.archived_at is not None or objective.archived_at is not None
    if archived or cycle_closed(objective.cycle_id):
        context = {"objective": objective, "subject": key_result, "read_only": True}
        return pages.page(request, TEMPLATE, context, view=view)
    forms = _edit_forms(view, key_result, objective, _posted(request))
    status = 200
    if _saving(request):
        outcome = _key_result_save(request, view, key_result, forms)
        if isinstance(outcome, HttpResponse):
            return outcome
        forms, status = outcome
    return _form_page(request, view, objective, forms, key_result, status=status)
