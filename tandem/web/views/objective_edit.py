"""Creating and changing objectives, with an alignment picker and the quality rules shown as
advice while writing.

Who may do what is exactly the API's (:mod:`tandem.api.editing`): what the caller may not see
is a 404, what they see but may not change a 403; the services decide the rules of the data
and their refusals are shown next to the field they name. Edits carry the version that was
read, so that two people editing at once never silently overwrite each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from tandem.access.policy import (
    objective_get_editable,
    objective_get_visible,
    require,
    target_ensure_visible,
)
from tandem.core import model as m
from tandem.core import permissions
from tandem.errors import ConflictError, InvalidError, StaleVersionError
from tandem.okrs import services
from tandem.okrs.checks import UNSET
from tandem.okrs.models import Cycle, KeyResult, Objective, UmbrellaTeam
from tandem.okrs.selectors import closed_cycles_get
from tandem.organization.cache import View
from tandem.web import pages
from tandem.web.forms import ObjectiveForm, error_place
from tandem.web.pages import WebRequest, signed_in
from tandem.web.views.advice import form_values, objective_advice_of
from tandem.web.views.editing_shared import (
    OBJECTIVE_FIELDS,
    ensure_may_own,
    mark_stale,
    owner_arguments,
    owners,
    target_label,
    typed_changes,
    typed_owner,
    visible_target,
)

TEMPLATE = "web/edit_objective.html"


def _open_cycles(org: m.Organization) -> list[str]:
    closed = closed_cycles_get()
    return [c for c in org.cycles if c not in closed]


def _objective_context(
    request: WebRequest, view: View, form: ObjectiveForm, subject: Objective | None
) -> dict[str, Any]:
    aligns_to = form["aligns_to"].value() or ""
    cycle = subject.cycle_id if subject is not None else form["cycle"].value() or ""
    return {
        "form": form,
        "subject": subject,
        "aligns_label": target_label(view.org, aligns_to),
        "picker_cycle": cycle,
        "advice": objective_advice_of(view, form_values(form), subject.id if subject else None),
    }


def _form_page(
    request: WebRequest,
    view: View,
    form: ObjectiveForm,
    subject: Objective | None,
    *,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = (context or {}) | _objective_context(request, view, form, subject)
    return pages.page(request, TEMPLATE, context, view=view, status=status)


# --- a new objective -------------------------------------------------------------------------


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
            **owner_arguments(org, data["owner"]),
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


def _new_form(request: WebRequest, view: View, *, posted: bool) -> ObjectiveForm:
    """The form of a new objective: as posted, or with the defaults (the team and cycle in
    view, the alignment asked for)."""
    org = view.org
    choices, may_own = owners(request, org, None)
    require(
        bool(choices),
        "you may not create objectives: sign in as a person to create your own, or ask a "
        "team's lead to add you to the team",
    )
    new = partial(ObjectiveForm, org=org, cycles=_open_cycles(org), owners=choices, may_own=may_own)
    if posted:
        return new(request.POST)
    initial = {
        "cycle": request.GET.get("cycle") or _default_cycle(view),
        "owner": _default_owner(request, org, request.GET.get("team"), may_own),
        "aligns_to": visible_target(org, request.GET.get("aligns_to")),
    }
    return new(initial=initial)


@signed_in
@require_http_methods(["GET", "POST"])
def objective_new(request: WebRequest) -> HttpResponse:
    view = pages.view_of(request)
    posted = request.method == "POST"
    form = _new_form(request, view, posted=posted)
    if not posted:
        return _form_page(request, view, form, None)
    owner = typed_owner(view.org, request.POST.get("owner", ""))
    ensure_may_own(request, view.org, owner, permissions.create_refused(owner))
    created = _objective_create(request, view.org, form) if form.is_valid() else None
    if created is None:
        return _form_page(request, view, form, None, status=422)
    messages.success(request, f"{created.id} is created: now add its key results.")
    return redirect("web:key_result_new", created.id)


# --- changing an objective -------------------------------------------------------------------


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
        "aligns_to": visible_target(org, objective.aligns_to),
        "is_umbrella": objective.is_umbrella,
        "umbrella_owner": objective.umbrella_owner_id or "",
        "umbrella_teams": teams,
        "version": objective.version,
    }


def _objective_form(
    request: WebRequest, view: View, objective: Objective, data: QueryDict | None = None
) -> ObjectiveForm:
    initial = _objective_initial(view.org, objective)
    choices, may_own = owners(request, view.org, objective.owner_id)
    form = ObjectiveForm(
        data,
        initial=initial,
        org=view.org,
        cycles=[objective.cycle_id],
        owners=choices,
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
        changes.update(owner_arguments(org, data["owner"]))
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


def _stale_objective(
    request: WebRequest, view: View, objective_id: str, typed: ObjectiveForm
) -> ObjectiveForm:
    """The form again with what is stored now; what was typed is listed beside it."""
    current = objective_get_visible(request.caller.audience, objective_id)
    form = _objective_form(request, view, current)
    mark_stale(form, typed_changes(typed))
    return form


def _objective_save(
    request: WebRequest, view: View, objective: Objective, form: ObjectiveForm
) -> HttpResponse | tuple[ObjectiveForm, int]:
    """Save the changes and go to the objective's page, or the form again with why not."""
    changes = _objective_changes(view.org, form, form.initial)
    aligns_to = form.cleaned_data["aligns_to"] or None
    align = (aligns_to or "") != form.initial["aligns_to"]
    if not changes and not align:
        messages.info(request, f"Nothing changed in {objective.id}.")
        return redirect("web:objective", objective.id)
    try:
        services.objective_update_and_align(
            objective_id=objective.id,
            version=form.cleaned_data["version"],
            aligns_to=aligns_to if align else UNSET,
            target_check=partial(target_ensure_visible, request.caller.audience, field="aligns_to"),
            by_id=request.caller.person,
            **changes,
        )
    except StaleVersionError:
        return _stale_objective(request, view, objective.id, form), 409
    except (InvalidError, ConflictError) as exc:
        error_place(form, exc, OBJECTIVE_FIELDS)
        return form, 422
    messages.success(request, f"{objective.id} is saved.")
    return redirect("web:objective", objective.id)


def _objective_post(
    request: WebRequest, view: View, objective: Objective, form: ObjectiveForm
) -> HttpResponse | tuple[ObjectiveForm, int]:
    """A posted change: a hand-over the caller may not make is refused (403) first."""
    owner = typed_owner(view.org, request.POST.get("owner", ""))
    if owner != objective.owner_id:
        refusal = permissions.hand_over_refused(objective.id, owner)
        ensure_may_own(request, view.org, owner, refusal)
    if not form.is_valid():
        return form, 422
    return _objective_save(request, view, objective, form)


def _key_result_rows(objective: Objective) -> list[Mapping[str, Any]]:
    """The objective's key results, archived ones too (to restore them), in one query."""
    return list(
        KeyResult.objects.filter(objective=objective)
        .order_by("position", "id")
        .values("id", "title", "archived_at", "version")
    )


@signed_in
@require_http_methods(["GET", "POST"])
def objective_edit(request: WebRequest, objective_id: str) -> HttpResponse:
    audience = request.caller.audience
    objective = objective_get_editable(audience, objective_id)
    view = pages.view_of(request)
    context: dict[str, Any] = {
        "objective": objective,
        "key_results": _key_result_rows(objective),
        "closed": objective.cycle.state == Cycle.State.CLOSED,
    }
    if objective.archived_at is not None or context["closed"]:
        return pages.page(request, TEMPLATE, context, view=view)
    form = _objective_form(request, view, objective, request.POST or None)
    if request.method != "POST":
        return _form_page(request, view, form, objective, context=context)
    outcome = _objective_post(request, view, objective, form)
    if isinstance(outcome, HttpResponse):
        return outcome
    form, status = outcome
    return _form_page(request, view, form, objective, context=context, status=status)
