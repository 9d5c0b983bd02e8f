"""The write services that the API and the web pages will call: rules hold outside imports too."""

from __future__ import annotations

from datetime import date

import pytest

from tandem.checkins.models import CheckIn
from tandem.checkins.services import CheckInError, checkin_record
from tandem.dependencies.models import Dependency, DependencyEvent, State
from tandem.dependencies.services import DependencyError, dependency_transition
from tandem.identifiers import next_id
from tandem.okrs.cycles import ClosedCycleError, cycle_state_set
from tandem.okrs.models import Cycle, KeyResult
from tandem.organization.selectors import organization_load

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 21)


def test_a_checkin_is_appended_and_reaches_the_engine(demo_in_db) -> None:
    before = CheckIn.objects.filter(key_result_id="SR-1.1").count()
    checkin_record(key_result_id="SR-1.1", day=DAY, value=420, confidence=9, author_id="ben")
    checkin_record(key_result_id="SR-1.1", day=DAY, value=410, confidence=9, author_id="ben")
    assert CheckIn.objects.filter(key_result_id="SR-1.1").count() == before + 2
    latest = organization_load().key_results["SR-1.1"].checkins[-1]
    assert (latest.value, latest.confidence, latest.by) == (410, 9, "ben")


@pytest.mark.django_db(transaction=True)
def test_a_checkin_written_alone_is_stored_as_one_written_in_a_transaction(
    demo_organization,
) -> None:
    """Alone (as the API writes them) a check-in is one statement on PostgreSQL: every field
    must land as the ORM's own insert would store it, and it moves no revision counter."""
    from django.db import transaction  # noqa: PLC0415

    from tandem.organization.imports import organization_import  # noqa: PLC0415
    from tandem.organization.revision import revision_get  # noqa: PLC0415

    organization_import(org=demo_organization, source="northwind.yaml", today=DAY)
    before = revision_get()
    alone = checkin_record(
        key_result_id="SR-1.1", day=DAY, value=412.5, confidence=8, note="ok", author_id="ben"
    )
    after = revision_get()
    assert (after.value, after.structure) == (before.value, before.structure)
    assert after.checkin == alone.pk > before.checkin
    with transaction.atomic():
        inside = checkin_record(
            key_result_id="SR-1.1", day=DAY, value=412.5, confidence=8, note="ok", author_id="ben"
        )
    fields = ["key_result_id", "date", "value", "confidence", "note", "author_id"]
    stored = {row["id"]: row for row in CheckIn.objects.values("id", "created_at", *fields)}
    assert stored[alone.pk]["created_at"] == alone.created_at
    assert {k: stored[alone.pk][k] for k in fields} == {k: stored[inside.pk][k] for k in fields}
    assert stored[alone.pk]["value"] == 412.5
    assert not alone._state.adding


@pytest.mark.parametrize(
    ("kr_id", "value", "confidence", "message"),
    [
        ("SR-1.1", 420, 11, "confidence must be a whole number from 0 to 10"),
        ("SR-1.1", True, 5, "is measured in numbers"),
        ("nope", 1, 5, "there is no key result with id 'nope'"),
        ("SR-1.1", None, None, "needs a value, a confidence or a note"),
    ],
)
def test_a_bad_checkin_says_what_is_wrong(demo_in_db, kr_id, value, confidence, message):
    with pytest.raises(CheckInError, match=message):
        checkin_record(key_result_id=kr_id, day=DAY, value=value, confidence=confidence)


def test_milestone_and_boolean_key_results_take_the_right_values(demo_in_db) -> None:
    open_krs = KeyResult.objects.exclude(objective__cycle__state="closed")
    milestones = open_krs.filter(form="milestones").first()
    boolean = open_krs.filter(form="boolean").first()
    assert milestones is not None
    assert boolean is not None
    with pytest.raises(CheckInError, match="takes no value"):
        checkin_record(key_result_id=milestones.id, day=DAY, value=3)
    with pytest.raises(CheckInError, match="true or false"):
        checkin_record(key_result_id=boolean.id, day=DAY, value=1)
    checkin_record(key_result_id=boolean.id, day=DAY, value=True, confidence=8)


def test_a_closed_cycle_takes_no_checkins_until_reopened(demo_in_db) -> None:
    q3_kr = KeyResult.objects.filter(objective__cycle_id="2026-Q3").first()
    assert q3_kr is not None
    with pytest.raises(ClosedCycleError, match="cycle '2026-Q3' is closed"):
        checkin_record(key_result_id=q3_kr.id, day=DAY, confidence=5)
    cycle_state_set(cycle_id="2026-Q3", state=Cycle.State.ACTIVE)
    checkin_record(key_result_id=q3_kr.id, day=DAY, confidence=5)


def test_every_state_change_is_recorded_with_who_and_why(demo_in_db) -> None:
    requested = Dependency.objects.filter(state=State.REQUESTED).first()
    assert requested is not None
    with pytest.raises(DependencyError, match="a reason is required"):
        dependency_transition(dependency_id=requested.id, to_state=State.DECLINED, by_id="omar")
    with pytest.raises(DependencyError, match="it can become accepted or cancelled or declined"):
        dependency_transition(dependency_id=requested.id, to_state=State.DELIVERED, by_id="omar")
    dependency_transition(
        dependency_id=requested.id, to_state=State.ACCEPTED, by_id="omar", reason="we have room"
    )
    dependency_transition(dependency_id=requested.id, to_state=State.DELIVERED, by_id="omar")
    events = list(
        DependencyEvent.objects.filter(dependency=requested).values_list(
            "from_state", "to_state", "by_id", "reason"
        )
    )
    assert events[-2:] == [
        ("requested", "accepted", "omar", "we have room"),
        ("accepted", "delivered", "omar", ""),
    ]
    assert organization_load().dependencies[requested.id].state == "delivered"


def test_new_ids_continue_the_prefix_numbering() -> None:
    assert next_id("SR", {"SR-1", "SR-2", "SR-10", "SRX-99", "SR-1.1"}) == "SR-11"
    assert next_id("DEP", set()) == "DEP-1"
