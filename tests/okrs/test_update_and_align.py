"""Updating an objective and changing its alignment in one save (the editing page's and the
API's one transaction): both changes or neither, and the refusals of each."""

from __future__ import annotations

import re

import pytest

from tandem.errors import ConflictError, InvalidError, NotFoundError, StaleVersionError
from tandem.okrs.cycles import cycle_state_set
from tandem.okrs.models import Activity, Cycle, Objective
from tandem.okrs.services import objective_archive, objective_update_and_align

pytestmark = pytest.mark.django_db


def activity(objective_id: str) -> list[tuple[str, str]]:
    rows = Activity.objects.filter(objective_id=objective_id).order_by("id")
    return [(row.verb, row.detail) for row in rows]


def test_both_changes_are_made_and_recorded(demo_in_db) -> None:
    saved = objective_update_and_align(
        objective_id="IN-2", version=1, title="Ship the platform", aligns_to="NW-2", by_id="ana"
    )
    assert (saved.title, saved.aligns_to, saved.version) == ("Ship the platform", "NW-2", 3)
    stored = Objective.objects.get(id="IN-2")
    assert (stored.title, stored.aligns_to, stored.version) == ("Ship the platform", "NW-2", 3)
    assert activity("IN-2") == [("updated", "title"), ("aligned", "to NW-2")]


def test_only_what_is_given_is_changed(demo_in_db) -> None:
    aligned = objective_update_and_align(objective_id="IN-2", version=1, aligns_to="NW-2")
    assert (aligned.title, aligned.aligns_to, aligned.version) == (
        "Run a leaner, cheaper platform",
        "NW-2",
        2,
    )
    renamed = objective_update_and_align(objective_id="IN-2", version=2, title="Renamed")
    assert (renamed.aligns_to, renamed.version) == ("NW-2", 3)
    unaligned = objective_update_and_align(objective_id="IN-2", version=3, aligns_to=None)
    assert (unaligned.aligns_to, unaligned.version) == (None, 4)
    assert activity("IN-2") == [
        ("aligned", "to NW-2"),
        ("updated", "title"),
        ("unaligned", "from NW-2"),
    ]


def test_nothing_given_changes_nothing_not_even_the_version(demo_in_db) -> None:
    unchanged = objective_update_and_align(objective_id="IN-2", version=99)
    assert unchanged.version == 1
    assert activity("IN-2") == []
    with pytest.raises(NotFoundError):
        objective_update_and_align(objective_id="nope", version=None)


def test_a_refused_alignment_undoes_the_update(demo_in_db) -> None:
    # SRE-1 aligns to IN-1: aligning IN-1 to SRE-1 would make a loop.
    with pytest.raises(ConflictError, match="would make a loop") as caught:
        objective_update_and_align(
            objective_id="IN-1", version=None, title="Renamed", aligns_to="SRE-1"
        )
    assert caught.value.field == "target_id"
    stored = Objective.objects.get(id="IN-1")
    assert (stored.title, stored.aligns_to, stored.version) == (
        "Serve every region from capacity close to its customers",
        "NW-1.1",
        1,
    )
    assert activity("IN-1") == []


def test_a_refused_update_leaves_the_alignment(demo_in_db) -> None:
    with pytest.raises(InvalidError, match="kind is one of") as caught:
        objective_update_and_align(
            objective_id="IN-2", version=1, kind="eventually", aligns_to="NW-2"
        )
    assert caught.value.field == "kind"
    stored = Objective.objects.get(id="IN-2")
    assert (stored.kind, stored.aligns_to, stored.version) == ("aspirational", None, 1)
    assert activity("IN-2") == []


def test_a_stale_version_refuses_both(demo_in_db) -> None:
    message = "IN-2 changed since you read it (you had version 7, it is now 1)"
    with pytest.raises(StaleVersionError, match=re.escape(message)):
        objective_update_and_align(
            objective_id="IN-2", version=7, title="Renamed", aligns_to="NW-2"
        )
    with pytest.raises(StaleVersionError, match=re.escape(message)):
        objective_update_and_align(objective_id="IN-2", version=7, aligns_to="NW-2")
    stored = Objective.objects.get(id="IN-2")
    assert (stored.title, stored.aligns_to, stored.version) == (
        "Run a leaner, cheaper platform",
        None,
        1,
    )


def test_a_closed_cycle_or_an_archived_objective_refuses_both(demo_in_db) -> None:
    with pytest.raises(ConflictError, match=re.escape("cycle '2026-Q3' is closed")):
        objective_update_and_align(objective_id="PA-Q3-1", version=None, aligns_to=None)
    cycle_state_set(cycle_id="2026-Q4", state=Cycle.State.CLOSED)
    with pytest.raises(ConflictError, match=re.escape("cycle '2026-Q4' is closed")):
        objective_update_and_align(
            objective_id="IN-2", version=None, title="Renamed", aligns_to="NW-2"
        )
    cycle_state_set(cycle_id="2026-Q4", state=Cycle.State.ACTIVE)
    objective_archive(objective_id="IN-2")
    with pytest.raises(ConflictError, match="IN-2 is archived; restore it"):
        objective_update_and_align(objective_id="IN-2", version=None, aligns_to="NW-2")
    assert Objective.objects.get(id="IN-2").aligns_to is None


def test_the_callers_refusal_of_the_target_undoes_the_update(demo_in_db) -> None:
    checked: list[str] = []

    def hidden(target_id: str) -> None:
        checked.append(target_id)
        raise InvalidError(f"there is no objective or key result '{target_id}'", field="aligns_to")

    with pytest.raises(InvalidError, match="there is no objective or key result 'NW-2'"):
        objective_update_and_align(
            objective_id="IN-2", version=1, title="Renamed", aligns_to="NW-2", target_check=hidden
        )
    assert checked == ["NW-2"]
    stored = Objective.objects.get(id="IN-2")
    assert (stored.title, stored.aligns_to, stored.version) == (
        "Run a leaner, cheaper platform",
        None,
        1,
    )
    # Unaligning names no target: nothing to check.
    objective_update_and_align(objective_id="IN-2", version=1, aligns_to=None, target_check=hidden)
    assert checked == ["NW-2"]
