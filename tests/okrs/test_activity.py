"""The activity record: every change to an objective or a key result leaves one row saying who
changed what and when, written in the same transaction as the change.

(No ``__init__.py`` here: see test_services.py.)
"""

from __future__ import annotations

import pytest

from tandem.core import model as m
from tandem.errors import InvalidError, StaleVersionError
from tandem.okrs.key_results import (
    key_result_archive,
    key_result_create,
    key_result_restore,
    key_result_update,
)
from tandem.okrs.models import Activity, Objective
from tandem.okrs.services import (
    objective_align,
    objective_archive,
    objective_create,
    objective_restore,
    objective_update,
)

pytestmark = pytest.mark.django_db


def recorded(subject_id: str) -> list[tuple[str, str | None, str, str]]:
    return [
        (row.verb, row.by_id, row.objective_id, row.detail)
        for row in Activity.objects.filter(subject_id=subject_id).order_by("at", "id")
    ]


def test_the_demo_import_records_no_activity(demo_in_db: m.Organization) -> None:
    assert not Activity.objects.exists()


def test_an_objectives_life_is_recorded_with_who_and_what(demo_in_db: m.Organization) -> None:
    created = objective_create(
        cycle_id="2026-Q4",
        title="Make search pay for itself",
        owner_team_id="search",
        aligns_to="NW-2.2",
        by_id="ana",
    )
    objective_update(
        objective_id=created.id,
        version=created.version,
        title="Make search earn its keep",
        kind="committed",
        visibility="public",  # as it was: not a change
        by_id="ben",
    )
    objective_align(objective_id=created.id, target_id="NW-1.2", by_id="ana")
    objective_align(objective_id=created.id, target_id=None, by_id="ana")
    objective_archive(objective_id=created.id, by_id="zoe")
    objective_restore(objective_id=created.id)
    assert recorded(created.id) == [
        ("created", "ana", created.id, "aligned to NW-2.2"),
        ("updated", "ben", created.id, "title, kind"),
        ("aligned", "ana", created.id, "to NW-1.2"),
        ("unaligned", "ana", created.id, "from NW-1.2"),
        ("archived", "zoe", created.id, ""),
        ("restored", None, created.id, ""),
    ]


def test_an_update_that_changes_nothing_records_nothing(demo_in_db: m.Organization) -> None:
    objective = Objective.objects.get(id="SR-1")
    objective_update(
        objective_id="SR-1", version=None, title=objective.title, kind=objective.kind, by_id="ana"
    )
    key_result_update(
        key_result_id="SR-1.1", version=None, weight=1, contributor_ids=["cai", "infra"]
    )
    objective_align(objective_id="SR-1", target_id="NW-1.1", by_id="ana")  # as it is
    assert not Activity.objects.exists()


def test_owner_and_umbrella_changes_are_named(demo_in_db: m.Organization) -> None:
    objective_update(
        objective_id="SR-2",
        version=None,
        is_umbrella=True,
        umbrella_owner_id="ana",
        umbrella_team_ids=["search", "cs"],
        by_id="ana",
    )
    objective_update(
        objective_id="SR-2", version=None, umbrella_team_ids=["search", "cs"], by_id="ana"
    )
    objective_update(objective_id="SR-2", version=None, umbrella_team_ids=["cs"], by_id="ana")
    objective_update(objective_id="SR-2", version=None, owner_team_id="cs", by_id="zoe")
    assert [detail for _verb, _by, _objective, detail in recorded("SR-2")] == [
        "umbrella, umbrella owner, umbrella teams",
        "umbrella teams",
        "owner",
    ]


def test_a_key_results_changes_are_recorded_on_its_objective(
    demo_in_db: m.Organization,
) -> None:
    created = key_result_create(
        objective_id="SR-2",
        title="Publish the help centre search",
        form="milestones",
        milestones=[{"title": "Index the articles"}, {"title": "Ship the box", "weight": 2}],
        by_id="ana",
    )
    key_result_update(
        key_result_id=created.id,
        version=None,
        title="Help centre search answers most questions",
        milestones=[{"title": "Index the articles"}, {"title": "Ship the box", "weight": 2}],
        by_id="ana",
    )
    key_result_update(
        key_result_id=created.id,
        version=None,
        form="numeric",
        start=0,
        target=60,
        unit="%",
        weight=2,
        owner_id="cai",
        contributor_ids=["ben"],
        by_id="ben",
    )
    key_result_archive(key_result_id=created.id, by_id="ana")
    key_result_restore(key_result_id=created.id, by_id="ana")
    assert recorded(created.id) == [
        ("created", "ana", "SR-2", ""),
        ("updated", "ana", "SR-2", "title"),
        (
            "updated",
            "ben",
            "SR-2",
            "form, start, target, unit, weight, owner, milestones, contributors",
        ),
        ("archived", "ana", "SR-2", ""),
        ("restored", "ana", "SR-2", ""),
    ]


def test_a_refused_change_records_nothing(demo_in_db: m.Organization) -> None:
    with pytest.raises(InvalidError):
        key_result_update(key_result_id="SR-1.1", version=None, title="  ", by_id="ben")
    with pytest.raises(StaleVersionError):
        objective_update(objective_id="SR-1", version=99, title="Faster", by_id="ana")
    with pytest.raises(InvalidError):
        objective_create(
            cycle_id="2026-Q4", title="Loop", owner_team_id="search", aligns_to="NO-SUCH-1"
        )
    assert not Activity.objects.exists()
