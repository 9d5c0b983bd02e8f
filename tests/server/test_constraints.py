"""The database itself refuses data that breaks the model's rules."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from tandem.checkins.models import CheckIn
from tandem.okrs.models import KeyResult, Objective
from tandem.people.models import Team

pytestmark = pytest.mark.django_db


def refused(action) -> bool:  # type: ignore[no-untyped-def]
    try:
        with transaction.atomic():
            action()
    except IntegrityError:
        return True
    return False


def test_confidence_is_0_to_10(demo_in_db) -> None:
    def checkin(confidence: int):  # type: ignore[no-untyped-def]
        return lambda: CheckIn.objects.create(
            key_result_id="SR-1.1", date=date(2026, 11, 20), confidence=confidence
        )

    assert refused(checkin(11))
    assert not refused(checkin(10))


def test_weights_are_not_negative(demo_in_db) -> None:
    assert refused(lambda: KeyResult.objects.filter(id="SR-1.1").update(weight=-1))
    assert not refused(lambda: KeyResult.objects.filter(id="SR-1.1").update(weight=0))


def test_there_is_one_company_team(demo_in_db) -> None:
    assert refused(lambda: Team.objects.create(id="other", name="Other", is_root=True))
    assert refused(lambda: Team.objects.create(id="orphan", name="Orphan", is_root=False))
    assert not refused(lambda: Team.objects.create(id="new", name="New", parent_id="nw"))


def test_ids_are_unique_and_objectives_have_one_owner(demo_in_db) -> None:
    assert refused(lambda: Team.objects.create(id="search", name="Again", parent_id="nw"))
    assert refused(
        lambda: Objective.objects.create(
            id="X-1",
            title="Two owners",
            cycle_id="2026-Q4",
            owner_team_id="search",
            owner_person_id="ana",
        )
    )


def test_a_score_override_needs_a_reason_and_stays_in_range(demo_in_db) -> None:
    kr = KeyResult.objects.filter(id="SR-1.1")
    assert refused(lambda: kr.update(override_score=0.5, override_reason=None))
    assert refused(lambda: kr.update(override_score=1.5, override_reason="why"))
    assert not refused(lambda: kr.update(override_score=0.5, override_reason="scope cut"))
