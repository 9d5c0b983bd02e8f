"""Editing: create and change objectives and key results, align them with a search-as-you-type
picker, archive and restore them, with the quality rules shown as advice while writing. Owners
and contributors are chosen from selects while the lists are short, and from search-as-you-type
pickers of people and teams (``/pick/directory``) when they are not.

Who may do what is exactly the API's (:mod:`tandem.api.editing`): what the caller may not see
is a 404, what they see but may not change a 403; the services decide the rules of the data
and their refusals are shown next to the field they name. Edits carry the version that was
read, so that two people editing at once never silently overwrite each other.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from tandem.access.policy import (
    key_result_get_visible,
    may_edit_objective,
    objective_get_visible,
    require,
    target_ensure_visible,
)
from tandem.core import model as m
from tandem.core.engine import evaluate
from tandem.core.numbers import NumberTextError, number_from_text, usable_number
from tandem.core.quality import Finding, lint
from tandem.errors import ConflictError, InvalidError, StaleVersionError
from tandem.okrs import services
from tandem.okrs.models import Contributor, Cycle, KeyResult, Milestone, Objective, UmbrellaTeam
from tandem.okrs.selectors import closed_cycles_get, cycle_closed
from tandem.organization.cache import View
from tandem.web import forms as web_forms
from tandem.web import pages
from tandem.web.forms import (
    METRIC_INPUTS,
    PICKER_LIMIT,
    SEPARATORS,
    Directory,
    KeyResultForm,
    MilestoneFormSet,
    ObjectiveForm,
    PickerMultipleField,
    error_place,
    milestone_errors,
    milestone_rows,
)
from tandem.web.pages import WebRequest, signed_in

# The services' argument names → the form's fields, for refusals that name a field.
OBJECTIVE_FIELDS = {
    "cycle_id": "cycle",
    "owner_team_id": "owner",
    "owner_person_id": "owner",
    "target_id": "aligns_to",
    "umbrella_owner_id": "umbrella_owner",
    "umbrella_team_ids": "umbrella_teams",
}
KEY_RESULT_FIELDS = {"owner_id": "owner", "contributor_ids": "contributors"}
# The pickers of people and teams: what each ``kind`` searches (people, teams).
DIRECTORY_KINDS = {
    "people": (True, False),
    "teams": (False, True),
    "contributors": (True, True),
    "owners": (True, True),
}
ARCHIVE_SERVICES: dict[tuple[str, str], Callable[..., Any]] = {
    ("objective", "archive"): services.objective_archive,
    ("objective", "restore"): services.objective_restore,
    ("key_result", "archive"): services.key_result_archive,
    ("key_result", "restore"): services.key_result_restore,
}
# Rules about what happens after writing (check-ins, answers to requests), not the writing.
NOT_ADVICE = frozenset(
    {
        "stale-checkin",
        "dependency-unconfirmed",
        "dependency-declined",
        "dependency-overdue",
        "dependency-cycle",
    }
)


def _edit_message(objective_id: str) -> str:
    return (
        f"you may not change {objective_id}: a team's objectives are changed by its members "
        "and the leads above it, an individual objective by its owner, an umbrella objective "
        "also by its umbrella owner, and anything by admins"
    )


def _owner_arguments(org: m.Organization, owner: str) -> dict[str, str | None]:
    if owner in org.teams:
        return {"owner_team_id": owner, "owner_person_id": None}
    return {"owner_team_id": None, "owner_person_id": owner}


def _may_own(request: WebRequest, org: m.Organization) -> Callable[[str], bool]:
    """Whether the caller may create objectives for a team or person, asking the policy as the
    API does, with one unsaved objective reused for speed."""
    audience = request.caller.audience
    candidate = Objective()

    def may(owner: str) -> bool:
        if owner in org.teams:
            candidate.owner_team_id, candidate.owner_person_id = owner, None
        else:
            candidate.owner_team_id, candidate.owner_person_id = None, owner
        return may_edit_objective(audience, candidate)

    return may


def _owners(
    request: WebRequest, org: m.Organization, current: str | None
) -> tuple[list[str], Callable[[str], bool]]:
    """Who the caller may create objectives for (and the current owner): the first of them,
    teams then people, as many as a select lists and one more (an admin's are everyone: the
    form offers a picker then), and the test for the picker."""
    may = _may_own(request, org)

    def allowed(owner: str) -> bool:
        return owner == current or may(owner)

    candidates = itertools.chain(org.teams, org.people)
    first = list(itertools.islice(filter(allowed, candidates), web_forms.SELECT_LIMIT + 1))
    return first, allowed


def _typed_owner(org: m.Organization, typed: str) -> str:
    """The owner a form names: an id as a select posts it, or what a picker takes (an e-mail,
    "Name (id)"…); what names nobody is left as typed, for the form to refuse."""
    if typed in org.teams or typed in org.people:
        return typed
    return Directory(org).find(typed) or typed


def _ensure_may_own(request: WebRequest, org: m.Organization, owner: str, message: str) -> None:
    """A real team or person the caller may not own for is refused (403), as by the API; an
    unknown one is left to the form ("Select a valid choice")."""
    if owner in org.teams or owner in org.people:
        candidate = Objective(**_owner_arguments(org, owner))
        require(may_edit_objective(request.caller.audience, candidate), message)


def _target_label(org: m.Organization, target: str | None) -> str:
    if not target:
        return ""
    if target in org.objectives:
        return f"{target} · {org.objectives[target].title}"
    if target in org.key_results:
        return f"{target} · {org.key_results[target].title}"
    return target


def _visible_target(org: m.Organization, target: str | None) -> str:
    """The alignment as the caller may see it: a hidden target is shown as none."""
    return target if target and (target in org.objectives or target in org.key_results) else ""


def _open_cycles(org: m.Organization) -> list[str]:
    closed = closed_cycles_get()
    return [c for c in org.cycles if c not in closed]


def _render(
    request: WebRequest,
    template: str,
    context: dict[str, Any],
    view: View,
    status: int = 200,
) -> HttpResponse:
    return pages.page(request, template, context, view=view, status=status)


# --- objectives ------------------------------------------------------------------------------


def _objective_context(
    request: WebRequest, view: View, form: ObjectiveForm, subject: Objective | None
) -> dict[str, Any]:
    aligns_to = form["aligns_to"].value() or ""
    cycle = subject.cycle_id if subject is not None else form["cycle"].value() or ""
    return {
        "form": form,
        "subject": subject,
        "aligns_label": _target_label(view.org, aligns_to),
        "picker_cycle": cycle,
        "advice": _objective_advice(view, _form_values(form), subject.id if subject else None),
    }


def _form_values(form: forms.Form) -> QueryDict:
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


@signed_in
@require_http_methods(["GET", "POST"])
def objective_new(request: WebRequest) -> HttpResponse:
    view = pages.view_of(request)
    org = view.org
    owners, may_own = _owners(request, org, None)
    require(
        bool(owners),
        "you may not create objectives: sign in as a person to create your own, or ask a "
        "team's lead to add you to the team",
    )
    if request.method == "POST":
        owner = _typed_owner(org, request.POST.get("owner", ""))
        _ensure_may_own(
            request,
            org,
            owner,
            f"you may not create objectives for '{owner}': its members, "
            "the leads above it and admins may (a person creates their own)",
        )
        form = ObjectiveForm(
            request.POST, org=org, cycles=_open_cycles(org), owners=owners, may_own=may_own
        )
        if form.is_valid():
            created = _objective_create(request, org, form)
            if created is not None:
                messages.success(request, f"{created.id} is created: now add its key results.")
                return redirect("web:key_result_new", created.id)
        context = _objective_context(request, view, form, None)
        return _render(request, "web/edit_objective.html", context, view, status=422)
    initial = {
        "cycle": request.GET.get("cycle") or _default_cycle(view),
        "owner": _default_owner(request, org, request.GET.get("team"), may_own),
        "aligns_to": _visible_target(org, request.GET.get("aligns_to")),
    }
    form = ObjectiveForm(
        initial=initial, org=org, cycles=_open_cycles(org), owners=owners, may_own=may_own
    )
    return _render(
        request, "web/edit_objective.html", _objective_context(request, view, form, None), view
    )


def _default_owner(
    request: WebRequest, org: m.Organization, team: str | None, may_own: Callable[[str], bool]
) -> str:
    """Who a new objective is for unless the person says otherwise: the team in view (the
    page the person came from), else the first of their own teams they may create for, else
    themselves. Objectives are mostly a team's; an individual one is the exception."""
    if team and team in org.teams and may_own(team):
        return team
    me = request.caller.person
    for candidate in org.teams.values():
        if me is not None and me in candidate.members and may_own(candidate.id):
            return candidate.id
    return me or ""


def _default_cycle(view: View) -> str:
    """The shortest cycle under way (the quarter rather than the year)."""
    current = [c for c in view.org.cycles.values() if c.start <= view.as_of <= c.end]
    current.sort(key=lambda c: c.end - c.start)
    return current[0].id if current else ""


def _objective_create(
    request: WebRequest, org: m.Organization, form: ObjectiveForm
) -> Objective | None:
    data = form.cleaned_data
    umbrella = bool(data["is_umbrella"])
    try:
        aligns_to = data["aligns_to"] or None
        if aligns_to is not None:
            target_ensure_visible(request.caller.audience, aligns_to, field="aligns_to")
        return services.objective_create(
            cycle_id=data["cycle"],
            title=data["title"],
            **_owner_arguments(org, data["owner"]),
            kind=data["kind"],
            visibility=data["visibility"],
            aligns_to=aligns_to,
            description=data["description"],
            is_umbrella=umbrella,
            umbrella_owner_id=(data["umbrella_owner"] or None) if umbrella else None,
            umbrella_team_ids=data["umbrella_teams"] if umbrella else (),
            by_id=request.caller.person,
        )
    except (InvalidError, ConflictError) as exc:
        error_place(form, exc, OBJECTIVE_FIELDS)
        return None


def _objective_initial(org: m.Organization, objective: Objective) -> dict[str, Any]:
    teams = list(
        UmbrellaTeam.objects.filter(objective=objective)
        .order_by("position")
        .values_list("team_id", flat=True)
    )
    return {
        "title": objective.title,
        "description": objective.description or "",
        "cycle": objective.cycle_id,
        "owner": objective.owner_id,
        "kind": objective.kind,
        "visibility": objective.visibility,
        "aligns_to": _visible_target(org, objective.aligns_to),
        "is_umbrella": objective.is_umbrella,
        "umbrella_owner": objective.umbrella_owner_id or "",
        "umbrella_teams": teams,
        "version": objective.version,
    }


def _objective_form(
    request: WebRequest, view: View, objective: Objective, data: QueryDict | None = None
) -> ObjectiveForm:
    initial = _objective_initial(view.org, objective)
    owners, may_own = _owners(request, view.org, objective.owner_id)
    form = ObjectiveForm(
        data,
        initial=initial,
        org=view.org,
        cycles=[objective.cycle_id],
        owners=owners,
        may_own=may_own,
    )
    form.fields["cycle"].disabled = True
    form.fields["cycle"].help_text = "An objective stays in its cycle."
    return form


def _objective_changes(
    org: m.Organization, form: ObjectiveForm, initial: Mapping[str, Any]
) -> dict[str, Any]:
    """The update's arguments for what differs from what was shown."""
    data = form.cleaned_data
    changes: dict[str, Any] = {}
    for name in ("title", "description", "kind", "visibility"):
        if data[name] != initial[name]:
            changes[name] = data[name]
    if data["owner"] != initial["owner"]:
        changes.update(_owner_arguments(org, data["owner"]))
    umbrella = bool(data["is_umbrella"])
    owner = (data["umbrella_owner"] or None) if umbrella else None
    teams = list(data["umbrella_teams"]) if umbrella else []
    if (
        umbrella != initial["is_umbrella"]
        or (owner or "") != initial["umbrella_owner"]
        or teams != initial["umbrella_teams"]
    ):
        changes.update(is_umbrella=umbrella, umbrella_owner_id=owner, umbrella_team_ids=teams)
    return changes


@signed_in
@require_http_methods(["GET", "POST"])
def objective_edit(request: WebRequest, objective_id: str) -> HttpResponse:
    audience = request.caller.audience
    objective = objective_get_visible(audience, objective_id)
    require(may_edit_objective(audience, objective), _edit_message(objective_id))
    view = pages.view_of(request)
    context: dict[str, Any] = {
        "objective": objective,
        "key_results": _key_result_rows(objective),
        "closed": objective.cycle.state == Cycle.State.CLOSED,
    }
    if objective.archived_at is not None or context["closed"]:
        return _render(request, "web/edit_objective.html", context, view)
    form = _objective_form(request, view, objective, request.POST or None)
    status = 200
    if request.method == "POST":
        owner = _typed_owner(view.org, request.POST.get("owner", ""))
        if owner != objective.owner_id:
            _ensure_may_own(
                request, view.org, owner, f"you may not hand {objective_id} to '{owner}'"
            )
        if form.is_valid():
            outcome = _objective_save(request, view, objective, form)
            if isinstance(outcome, HttpResponse):
                return outcome
            form, status = outcome
        else:
            status = 422
    context |= _objective_context(request, view, form, objective)
    return _render(request, "web/edit_objective.html", context, view, status=status)


def _objective_save(
    request: WebRequest, view: View, objective: Objective, form: ObjectiveForm
) -> HttpResponse | tuple[ObjectiveForm, int]:
    """Save the changes and go to the objective's page, or the form again with why not."""
    initial = form.initial
    changes = _objective_changes(view.org, form, initial)
    aligns_to = form.cleaned_data["aligns_to"] or None
    align = (aligns_to or "") != initial["aligns_to"]
    if not changes and not align:
        messages.info(request, f"Nothing changed in {objective.id}.")
        return redirect("web:objective", objective.id)
    version = form.cleaned_data["version"]
    by_id = request.caller.person
    try:
        with transaction.atomic():
            if changes:
                version = services.objective_update(
                    objective_id=objective.id, version=version, by_id=by_id, **changes
                ).version
            if align:
                if aligns_to is not None:
                    target_ensure_visible(request.caller.audience, aligns_to, field="aligns_to")
                services.objective_align(
                    objective_id=objective.id, target_id=aligns_to, version=version, by_id=by_id
                )
    except StaleVersionError:
        return _stale_objective(request, view, objective.id, form), 409
    except (InvalidError, ConflictError) as exc:
        error_place(form, exc, OBJECTIVE_FIELDS)
        return form, 422
    messages.success(request, f"{objective.id} is saved.")
    return redirect("web:objective", objective.id)


def _stale_objective(
    request: WebRequest, view: View, objective_id: str, typed: ObjectiveForm
) -> ObjectiveForm:
    """The form again with what is stored now; what was typed is listed beside it."""
    current = objective_get_visible(request.caller.audience, objective_id)
    form = _objective_form(request, view, current)
    _mark_stale(form, _typed_changes(typed))
    return form


def _mark_stale(form: forms.Form, typed: list[tuple[str, str]]) -> None:
    """Tell the template the save was refused as stale, and what had been typed."""
    form.is_stale = True  # type: ignore[attr-defined]
    form.stale = typed  # type: ignore[attr-defined]


def _typed_changes(typed: forms.Form) -> list[tuple[str, str]]:
    """What the person had typed that differs from what they had read, to copy again."""
    found = []
    for name in typed.changed_data:
        field = typed.fields[name]
        if isinstance(field.widget, forms.HiddenInput) and name != "aligns_to":
            continue
        value = typed.cleaned_data.get(name)
        if isinstance(value, list):
            shown = ", ".join(str(v) for v in value) or "none"
        elif isinstance(value, bool):
            shown = "yes" if value else "no"
        else:
            shown = str(value) if value not in (None, "") else "(empty)"
        found.append((str(field.label or name.replace("_", " ").capitalize()), shown))
    return found


def _key_result_rows(objective: Objective) -> list[Mapping[str, Any]]:
    """The objective's key results, archived ones too (to restore them), in one query."""
    return list(
        KeyResult.objects.filter(objective=objective)
        .order_by("position", "id")
        .values("id", "title", "archived_at", "version")
    )


def _version_of(subject_id: str, is_objective: bool) -> int | None:
    model: type[Objective | KeyResult] = Objective if is_objective else KeyResult
    version: int | None = (
        model.objects.filter(id=subject_id).values_list("version", flat=True).first()
    )
    return version


def _archive_action(
    request: WebRequest,
    *,
    subject_id: str,
    objective: Objective,
    action: str,
) -> HttpResponse:
    """Archive or restore (an objective or a key result) after confirming; back to the
    objective's editing page with what happened."""
    is_objective = subject_id == objective.id
    if request.method == "GET":
        context = {
            "objective": objective,
            "subject_id": subject_id,
            "is_objective": is_objective,
            "action": action,
            "version": _version_of(subject_id, is_objective),
        }
        return pages.page(request, "web/edit_confirm.html", context, view=pages.view_of(request))
    version_text = request.POST.get("version", "")
    version: int | None = None
    if version_text:
        # What cannot be a version (not ASCII digits, or more of them than a version has:
        # Python reads no more than 4,300) matches none, and is told it changed: no 500.
        version = int(version_text) if re.fullmatch(r"[0-9]{1,10}", version_text) else 0
    by_id = request.caller.person
    services_call = ARCHIVE_SERVICES["objective" if is_objective else "key_result", action]
    subject = {"objective_id" if is_objective else "key_result_id": subject_id}
    try:
        services_call(**subject, version=version, by_id=by_id)
    except StaleVersionError:
        messages.error(
            request,
            f"{subject_id} changed since you opened the page; look at it again, then "
            f"{action} it if you still want to.",
        )
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        done = "archived" if action == "archive" else "restored"
        messages.success(request, f"{subject_id} is {done}.")
        if is_objective and action == "restore":
            return redirect("web:objective", objective.id)
    return redirect("web:objective_edit", objective.id)


@signed_in
@require_http_methods(["GET", "POST"])
def objective_archive(request: WebRequest, objective_id: str) -> HttpResponse:
    objective = objective_get_visible(request.caller.audience, objective_id)
    require(may_edit_objective(request.caller.audience, objective), _edit_message(objective_id))
    return _archive_action(request, subject_id=objective_id, objective=objective, action="archive")


@signed_in
@require_http_methods(["GET", "POST"])
def objective_restore(request: WebRequest, objective_id: str) -> HttpResponse:
    objective = objective_get_visible(request.caller.audience, objective_id)
    require(may_edit_objective(request.caller.audience, objective), _edit_message(objective_id))
    return _archive_action(request, subject_id=objective_id, objective=objective, action="restore")


# --- key results -----------------------------------------------------------------------------


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


def _key_result_context(
    view: View,
    objective: Objective,
    form: KeyResultForm,
    rows: Any,
    subject: KeyResult | None,
) -> dict[str, Any]:
    return {
        "objective": objective,
        "subject": subject,
        "form": form,
        "milestones": rows,
        "milestone_errors": milestone_errors(form),
        "metric_inputs": METRIC_INPUTS,
        "advice": _key_result_advice(
            view, _form_values(form), objective.id, subject.id if subject else None
        ),
    }


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


def _adding_row(request: WebRequest) -> bool:
    return request.method == "POST" and "add_milestone" in request.POST


@signed_in
@require_http_methods(["GET", "POST"])
def key_result_new(request: WebRequest, objective_id: str) -> HttpResponse:
    audience = request.caller.audience
    objective = objective_get_visible(audience, objective_id)
    require(may_edit_objective(audience, objective), _edit_message(objective_id))
    view = pages.view_of(request)
    posted = request.POST if request.method == "POST" else None
    form, rows = _key_result_forms(
        posted,
        view,
        initial={"owner": _default_key_result_owner(request, view.org, objective)},
        milestones=[],
        objective=objective,
    )
    status = 200
    if request.method == "POST" and not _adding_row(request):
        status = 422
        if _valid(form, rows):
            data = form.cleaned_data
            milestones = milestone_rows(rows) if data["form"] == "milestones" else []
            try:
                created = services.key_result_create(
                    objective_id=objective.id,
                    title=data["title"],
                    form=data["form"],
                    **form.metric_arguments(),
                    weight=data["weight"],
                    owner_id=data["owner"] or None,
                    contributor_ids=data["contributors"],
                    milestones=milestones,
                    description=data["description"],
                    by_id=request.caller.person,
                )
            except (InvalidError, ConflictError) as exc:
                error_place(form, exc, KEY_RESULT_FIELDS, rows)
            else:
                messages.success(request, f"{created.id} is added to {objective.id}.")
                if "another" in request.POST:
                    return redirect("web:key_result_new", objective.id)
                return redirect("web:objective", objective.id)
    context = _key_result_context(view, objective, form, rows, None)
    return _render(request, "web/edit_key_result.html", context, view, status=status)


def _blank(value: object) -> object:
    return None if value in ("", None) else value


def _milestone_facts(rows: list[dict[str, Any]]) -> list[tuple[object, ...]]:
    return [(row["title"], float(row.get("weight", 1)), row.get("done_on")) for row in rows]


def _key_result_changes(
    form: KeyResultForm, rows: Any, initial: dict[str, Any], milestones: list[dict[str, Any]]
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


def _valid(form: KeyResultForm, rows: Any) -> bool:
    """The form, and the milestones when the metric is made of them (else they are ignored)."""
    valid = form.is_valid()
    if form.data.get("form") == "milestones":
        valid = rows.is_valid() and valid
    return valid


@signed_in
@require_http_methods(["GET", "POST"])
def key_result_edit(request: WebRequest, key_result_id: str) -> HttpResponse:
    audience = request.caller.audience
    key_result = key_result_get_visible(audience, key_result_id)
    objective = key_result.objective
    require(may_edit_objective(audience, objective), _edit_message(objective.id))
    view = pages.view_of(request)
    archived = key_result.archived_at is not None or objective.archived_at is not None
    if archived or cycle_closed(objective.cycle_id):
        context = {"objective": objective, "subject": key_result, "read_only": True}
        return _render(request, "web/edit_key_result.html", context, view)
    initial = _key_result_initial(key_result)
    milestones = _milestones_initial(key_result)
    posted = request.POST if request.method == "POST" else None
    form, rows = _key_result_forms(
        posted, view, initial=initial, milestones=milestones, objective=objective
    )
    status = 200
    if request.method == "POST" and not _adding_row(request):
        status = 422
        if _valid(form, rows):
            changes = _key_result_changes(form, rows, initial, milestones)
            if not changes:
                messages.info(request, f"Nothing changed in {key_result.id}.")
                return redirect("web:objective", objective.id)
            try:
                services.key_result_update(
                    key_result_id=key_result.id,
                    version=form.cleaned_data["version"],
                    by_id=request.caller.person,
                    **changes,
                )
            except StaleVersionError:
                typed = _typed_changes(form)
                current = key_result_get_visible(audience, key_result_id)
                form, rows = _key_result_forms(
                    None,
                    view,
                    initial=_key_result_initial(current),
                    milestones=_milestones_initial(current),
                    objective=objective,
                )
                _mark_stale(form, typed)
                status = 409
            except (InvalidError, ConflictError) as exc:
                error_place(form, exc, KEY_RESULT_FIELDS, rows)
            else:
                messages.success(request, f"{key_result.id} is saved.")
                return redirect("web:objective", objective.id)
    context = _key_result_context(view, objective, form, rows, key_result)
    return _render(request, "web/edit_key_result.html", context, view, status=status)


def _key_result_action(request: WebRequest, key_result_id: str, action: str) -> HttpResponse:
    audience = request.caller.audience
    key_result = key_result_get_visible(audience, key_result_id)
    require(
        may_edit_objective(audience, key_result.objective),
        _edit_message(key_result.objective_id),
    )
    return _archive_action(
        request, subject_id=key_result.id, objective=key_result.objective, action=action
    )


@signed_in
@require_http_methods(["GET", "POST"])
def key_result_archive(request: WebRequest, key_result_id: str) -> HttpResponse:
    return _key_result_action(request, key_result_id, "archive")


@signed_in
@require_http_methods(["GET", "POST"])
def key_result_restore(request: WebRequest, key_result_id: str) -> HttpResponse:
    return _key_result_action(request, key_result_id, "restore")


# --- the alignment picker --------------------------------------------------------------------


def alignment_candidates(
    org: m.Organization, *, query: str, cycle: str | None, exclude: str | None
) -> list[dict[str, str]]:
    """Objectives and key results whose id or title holds ``query``, that an objective of
    ``cycle`` may align to (their cycle contains it), at most :data:`PICKER_LIMIT`."""
    needle = query.strip().casefold()
    if not needle:
        return []
    inner = org.cycles.get(cycle or "")
    found: list[dict[str, str]] = []
    for objective in org.objectives.values():
        if objective.id == exclude:
            continue
        outer = org.cycles[objective.cycle]
        if inner is not None and not outer.contains(inner):
            continue
        if needle in objective.id.casefold() or needle in objective.title.casefold():
            found.append(
                {"id": objective.id, "title": objective.title, "what": f"objective · {outer.id}"}
            )
        for key_result_id in objective.key_results:
            key_result = org.key_results[key_result_id]
            if needle in key_result_id.casefold() or needle in key_result.title.casefold():
                found.append(
                    {
                        "id": key_result_id,
                        "title": key_result.title,
                        "what": f"key result of {objective.id} · {outer.id}",
                    }
                )
        if len(found) >= PICKER_LIMIT:
            break
    return found[:PICKER_LIMIT]


@signed_in
@require_GET
def alignment_picker(request: WebRequest) -> HttpResponse:
    """The picker's results (an HTMX fragment): what the caller may see and align to."""
    view = pages.view_of(request)
    query = request.GET.get("q", "")
    results = alignment_candidates(
        view.org,
        query=query,
        cycle=request.GET.get("cycle"),
        exclude=request.GET.get("exclude"),
    )
    context = {"results": results, "query": query.strip(), "limit": PICKER_LIMIT}
    return render(request, "web/_picker.html", context)


# --- the pickers of people and teams ----------------------------------------------------------


@signed_in
@require_GET
def directory_picker(request: WebRequest) -> HttpResponse:
    """The people or teams whose name, id or e-mail holds ``q`` (an HTMX fragment), at most
    :data:`PICKER_LIMIT`, and how many match. The directory is everyone's to read (as the API's
    ``/people`` and ``/teams``); ``kind=owners`` narrows it to the teams and people the caller
    may create objectives for."""
    view = pages.view_of(request)
    kind = request.GET.get("kind", "")
    people, teams = DIRECTORY_KINDS.get(kind, DIRECTORY_KINDS["contributors"])
    allowed = _may_own(request, view.org) if kind == "owners" else None
    directory = Directory(view.org, people=people, teams=teams, allowed=allowed)
    query = request.GET.get("q", "")
    results, total = directory.search(query, PICKER_LIMIT)
    field = request.GET.get("field", "")
    context = {
        "results": results,
        "total": total,
        "query": query.strip(),
        "plural": directory.plural,
        # The id the fragment's count is given, unique on the page (one per picker).
        "count_id": f"{field}-count" if re.fullmatch(r"[A-Za-z][\w-]{0,60}", field) else "count",
    }
    return render(request, "web/_directory_results.html", context)


# --- advice while writing --------------------------------------------------------------------


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


def _number(text: str | None) -> int | float | None:
    """A number as typed (400 stays an int, so lint's messages read as they do for files)."""
    try:
        number = number_from_text(text or "")
    except NumberTextError:
        return None
    # Nothing to advise on a number the services would refuse.
    return number if usable_number(number) else None


def _draft_metric(data: QueryDict) -> m.Metric:
    """The metric being written; what cannot be read yet counts as a roll-up (no advice)."""
    form = data.get("form", "")
    start, target, threshold = (_number(data.get(k)) for k in ("start", "target", "threshold"))
    unit = data.get("unit") or None
    if form == "numeric" and start is not None and target is not None:
        return m.NumericMetric(start, target, unit)
    if form in ("keep_above", "keep_below") and threshold is not None:
        return m.ThresholdMetric(threshold, form == "keep_above", unit)
    if form == "boolean":
        return m.BooleanMetric()
    if form == "milestones":
        return m.MilestonesMetric((m.Milestone("milestone"),))
    return m.RollupMetric()


def _around(org: m.Organization, objective_ids: list[str]) -> dict[str, m.Objective]:
    """The objectives and the chain each aligns to, upward (for the level and the cycles)."""
    found: dict[str, m.Objective] = {}
    for objective_id in objective_ids:
        node: str | None = objective_id
        while node is not None and node not in found:
            if node in org.key_results:
                node = org.key_results[node].objective
            objective = org.objectives.get(node)
            if objective is None:
                break
            found[objective.id] = objective
            node = objective.aligns_to
    return found


def _findings(
    view: View, objectives: dict[str, m.Objective], key_results: dict[str, m.KeyResult]
) -> list[Finding]:
    """Lint a small organisation made of the draft and what it needs around it: people,
    teams and cycles as they are, and only the objectives the rules compare it with."""
    org = view.org
    ids = set(objectives) | set(key_results)
    dependencies = {
        d.id: replace(d, provider_kr=None) for d in org.dependencies.values() if d.from_id in ids
    }
    draft = replace(org, objectives=objectives, key_results=key_results, dependencies=dependencies)
    return lint(draft, evaluate(draft, view.as_of))


def _objective_advice(view: View, data: QueryDict, subject: str | None) -> list[Finding]:
    org = view.org
    data = _picked_ids(org, data)
    existing = org.objectives.get(subject or "")
    owner = data.get("owner") or (existing.owner if existing else "")
    cycle = data.get("cycle") or (existing.cycle if existing else "")
    title = data.get("title", "").strip()
    if not title or owner not in (*org.teams, *org.people) or cycle not in org.cycles:
        return []
    umbrella = None
    if data.get("is_umbrella"):
        umbrella = m.Umbrella(
            owner=data.get("umbrella_owner") or None,
            teams=tuple(data.getlist("umbrella_teams")),
        )
    draft_id = existing.id if existing else "new objective"
    draft = m.Objective(
        id=draft_id,
        title=title,
        cycle=cycle,
        owner=owner,
        aligns_to=data.get("aligns_to") or None,
        umbrella=umbrella,
        description=data.get("description") or None,
        key_results=existing.key_results if existing else (),
    )
    same_owner = [o.id for o in org.objectives.values() if o.owner == owner and o.cycle == cycle]
    objectives = _around(org, [*same_owner, *([draft.aligns_to] if draft.aligns_to else [])])
    objectives[draft_id] = draft
    key_results = {k: org.key_results[k] for o in objectives.values() for k in o.key_results}
    return [
        f
        for f in _findings(view, objectives, key_results)
        if f.rule not in NOT_ADVICE
        and (draft_id in (f.target, f.related) or f.target == owner)
        and not (existing is None and f.rule == "objective-without-key-results")
        and f.rule != "individual-heavy-team"
    ]


def _key_result_advice(
    view: View, data: QueryDict, objective_id: str, subject: str | None
) -> list[Finding]:
    org = view.org
    data = _picked_ids(org, data)
    objective = org.objectives.get(objective_id)
    title = data.get("title", "").strip()
    if objective is None or not title:
        return []
    draft_id = subject if subject in org.key_results else f"{objective_id}.new"
    owner = data.get("owner") or (objective.owner if objective.owner in org.people else None)
    weight = _number(data.get("weight"))
    draft = m.KeyResult(
        id=draft_id,
        objective=objective_id,
        title=title,
        metric=_draft_metric(data),
        owner=owner,
        contributors=tuple(data.getlist("contributors")),
        weight=weight if weight is not None and weight >= 0 else 1.0,
        description=data.get("description") or None,
    )
    siblings = tuple(k for k in objective.key_results if k != draft_id)
    objectives = _around(org, [objective_id])
    objectives[objective_id] = replace(objective, key_results=(*siblings, draft_id))
    key_results = {
        k: org.key_results[k] for o in objectives.values() for k in o.key_results if k != draft_id
    }
    key_results[draft_id] = draft
    adding = subject is None
    return [
        f
        for f in _findings(view, objectives, key_results)
        if f.rule not in NOT_ADVICE
        and (
            draft_id in (f.target, f.related)
            or (adding and f.rule == "too-many-key-results" and f.target == objective_id)
        )
    ]


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
        findings = _key_result_advice(view, data, objective_id, subject)
    else:
        findings = _objective_advice(view, data, subject)
    return render(request, "web/_advice.html", {"advice": findings})


urlpatterns = [
    path("objectives/new", objective_new, name="objective_new"),
    path("objectives/<str:objective_id>/edit", objective_edit, name="objective_edit"),
    path("objectives/<str:objective_id>/archive", objective_archive, name="objective_archive"),
    path("objectives/<str:objective_id>/restore", objective_restore, name="objective_restore"),
    path("objectives/<str:objective_id>/key-results/new", key_result_new, name="key_result_new"),
    path("key-results/<str:key_result_id>/edit", key_result_edit, name="key_result_edit"),
    path("key-results/<str:key_result_id>/archive", key_result_archive, name="key_result_archive"),
    path("key-results/<str:key_result_id>/restore", key_result_restore, name="key_result_restore"),
    path("pick/alignment", alignment_picker, name="alignment_picker"),
    path("pick/directory", directory_picker, name="directory_picker"),
    path("advice", advice, name="advice"),
]
