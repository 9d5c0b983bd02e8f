"""Who may do what, on plain data: the one copy of every rule and of its refusal.

Seeing is :func:`tandem.core.visibility.may_see`; this module rules on doing. Every interface
asks these functions: :mod:`tandem.access.policy` on the database's rows (and its
fetch-and-authorise helpers raise the refusal written here), the pages and selectors on the
engine's organisation, so a page never offers what the API would refuse, and both refuse with
the same words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tandem.core import model as m
from tandem.core.visibility import Audience


@dataclass(frozen=True, slots=True)
class Ownership:
    """Who an objective belongs to: a team or a person, and an umbrella's accountable owner."""

    team: str | None = None
    person: str | None = None
    umbrella_owner: str | None = None


def ownership_of(org: m.Organization, objective: m.Objective) -> Ownership:
    """The ownership of an objective of the engine's organisation."""
    team = objective.owner if objective.owner in org.teams else None
    return Ownership(
        team=team,
        person=None if team is not None else objective.owner,
        umbrella_owner=objective.umbrella.owner if objective.umbrella is not None else None,
    )


def may_edit(audience: Audience, ownership: Ownership) -> bool:
    """Admins; a team's members and the leads above it; an individual objective's owner; an
    umbrella objective's umbrella owner."""
    if audience.admin:
        return True
    me = audience.person
    if me is None:
        return False
    team = ownership.team
    return (
        (team is not None and (team in audience.teams or team in audience.led_teams))
        or (ownership.person is not None and ownership.person == me)
        or (ownership.umbrella_owner is not None and ownership.umbrella_owner == me)
    )


def may_check_in(
    audience: Audience, ownership: Ownership, owner: str | None, contributors: Iterable[str]
) -> bool:
    """Whoever may change the objective, the key result's owner and its contributors (people,
    or members of contributing teams)."""
    if may_edit(audience, ownership):
        return True
    me = audience.person
    if me is None:
        return False
    return owner == me or any(who == me or who in audience.teams for who in contributors)


def may_correct(audience: Audience, ownership: Ownership, author: str | None) -> bool:
    """A check-in's author, and whoever may change its objective."""
    mine = audience.person is not None and author == audience.person
    return mine or may_edit(audience, ownership)


def may_answer(audience: Audience, provider_team: str) -> bool:
    """The provider team's members and the leads above it, and admins."""
    return audience.admin or provider_team in audience.teams or provider_team in audience.led_teams


def may_close_cycle(audience: Audience, company_lead: str | None) -> bool:
    """Admins and the company's lead (the lead of the root team) close and reopen cycles."""
    return audience.admin or (
        company_lead is not None and audience.person is not None and audience.person == company_lead
    )


# --- the refusals: one sentence each, said by the API (403) and the pages alike --------------


def edit_refused(objective_id: str) -> str:
    return (
        f"you may not change {objective_id}: a team's objectives are changed by its members "
        "and the leads above it, an individual objective by its owner, an umbrella objective "
        "also by its umbrella owner, and anything by admins"
    )


def check_in_refused(key_result_id: str, objective_id: str) -> str:
    return (
        f"only {key_result_id}'s owner, its contributors and whoever may change "
        f"{objective_id} record its check-ins"
    )


def tick_refused(objective_id: str) -> str:
    return f"only whoever may change {objective_id} ticks its milestones"


def correct_refused(objective_id: str) -> str:
    return (
        f"only the check-in's author and whoever may change {objective_id} correct or withdraw it"
    )


def ask_refused(objective_id: str) -> str:
    return f"only whoever may change {objective_id} asks for help on its behalf"


def answer_refused(provider_team: str, dependency_id: str) -> str:
    return f"only {provider_team} (its members and the leads above it) answers {dependency_id}"


def cancel_refused(dependency_id: str) -> str:
    return f"only whoever may change the requesting objective cancels {dependency_id}"


def create_refused(owner: str) -> str:
    return (
        f"you may not create objectives for '{owner}': its members, the leads above it and "
        "admins may (a person creates their own)"
    )


def hand_over_refused(objective_id: str, owner: str) -> str:
    return f"you may not hand {objective_id} to '{owner}'"


def add_key_result_refused(objective_id: str) -> str:
    return f"you may not add key results to {objective_id}"


def grade_refused(objective_id: str) -> str:
    return f"only whoever may change {objective_id} grades its key results"


def reflect_refused(objective_id: str) -> str:
    return f"only whoever may change {objective_id} writes its reflection"


CLOSE_CYCLE_REFUSED = "only org admins and the company's lead close or reopen a cycle"


# --- comments: whoever may see what a comment is on reads and writes comments on it ----------


def may_edit_comment(audience: Audience, author: str | None) -> bool:
    """A comment's author, only: no one puts words in someone else's mouth."""
    return audience.person is not None and author == audience.person


def may_remove_comment(audience: Audience, author: str | None) -> bool:
    """A comment's author, and admins (who moderate)."""
    return audience.admin or may_edit_comment(audience, author)


def comment_refused(action: str) -> str:
    """Why the caller may not ``action`` ("edit", "remove", "write") a comment."""
    if action == "edit":
        return "only its author edits a comment"
    if action == "remove":
        return "only its author and admins remove a comment"
    return (
        "comments are written by people of the organisation: this account is not linked to a person"
    )
