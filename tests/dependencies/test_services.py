"""Asking another team for help, and answering: the services the API and the pages call."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from tandem.dependencies.models import Dependency, DependencyEvent, State
from tandem.dependencies.services import (
    DependencyError,
    dependency_create,
    dependency_transition,
)
from tandem.errors import (
    ConflictError,
    InvalidError,
    NotFoundError,
    StaleVersionError,
    TandemError,
)
from tandem.okrs.cycles import ClosedCycleError, cycle_state_set
from tandem.okrs.key_results import key_result_archive
from tandem.okrs.models import Cycle, KeyResult
from tandem.okrs.services import objective_archive
from tandem.organization.selectors import organization_load

pytestmark = pytest.mark.django_db


def refused(error: type[TandemError], message: str) -> pytest.RaisesContext[TandemError]:
    return pytest.raises(error, match=re.escape(message))


def events(dependency_id: str) -> list[tuple[str | None, str, str | None, str]]:
    return list(
        DependencyEvent.objects.filter(dependency_id=dependency_id)
        .order_by("at", "id")
        .values_list("from_state", "to_state", "by_id", "reason")
    )


# --- asking ----------------------------------------------------------------------------------


def test_a_request_is_recorded_with_who_asked(demo_in_db) -> None:
    last = Dependency.objects.order_by("position").last()
    assert last is not None
    dependency = dependency_create(
        from_id="SR-2.1",
        provider_team_id="cs",
        need="  The top 100 questions customers ask support  ",
        due=date(2026, 12, 10),
        by_id="ana",
    )
    assert (dependency.id, dependency.state, dependency.version) == ("DEP-8", "requested", 1)
    assert dependency.position == last.position + 1
    assert events("DEP-8") == [(None, "requested", "ana", "requested")]
    loaded = organization_load().dependencies["DEP-8"]
    assert (loaded.from_id, loaded.provider, loaded.need, loaded.due, loaded.state) == (
        "SR-2.1",
        "cs",
        "The top 100 questions customers ask support",
        date(2026, 12, 10),
        "requested",
    )
    assert list(organization_load().dependencies)[-1] == "DEP-8"


def test_an_objective_may_ask_too_and_an_id_may_be_chosen(demo_in_db) -> None:
    dependency = dependency_create(
        from_id="SR-2", provider_team_id="sre", need="Search uptime numbers", id="SR-NEEDS-SRE"
    )
    assert (dependency.from_objective_id, dependency.from_key_result_id) == ("SR-2", None)
    assert events("SR-NEEDS-SRE") == [(None, "requested", None, "requested")]
    assert dependency_create(from_id="SR-2", provider_team_id="sre", need="More").id == "DEP-8"


@pytest.mark.parametrize(
    ("arguments", "error", "field", "message"),
    [
        (
            {"from_id": "nope"},
            InvalidError,
            "from_id",
            "'nope' is neither a key result nor an objective; name the one that needs the help",
        ),
        (
            {"provider_team_id": "omar"},
            InvalidError,
            "provider_team_id",
            "'omar' is not a team (it is the id of a person)",
        ),
        ({"need": " "}, InvalidError, "need", "what you need is required and cannot be blank"),
        ({"need": "x" * 501}, InvalidError, "need", "what you need has at most 500 characters"),
        ({"due": "2026-12-01"}, InvalidError, "due", "due is a date (got '2026-12-01')"),
        ({"due": datetime(2026, 12, 1, 9, 0)}, InvalidError, "due", "due is a date"),
        ({"by_id": "infra"}, InvalidError, "by_id", "'infra' is not a person"),
        (
            {"id": "SR-1"},
            ConflictError,
            "id",
            "the id 'SR-1' is taken; ids are unique across people",
        ),
        ({"id": "a b"}, InvalidError, "id", "'a b' is not an id"),
        ({"from_id": "PA-Q3-1.1"}, ClosedCycleError, None, "cycle '2026-Q3' is closed"),
    ],
)
def test_a_bad_request_is_refused_with_the_reason(demo_in_db, arguments, error, field, message):
    count = Dependency.objects.count()
    full = {"from_id": "SR-1.1", "provider_team_id": "infra", "need": "Machines", **arguments}
    with refused(error, message) as caught:
        dependency_create(**full)
    assert caught.value.field == field
    assert Dependency.objects.count() == count


def test_archived_work_asks_for_nothing(demo_in_db) -> None:
    key_result_archive(key_result_id="SR-1.2")
    with refused(InvalidError, "'SR-1.2' is archived; restore it before asking for help with it"):
        dependency_create(from_id="SR-1.2", provider_team_id="infra", need="x")
    objective_archive(objective_id="SR-2")
    with refused(InvalidError, "'SR-2.1' is archived"):
        dependency_create(from_id="SR-2.1", provider_team_id="infra", need="x")


# --- answering -------------------------------------------------------------------------------


def test_every_transition_bumps_the_version_and_checks_it(demo_in_db) -> None:
    accepted = dependency_transition(
        dependency_id="DEP-3", to_state=State.ACCEPTED, by_id="ana", reason="ok", version=1
    )
    assert accepted.version == 2
    with refused(
        StaleVersionError,
        "DEP-3 changed since you read it (you had version 1, it is now 2); reload and apply "
        "your change again",
    ):
        dependency_transition(
            dependency_id="DEP-3", to_state=State.DELIVERED, by_id="ana", version=1
        )
    delivered = dependency_transition(
        dependency_id="DEP-3", to_state=State.DELIVERED, by_id="ana", version=2
    )
    assert delivered.version == 3
    assert Dependency.objects.get(id="DEP-3").version == 3


def test_an_unknown_dependency_is_not_found(demo_in_db) -> None:
    with refused(NotFoundError, "there is no dependency with id 'DEP-99'"):
        dependency_transition(dependency_id="DEP-99", to_state=State.ACCEPTED, by_id=None)


def test_declining_needs_a_reason_and_the_states_stay_in_order(demo_in_db) -> None:
    with refused(DependencyError, "say why the request is declined (a reason is required)"):
        dependency_transition(dependency_id="DEP-3", to_state=State.DECLINED, by_id="ana")
    with refused(DependencyError, "DEP-5 is delivered; it can become accepted, not cancelled"):
        dependency_transition(dependency_id="DEP-5", to_state=State.CANCELLED, by_id="omar")
    with refused(InvalidError, "'ghost' is not a person (no person has that id)"):
        dependency_transition(dependency_id="DEP-3", to_state=State.ACCEPTED, by_id="ghost")
    assert Dependency.objects.get(id="DEP-3").version == 1


def test_accepting_names_the_provider_key_result(demo_in_db) -> None:
    # DEP-3: Customer Success asks Search; Search delivers it with SR-2.1.
    dependency = dependency_transition(
        dependency_id="DEP-3", to_state=State.ACCEPTED, by_id="ana", provider_kr_id="SR-2.1"
    )
    assert dependency.provider_kr_id == "SR-2.1"
    assert organization_load().dependencies["DEP-3"].provider_kr == "SR-2.1"
    assert events("DEP-3")[-1] == ("requested", "accepted", "ana", "")


def test_accepting_may_create_the_provider_key_result(demo_in_db) -> None:
    dependency = dependency_transition(
        dependency_id="DEP-3",
        to_state=State.ACCEPTED,
        by_id="ana",
        provider_kr_new={
            "title": "Export zero-result searches weekly",
            "form": "milestones",
            "milestones": [{"title": "First export"}, {"title": "Weekly job"}],
            "owner_id": "cai",
        },
        provider_objective_id="SR-2",
    )
    assert dependency.provider_kr_id == "SR-2.2"
    key_result = KeyResult.objects.get(id="SR-2.2")
    assert (key_result.title, key_result.form, key_result.owner_id) == (
        "Export zero-result searches weekly",
        "milestones",
        "cai",
    )
    assert organization_load().dependencies["DEP-3"].provider_kr == "SR-2.2"


def test_a_sub_team_objective_may_take_the_new_key_result(demo_in_db) -> None:
    dependency_create(from_id="SR-1.2", provider_team_id="infra", need="Faster disks", id="D")
    dependency = dependency_transition(
        dependency_id="D",
        to_state=State.ACCEPTED,
        by_id="omar",
        provider_kr_new={"title": "Disks replaced", "form": "boolean"},
        provider_objective_id="SRE-1",  # Site Reliability is a sub-team of Infrastructure
    )
    assert dependency.provider_kr_id == "SRE-1.3"


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        (
            {"provider_kr_id": "ghost"},
            "provider_kr_id",
            "'ghost' is not a key result (no key result has that id)",
        ),
        (
            {"provider_kr_id": "CS-1.1"},
            "provider_kr_id",
            "CS-1.1 is the key result that needs the help; it cannot also deliver it",
        ),
        (
            {"provider_kr_id": "SR-2.1", "provider_kr_new": {"title": "t", "form": "boolean"}},
            "provider_kr_new",
            "name an existing provider key result (provider_kr_id) or describe a new one",
        ),
        (
            {"provider_kr_new": {"title": "t", "form": "boolean"}},
            "provider_objective_id",
            "a new provider key result needs its fields (provider_kr_new) and the objective",
        ),
        (
            {"provider_objective_id": "SR-2"},
            "provider_kr_new",
            "a new provider key result needs its fields (provider_kr_new) and the objective",
        ),
        (
            {"provider_kr_new": {"title": "t"}, "provider_objective_id": "SR-2"},
            "provider_kr_new.form",
            "a new provider key result needs a title and a form; form is missing",
        ),
        (
            {
                "provider_kr_new": {"title": "t", "form": "boolean", "objective_id": "IN-1"},
                "provider_objective_id": "SR-2",
            },
            "provider_kr_new.objective_id",
            "a new provider key result takes contributor_ids, description, form, id, "
            "milestones, owner_id, start, target, threshold, title, unit, weight; not objective_id",
        ),
        (
            {
                "provider_kr_new": {"title": "t", "form": "boolean", "weight": -1},
                "provider_objective_id": "SR-2",
            },
            "provider_kr_new.weight",
            "a weight is 0 or more (got -1)",
        ),
        (
            {"provider_kr_new": {"title": "t", "form": "boolean"}, "provider_objective_id": "x"},
            "provider_objective_id",
            "'x' is not an objective (no objective has that id)",
        ),
        (
            {"provider_kr_new": {"title": "t", "form": "boolean"}, "provider_objective_id": "IN-1"},
            "provider_objective_id",
            "the new key result goes in an objective of search or of one of its sub-teams; IN-1 "
            "is owned by 'infra'",
        ),
        # F7: an existing key result follows the same rule as a new one: the provider's.
        (
            {"provider_kr_id": "IN-1.1"},
            "provider_kr_id",
            "IN-1.1 is not search's to deliver: name a key result of an objective of search or "
            "of one of its sub-teams (IN-1 is owned by 'infra')",
        ),
        (
            {"provider_kr_id": "NW-1.2"},  # the company's, above search: not search's
            "provider_kr_id",
            "NW-1.2 is not search's to deliver: name a key result of an objective of search or "
            "of one of its sub-teams (NW-1 is owned by 'nw')",
        ),
        (
            {"provider_kr_id": "BEN-1.1"},  # a member's individual objective: not the team's
            "provider_kr_id",
            "BEN-1.1 is not search's to deliver: name a key result of an objective of search or "
            "of one of its sub-teams (BEN-1 is owned by 'ben')",
        ),
    ],
)
def test_a_bad_provider_key_result_is_refused(demo_in_db, arguments, field, message) -> None:
    key_results = KeyResult.objects.count()
    with refused(InvalidError, message) as caught:
        dependency_transition(
            dependency_id="DEP-3", to_state=State.ACCEPTED, by_id="ana", **arguments
        )
    assert caught.value.field == field
    assert KeyResult.objects.count() == key_results
    assert Dependency.objects.get(id="DEP-3").state == "requested"


def test_a_provider_key_result_only_comes_with_an_acceptance(demo_in_db) -> None:
    with refused(InvalidError, "a provider key result is named when accepting a request") as caught:
        dependency_transition(
            dependency_id="DEP-3",
            to_state=State.CANCELLED,
            by_id="ana",
            provider_kr_id="SR-2.1",
        )
    assert caught.value.field == "provider_kr_id"


def test_an_archived_provider_key_result_is_refused(demo_in_db) -> None:
    key_result_archive(key_result_id="SR-2.1")
    with refused(InvalidError, "key result SR-2.1 is archived; name a current one"):
        dependency_transition(
            dependency_id="DEP-3", to_state=State.ACCEPTED, by_id="ana", provider_kr_id="SR-2.1"
        )


def test_a_closed_cycles_dependencies_are_read_only(demo_in_db) -> None:
    cycle_state_set(cycle_id="2026-Q3", state=Cycle.State.ACTIVE)
    dependency_create(from_id="SR-Q3-1", provider_team_id="infra", need="Old need", id="OLD")
    cycle_state_set(cycle_id="2026-Q3", state=Cycle.State.CLOSED)
    with refused(ClosedCycleError, "cycle '2026-Q3' is closed"):
        dependency_transition(dependency_id="OLD", to_state=State.CANCELLED, by_id="ana")
    # A new provider key result goes in an open cycle too.
    cycle_state_set(cycle_id="2026-Q3", state=Cycle.State.ACTIVE)
    cycle_state_set(cycle_id="2026-Q4", state=Cycle.State.CLOSED)
    with refused(ClosedCycleError, "cycle '2026-Q4' is closed"):
        dependency_transition(
            dependency_id="OLD",
            to_state=State.ACCEPTED,
            by_id="omar",
            provider_kr_new={"title": "t", "form": "boolean"},
            provider_objective_id="IN-1",
        )
    assert Dependency.objects.get(id="OLD").state == "requested"


def test_a_sub_teams_key_result_may_deliver_a_request_to_its_parent(demo_in_db) -> None:
    dependency_create(from_id="SR-1.2", provider_team_id="infra", need="Faster disks", id="D")
    dependency = dependency_transition(
        dependency_id="D", to_state=State.ACCEPTED, by_id="omar", provider_kr_id="SRE-1.2"
    )
    assert dependency.provider_kr_id == "SRE-1.2"
    # But not the other way: infra's key result does not deliver what sre was asked.
    dependency_create(from_id="SR-1.2", provider_team_id="sre", need="Alerts", id="E")
    with refused(InvalidError, "IN-1.1 is not sre's to deliver") as caught:
        dependency_transition(
            dependency_id="E", to_state=State.ACCEPTED, by_id="lena", provider_kr_id="IN-1.1"
        )
    assert caught.value.field == "provider_kr_id"


@pytest.mark.parametrize("archive", ["objective", "key result"])
def test_a_request_from_archived_work_cannot_change(demo_in_db, archive: str) -> None:
    """F15: out of every plan with what asked for it, until that is restored."""
    dependency_create(from_id="SR-1.2", provider_team_id="infra", need="Faster disks", id="D")
    if archive == "objective":
        objective_archive(objective_id="SR-1")
    else:
        key_result_archive(key_result_id="SR-1.2")
    version = Dependency.objects.get(id="D").version
    for to_state in (State.ACCEPTED, State.CANCELLED):
        with refused(ConflictError, "D comes from an archived objective or key result; restore"):
            dependency_transition(dependency_id="D", to_state=to_state, by_id="omar")
    dependency = Dependency.objects.get(id="D")
    assert (dependency.state, dependency.version) == ("requested", version)
