"""One rule for every number (tandem.core.numbers), and an engine that survives any value.

Every boundary refuses a number beyond ±10^15 or not finite; what a database held before the
rule (or was given by hand) must still never take a report down: the engine leaves it out and
the unusable-number quality rule names it.
"""

from __future__ import annotations

import json
import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core import model as m
from tandem.core.engine import evaluate
from tandem.core.numbers import MAX_NUMBER, number_problem, shown, usable_number
from tandem.core.quality import lint
from tandem.core.report import build_report, resolve_scope
from tests.core.builders import AS_OF, checkin, keep_above, kr, numeric, objective, org

HUGE = int("9" * 400)


@pytest.mark.parametrize(
    "value", [0, -5, 0.5, MAX_NUMBER, -MAX_NUMBER, float(MAX_NUMBER), 1e-300, 680]
)
def test_numbers_within_the_bounds_are_usable(value: float) -> None:
    assert usable_number(value)
    assert number_problem(value, what="the value") is None


@pytest.mark.parametrize(
    "value",
    [MAX_NUMBER + 1, -MAX_NUMBER - 1, 1e16, HUGE, math.nan, math.inf, -math.inf, True, "7", None],
)
def test_anything_else_is_refused_with_the_rule(value: object) -> None:
    assert not usable_number(value)
    problem = number_problem(value, what="the value")
    assert problem is not None
    assert problem.startswith("the value must be a finite number from -10^15 to 10^15 (got ")


def test_a_huge_integer_is_quoted_by_its_size_not_printed() -> None:
    assert shown(HUGE) == "a number of 400 digits"
    assert shown(-(10**5000)) == "a number of 5001 digits"  # str() would refuse it
    assert shown(10**18) == "1000000000000000000"
    assert shown("x" * 100).endswith("...")


def _with_value(value: object, metric: m.Metric | None = None) -> m.Organization:
    good = checkin(date(2026, 10, 20), 4, 7)
    bad = m.CheckIn(date(2026, 11, 1), value, 6)  # type: ignore[arg-type]
    return org(objective("SR-1", kr("SR-1.1", metric=metric, checkins=[good, bad]), owner="search"))


@pytest.mark.parametrize("value", [HUGE, -HUGE, math.nan, math.inf, 1e300, "680", [1]])
def test_an_unusable_value_is_left_out_and_reported(value: object) -> None:
    plan = _with_value(value, numeric(0, 10))
    evaluation = evaluate(plan, AS_OF)
    result = evaluation.key_results["SR-1.1"]
    # The check-in before it decides the progress; its confidence still counts.
    assert result.current == 4
    assert result.progress == pytest.approx(0.4)
    assert result.confidence == 6
    findings = [f for f in lint(plan, evaluation) if f.rule == "unusable-number"]
    assert [(f.target, f.severity.value) for f in findings] == [("SR-1.1", "error")]
    assert "the check-in of 2026-11-01 holds" in findings[0].message
    report = build_report(plan, evaluation, resolve_scope(plan, AS_OF, cycle="all"))
    json.dumps(report, allow_nan=False)


def test_an_unusable_metric_reads_zero_progress_and_is_reported() -> None:
    plan = org(
        objective("SR-1", kr("SR-1.1", metric=numeric(0, HUGE)), owner="search"),
        objective("SR-2", kr("SR-2.1", metric=keep_above(math.inf)), owner="search"),
    )
    evaluation = evaluate(plan, AS_OF)
    assert evaluation.key_results["SR-1.1"].progress == 0.0
    assert evaluation.key_results["SR-2.1"].progress == 0.0
    findings = [f for f in lint(plan, evaluation) if f.rule == "unusable-number"]
    assert [f.target for f in findings] == ["SR-1.1", "SR-2.1"]
    assert "target is a number of 400 digits" in findings[0].message


ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**450), max_value=10**450),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(value=ANY_VALUE, start=ANY_VALUE, target=ANY_VALUE, boolean=st.booleans())
def test_no_value_makes_the_engine_lint_or_report_fail(
    value: object, start: object, target: object, boolean: bool
) -> None:
    metric: m.Metric = (
        m.BooleanMetric() if boolean else m.NumericMetric(start, target, None)  # type: ignore[arg-type]
    )
    plan = _with_value(value, metric)
    evaluation = evaluate(plan, AS_OF)
    result = evaluation.key_results["SR-1.1"]
    assert 0.0 <= result.progress <= 1.0
    findings = lint(plan, evaluation)
    report = build_report(plan, evaluation, resolve_scope(plan, AS_OF, cycle="all"))
    json.dumps(report, allow_nan=False)
    unusable = [f for f in findings if f.rule == "unusable-number"]
    if boolean:
        assert unusable == []  # a done/not-done key result reads true or nothing
    else:
        expected = [not usable_number(start), not usable_number(target)]
        expected.append(value is not None and not usable_number(value))
        assert len(unusable) == sum(expected)
