"""The one permission policy on plain data (tandem.core.permissions)."""

from __future__ import annotations

from tandem.core import permissions
from tandem.core.permissions import Ownership
from tandem.core.visibility import Audience

ANA = Audience(person="ana", teams=frozenset({"web"}), led_teams=frozenset({"web", "search"}))
BEN = Audience(person="ben", teams=frozenset({"infra"}))
ADMIN = Audience(person=None, admin=True)
NOBODY = Audience(person=None)


def test_a_teams_objective_is_changed_by_its_members_the_leads_above_it_and_admins() -> None:
    search = Ownership(team="search")
    assert permissions.may_edit(ANA, search)  # leads web, and search below it
    assert not permissions.may_edit(BEN, search)
    assert permissions.may_edit(ADMIN, search)
    assert not permissions.may_edit(NOBODY, search)


def test_an_individual_objective_by_its_owner_and_an_umbrella_also_by_its_umbrella_owner() -> None:
    assert permissions.may_edit(BEN, Ownership(person="ben"))
    assert not permissions.may_edit(ANA, Ownership(person="ben"))
    umbrella = Ownership(team="infra", umbrella_owner="ana")
    assert permissions.may_edit(ANA, umbrella)
    assert permissions.may_edit(BEN, umbrella)


def test_a_key_results_owner_and_contributors_check_in_without_changing_the_objective() -> None:
    search = Ownership(team="search")
    assert permissions.may_check_in(BEN, search, "ben", [])
    assert permissions.may_check_in(BEN, search, "cy", ["infra"])  # a contributing team
    assert permissions.may_check_in(BEN, search, "cy", ["ben"])
    assert not permissions.may_check_in(BEN, search, "cy", ["web"])
    assert not permissions.may_check_in(NOBODY, search, None, [])


def test_a_check_in_is_corrected_by_its_author_or_whoever_may_change_the_objective() -> None:
    search = Ownership(team="search")
    assert permissions.may_correct(BEN, search, "ben")
    assert not permissions.may_correct(BEN, search, "ana")
    assert permissions.may_correct(ANA, search, "ben")


def test_requests_are_answered_by_the_provider_team_and_cycles_closed_by_the_company_lead() -> None:
    assert permissions.may_answer(ANA, "search")
    assert not permissions.may_answer(BEN, "search")
    assert permissions.may_answer(ADMIN, "search")
    assert permissions.may_close_cycle(ANA, "ana")
    assert not permissions.may_close_cycle(BEN, "ana")
    assert permissions.may_close_cycle(ADMIN, None)
    assert not permissions.may_close_cycle(NOBODY, None)


def test_each_refusal_names_the_object_and_who_may() -> None:
    assert "SR-1" in permissions.edit_refused("SR-1")
    assert "admins" in permissions.edit_refused("SR-1")
    assert permissions.answer_refused("search", "DEP-3") == (
        "only search (its members and the leads above it) answers DEP-3"
    )
