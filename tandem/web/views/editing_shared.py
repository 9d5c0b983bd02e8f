"""What the editing pages share: whom the caller may create objectives for (asked of the
policy, as the API asks), the owner a select or a picker names, how an alignment target is
shown, and a form refused as stale (what was typed, listed beside what is stored now)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from django import forms

from tandem.access.policy import may_edit_objective, require
from tandem.core import model as m
from tandem.okrs.models import Objective
from tandem.web.forms import Directory, fields
from tandem.web.pages import WebRequest

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


def owner_arguments(org: m.Organization, owner: str) -> dict[str, str | None]:
    if owner in org.teams:
        return {"owner_team_id": owner, "owner_person_id": None}
    return {"owner_team_id": None, "owner_person_id": owner}


def may_own(request: WebRequest, org: m.Organization) -> Callable[[str], bool]:
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


def owners(
    request: WebRequest, org: m.Organization, current: str | None
) -> tuple[list[str], Callable[[str], bool]]:
    """Who the caller may create objectives for (and the current owner): the first of them,
    teams then people, as many as a select lists and one more (an admin's are everyone: the
    form offers a picker then), and the test for the picker."""
    may = may_own(request, org)

    def allowed(owner: str) -> bool:
        return owner == current or may(owner)

    candidates = itertools.chain(org.teams, org.people)
    first = list(itertools.islice(filter(allowed, candidates), fields.SELECT_LIMIT + 1))
    return first, allowed


def typed_owner(org: m.Organization, typed: str) -> str:
    """The owner a form names: an id as a select posts it, or what a picker takes (an e-mail,
    "Name (id)"…); what names nobody is left as typed, for the form to refuse."""
    if typed in org.teams or typed in org.people:
        return typed
    return Directory(org).find(typed) or typed


def ensure_may_own(request: WebRequest, org: m.Organization, owner: str, message: str) -> None:
    """A real team or person the caller may not own for is refused (403), as by the API; an
    unknown one is left to the form ("Select a valid choice")."""
    if owner in org.teams or owner in org.people:
        candidate = Objective(**owner_arguments(org, owner))
        require(may_edit_objective(request.caller.audience, candidate), message)


def target_label(org: m.Organization, target: str | None) -> str:
    if not target:
        return ""
    if target in org.objectives:
        return f"{target} · {org.objectives[target].title}"
    if target in org.key_results:
        return f"{target} · {org.key_results[target].title}"
    return target


def visible_target(org: m.Organization, target: str | None) -> str:
    """The alignment as the caller may see it: a hidden target is shown as none."""
    return target if target and (target in org.objectives or target in org.key_results) else ""


def mark_stale(form: forms.Form, typed: list[tuple[str, str]]) -> None:
    """Tell the template the save was refused as stale, and what had been typed."""
    form.is_stale = True  # type: ignore[attr-defined]
    form.stale = typed  # type: ignore[attr-defined]


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if value not in (None, "") else "(empty)"


def typed_changes(typed: forms.Form) -> list[tuple[str, str]]:
    """What the person had typed that differs from what they had read, to copy again."""
    found = []
    for name in typed.changed_data:
        field = typed.fields[name]
        if isinstance(field.widget, forms.HiddenInput) and name != "aligns_to":
            continue
        shown = _shown(typed.cleaned_data.get(name))
        found.append((str(field.label or name.replace("_", " ").capitalize()), shown))
    return found
