"""The database itself refuses data that breaks the model's rules."""

from __future__ import annotations

import math
from datetime import date

import pytest
from django.db import DataError, IntegrityError, transaction

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


def refused_or_invalid(action) -> bool:  # type: ignore[no-untyped-def]
    """Refused by a constraint, or not even JSON (NaN: PostgreSQL's jsonb refuses it as such,
    SQLite's JSON check as a constraint), or past what Python writes (5,000 digits)."""
    try:
        with transaction.atomic():
            action()
    except (IntegrityError, DataError, ValueError):
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


@pytest.mark.parametrize(
    "value", [10**15 + 1, -(10**16), int("9" * 400), 1e16, math.inf, math.nan, "12", [1], {}]
)
def test_a_check_in_value_is_a_finite_number_within_bounds_or_true_or_false(
    demo_in_db, value: object
) -> None:
    def checkin(value: object):  # type: ignore[no-untyped-def]
        return lambda: CheckIn.objects.create(
            key_result_id="SR-1.1", date=date(2026, 11, 20), value=value
        )

    assert refused_or_invalid(checkin(value))
    for fine in (10**15, -(10**15), 0.5, 680, True, False, None):
        assert not refused(checkin(fine))


@pytest.mark.parametrize("column", ["start", "target", "threshold"])
def test_a_metric_number_is_finite_and_within_bounds(demo_in_db, column: str) -> None:
    kr = KeyResult.objects.filter(id="SR-1.1")
    assert refused_or_invalid(lambda: kr.update(**{column: 10**16}))
    assert refused_or_invalid(lambda: kr.update(**{column: math.inf}))
    assert refused_or_invalid(lambda: kr.update(**{column: True}))
    assert not refused(lambda: kr.update(**{column: 10**15}))
