"""Who sees which objective, and the organisation as one person sees it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.core import model as m
from tandem.core.engine import evaluate
from tandem.core.report import build_report, resolve_scope
from tandem.core.visibility import audience_of, restrict, visible_objectives, without_archived
from tests.core.builders import AS_OF, dependency, kr, objective, org

PUBLIC, TEAM, PRIVATE = m.Visibility.PUBLIC, m.Visibility.TEAM, m.Visibility.PRIVATE


def with_visibility(draft, visibility):  # type: ignore[no-untyped-def]
    return replace(draft, objective=replace(draft.objective, visibility=visibility))


def sees(organization: m.Organization, person: str | None, *, admin: bool = False) -> set[str]:
    return set(visible_objectives(organization, audience_of(organization, person, admin=admin)))


# Northwind: nw (zoe) > search (ana, ben), payments (priya, tom), infra (omar);
# managers: ana, priya and omar report to zoe, ben to ana, tom to priya.


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("ana", True),  # lead and member of search
        ("ben", True),  # member
        ("zoe", True),  # leads the company team, an ancestor of search
        ("priya", False),  # another team's lead
        ("tom", False),  # another team's member
        ("omar", False),
        (None, False),  # someone who is no person of the organisation
    ],
)
def test_team_objectives_are_seen_by_the_team_and_the_leads_above_it(
    viewer: str | None, expected: bool
) -> None:
    organization = org(with_visibility(objective("SR-1", kr("SR-1.1")), TEAM))
    assert ("SR-1" in sees(organization, viewer)) is expected


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("ben", True),  # the owner
        ("ana", True),  # ben's manager
        ("zoe", True),  # ana's manager: the manager chain, not just the manager
        ("priya", False),
        ("tom", False),
    ],
)
def test_private_objectives_are_seen_by_the_owner_and_their_manager_chain(
    viewer: str, expected: bool
) -> None:
    organization = org(with_visibility(objective("BEN-1", kr("BEN-1.1"), owner="ben"), PRIVATE))
    assert ("BEN-1" in sees(organization, viewer)) is expected


def test_a_teams_private_objective_is_seen_by_its_members_and_its_leads_managers() -> None:
    organization = org(with_visibility(objective("PA-1", kr("PA-1.1"), owner="payments"), PRIVATE))
    assert {p for p in ("zoe", "ana", "ben", "priya", "tom", "omar") if sees(organization, p)} == {
        "priya",  # lead
        "tom",  # member
        "zoe",  # priya's manager
    }


def test_an_individual_team_objective_is_seen_by_the_owners_teams() -> None:
    organization = org(with_visibility(objective("BEN-1", kr("BEN-1.1"), owner="ben"), TEAM))
    assert {p for p in ("zoe", "ana", "ben", "priya", "tom", "omar") if sees(organization, p)} == {
        "ben",
        "ana",  # search's lead and member
        "zoe",  # leads the company, above search
    }


def test_people_who_work_on_an_objective_see_it_whatever_its_visibility() -> None:
    organization = org(
        with_visibility(
            objective(
                "BEN-1",
                kr("BEN-1.1", owner="omar"),
                kr("BEN-1.2", contributors=["payments"]),
                owner="ben",
            ),
            PRIVATE,
        )
    )
    assert sees(organization, "omar") == {"BEN-1"}  # owns a key result
    assert sees(organization, "tom") == {"BEN-1"}  # member of a contributing team


def test_umbrella_objectives_are_seen_by_their_owner_and_their_teams() -> None:
    umbrella = m.Umbrella(owner="omar", teams=("payments",))
    organization = org(
        with_visibility(objective("UM-1", kr("UM-1.1"), owner="nw", umbrella=umbrella), TEAM)
    )
    assert sees(organization, "omar") == {"UM-1"}
    assert sees(organization, "tom") == {"UM-1"}
    assert sees(organization, "ben") == set()


def test_admins_and_public_objectives() -> None:
    organization = org(
        objective("SR-1", kr("SR-1.1")),
        with_visibility(objective("BEN-1", kr("BEN-1.1"), owner="ben"), PRIVATE),
    )
    assert sees(organization, "omar") == {"SR-1"}
    assert sees(organization, None) == {"SR-1"}
    assert sees(organization, "omar", admin=True) == {"SR-1", "BEN-1"}


def hidden_parts() -> m.Organization:
    return org(
        objective("SR-1", kr("SR-1.1", checkins=[])),
        with_visibility(
            objective("BEN-1", kr("BEN-1.1", metric=m.RollupMetric()), owner="ben"), PRIVATE
        ),
        objective("SR-2", kr("SR-2.1"), aligns_to="BEN-1.1"),
        objective("SR-3", kr("SR-3.1"), aligns_to="NOPE-1"),
        dependency("DEP-1", "BEN-1.1", "infra"),
        dependency("DEP-2", "SR-1.1", "infra", provider_kr="BEN-1.1"),
    )


def test_restrict_removes_what_is_hidden_and_every_pointer_to_it() -> None:
    organization = hidden_parts()
    seen = restrict(
        organization, visible_objectives(organization, audience_of(organization, "omar"))
    )
    assert list(seen.objectives) == ["SR-1", "SR-2", "SR-3"]
    assert "BEN-1.1" not in seen.key_results
    assert seen.objectives["SR-2"].aligns_to is None
    # A broken alignment is the objective's own mistake, not a hidden object: it stays.
    assert seen.objectives["SR-3"].aligns_to == "NOPE-1"
    assert list(seen.dependencies) == ["DEP-2"]
    assert seen.dependencies["DEP-2"].provider_kr is None


def test_a_report_on_the_restricted_organisation_names_nothing_hidden() -> None:
    organization = hidden_parts()
    seen = restrict(
        organization, visible_objectives(organization, audience_of(organization, "omar"))
    )
    report = build_report(seen, evaluate(seen, AS_OF), resolve_scope(seen, AS_OF, cycle="all"))
    assert "BEN-1" not in repr(report)


def test_restrict_with_everything_visible_is_the_organisation_itself() -> None:
    organization = hidden_parts()
    assert restrict(organization, frozenset(organization.objectives)) is organization


def test_archived_objectives_and_key_results_leave_the_plan() -> None:
    organization = hidden_parts()
    current = without_archived(organization, frozenset({"SR-3"}), frozenset({"SR-1.1"}))
    assert list(current.objectives) == ["SR-1", "BEN-1", "SR-2"]
    assert current.objectives["SR-1"].key_results == ()
    # DEP-2 came from the archived SR-1.1: it goes with it.
    assert list(current.dependencies) == ["DEP-1"]
    assert without_archived(organization, frozenset(), frozenset()) is organization
