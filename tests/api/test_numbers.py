"""Numbers at the API: one rule (finite, within ±10^15), one message, a 422 for the field, and
no stored value can take a report down for anyone (issue 13, item 2, F2 and F8)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tandem.checkins.models import CheckIn
from tandem.organization.cache import cache_clear
from tests.api.conftest import ApiClient
from tests.core.test_numbers import ANY_VALUE as ANY_SCALAR

RULE = "must be a finite number from -10^15 to 10^15"


def _raw_post(client: ApiClient, path: str, body: str) -> Any:
    return client.client.generic(
        "POST",
        f"/api/v1{path}",
        body,
        content_type="application/json",
        headers=client._headers(),
    )


def test_the_400_digit_check_in_is_refused_and_every_report_still_answers(as_persona) -> None:  # type: ignore[no-untyped-def]
    admin: ApiClient = as_persona("admin")
    made = admin.post(
        "/objectives",
        {"id": "DOS-1", "cycle": "2026-Q4", "title": "Any objective", "owner": "ben"},
    )
    assert made.status_code == 201, made.content
    made = admin.post(
        "/objectives/DOS-1/key-results",
        {"id": "DOS-1.1", "title": "n", "form": "numeric", "start": 0, "target": 100},
    )
    assert made.status_code == 201, made.content
    stored = CheckIn.objects.count()
    response = _raw_post(admin, "/key-results/DOS-1.1/check-ins", '{"value": ' + "9" * 400 + "}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    error = response.json()["errors"][0]
    assert error["field"] == "value"
    assert error["message"] == f"the value {RULE} (got a number of 400 digits)"
    assert CheckIn.objects.count() == stored
    for persona in ("admin", "member", "outsider"):
        for path in ("/report", "/lint", "/objectives"):
            assert as_persona(persona).get(path).status_code == 200, (persona, path)


@pytest.mark.parametrize(
    "literal", ["NaN", "Infinity", "-Infinity", "1e309", "-1e309", "1e16", "-10000000000000001"]
)
def test_values_that_are_not_finite_or_too_large_are_a_422_not_a_500(
    as_persona, literal: str
) -> None:  # type: ignore[no-untyped-def]
    stored = CheckIn.objects.count()
    response = _raw_post(
        as_persona("member"), "/key-results/BEN-1.1/check-ins", '{"value": ' + literal + "}"
    )
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    error = response.json()["errors"][0]
    assert error["field"] == "value"
    assert RULE in error["message"]
    assert CheckIn.objects.count() == stored


@pytest.mark.parametrize("confidence", ["7", True, False, 7.0, 7.5])
def test_confidence_is_a_whole_number_not_coerced(as_persona, confidence: object) -> None:  # type: ignore[no-untyped-def]
    stored = CheckIn.objects.count()
    response = as_persona("member").post(
        "/key-results/BEN-1.1/check-ins", {"confidence": confidence}
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "confidence"
    assert CheckIn.objects.count() == stored


@pytest.mark.parametrize("field", ["start", "target"])
def test_a_metric_beyond_the_bounds_is_refused_with_the_same_rule(as_persona, field: str) -> None:  # type: ignore[no-untyped-def]
    body = {"id": "DOS-1.2", "title": "n", "form": "numeric", "start": 0, "target": 100}
    response = as_persona("lead").post("/objectives/SR-1/key-results", body | {field: 1e300})
    assert response.status_code == 422, response.content
    error = response.json()["errors"][0]
    assert error["field"] == field
    assert RULE in error["message"]


@contextmanager
def stored_checkin(value: object) -> Iterator[bool]:
    """A check-in of ``value`` on SR-1.1 written straight to the database, as a row from
    before the number rule or one written by hand would be, and removed afterwards; yields
    whether the database took it (its constraints, JSON and Python refuse some)."""
    try:
        with transaction.atomic():
            CheckIn.objects.create(key_result_id="SR-1.1", date=date(2026, 11, 20), value=value)
    except (DatabaseError, ValueError):
        yield False
        return
    cache_clear()
    try:
        yield True
    finally:
        CheckIn.objects.filter(key_result_id="SR-1.1", date=date(2026, 11, 20)).delete()
        cache_clear()


# Any value a JSON column can be handed, lists too.
ANY_VALUE = st.one_of(ANY_SCALAR, st.lists(st.integers(), max_size=2))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=ANY_VALUE)
@example(value=10**15)  # the largest the rule takes: every report must show it
@example(value=-(10**15))
def test_no_stored_value_can_make_a_report_fail(as_persona, value: object) -> None:  # type: ignore[no-untyped-def]
    """Written straight to the database, as a row from before the rule or by hand would be:
    the database refuses it, or every report still answers."""
    with stored_checkin(value) as stored:
        if not stored:
            return  # refused: a constraint, not JSON, or past what Python writes
        for persona in ("admin", "member"):
            client = as_persona(persona)
            for path in ("/report", "/lint", "/objectives", "/key-results/SR-1.1/check-ins"):
                response = client.get(path, as_of="2026-11-21")
                assert response.status_code == 200, (value, path, response.content[:300])


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-06-30"])
def test_a_check_in_is_dated_near_its_cycle_and_never_in_the_future(as_persona, day: str) -> None:  # type: ignore[no-untyped-def]
    """F9: a check-in dated 9999-12-31 would stay the latest forever."""
    stored = CheckIn.objects.count()
    response = as_persona("member").post(
        "/key-results/BEN-1.1/check-ins", {"confidence": 5, "date": day}
    )
    assert response.status_code == 422, response.content
    error = response.json()["errors"][0]
    assert error["field"] == "date"
    assert "a check-in in cycle 2026-Q4 is dated from 2026-07-01 to " in error["message"]
    assert CheckIn.objects.count() == stored
    # A baseline measured before the cycle starts is fine.
    response = as_persona("member").post(
        "/key-results/BEN-1.1/check-ins", {"confidence": 5, "date": "2026-09-20"}
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("due", ["0001-01-01", "9999-12-31"])
def test_a_due_date_lies_near_the_cycle(as_persona, due: str) -> None:  # type: ignore[no-untyped-def]
    body = {"from": "SR-1.2", "provider": "infra", "need": "A bigger index cluster"}
    response = as_persona("member").post("/dependencies", body | {"due": due})
    assert response.status_code == 422, response.content
    error = response.json()["errors"][0]
    assert error["field"] == "due"
    assert "from 2026-07-01 to 2028-01-01" in error["message"]
    assert (
        as_persona("member").post("/dependencies", body | {"due": "2027-06-30"}).status_code == 201
    )


@pytest.mark.parametrize("sent", ["5", "6,70", True, [1]])
@pytest.mark.parametrize("field", ["start", "target", "weight"])
def test_a_key_result_number_that_is_not_one_is_refused_under_its_own_name(
    as_persona, field: str, sent: object
) -> None:  # type: ignore[no-untyped-def]
    body = {"id": "DOS-1.3", "title": "n", "form": "numeric", "start": 0, "target": 100}
    response = as_persona("lead").post("/objectives/SR-1/key-results", body | {field: sent})
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == [field]
    assert RULE in errors[0]["message"]


def test_a_milestones_weight_follows_the_rule_too(as_persona) -> None:  # type: ignore[no-untyped-def]
    body = {"id": "DOS-1.4", "title": "n", "form": "milestones"}
    for weight in ("2", float("nan")):
        response = _raw_post(
            as_persona("lead"),
            "/objectives/SR-1/key-results",
            json.dumps(body | {"milestones": [{"title": "a", "weight": weight}]}),
        )
        assert response.status_code == 422, response.content
        assert RULE in response.json()["errors"][0]["message"]
