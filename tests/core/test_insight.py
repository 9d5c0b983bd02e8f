"""SPEC section 5: forecast, confidence calibration, blast radius, critical providers, what if."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.core import model as m
from tandem.core.blast import blast_radii, critical_providers, what_if
from tandem.core.engine import Health, evaluate
from tandem.core.insight import (
    _midpoint_confidence,
    calibration,
    forecast_key_result,
    forecasts,
    midpoint,
    objective_forecast,
    trend,
)
from tandem.core.numbers import usable_number
from tandem.core.report import build_report, resolve_scope
from tandem.core.rules import key_result_start
from tandem.core.trend import trend_line
from tests.core.builders import AS_OF, Q3, Q4, checkin, dependency, kr, numeric, objective, org
from tests.core.test_properties import DAYS, organizations

# --- forecast -------------------------------------------------------------------------------


def test_a_straight_trend_is_forecast_to_the_cycle_end() -> None:
    # 0 on Oct 1, 10 on Oct 31: 1 a day; Dec 31 is day 91, so 91 of 0 -> 200: 0.455.
    plan = org(
        objective(
            "O",
            kr(
                "K",
                metric=numeric(0, 200),
                checkins=[checkin(date(2026, 10, 1), 0), checkin(date(2026, 10, 31), 30)],
            ),
        )
    )
    found = forecasts(plan, evaluate(plan, AS_OF))
    assert found.key_results["K"] == pytest.approx(91 / 200)
    assert found.objectives["O"] == pytest.approx(91 / 200)


def test_a_forecast_is_clamped_and_follows_the_direction_of_the_target() -> None:
    # Latency going down from 900 to 400, fast: the line passes 400 before the end.
    down = [checkin(date(2026, 10, 1), 900), checkin(date(2026, 10, 11), 800)]
    plan = org(objective("O", kr("K", metric=numeric(900, 400), checkins=down)))
    assert forecasts(plan, evaluate(plan, AS_OF)).key_results["K"] == 1.0
    # Getting worse: the forecast is 0, not negative.
    worse = [checkin(date(2026, 10, 1), 900), checkin(date(2026, 10, 11), 950)]
    plan = org(objective("O", kr("K", metric=numeric(900, 400), checkins=worse)))
    assert forecasts(plan, evaluate(plan, AS_OF)).key_results["K"] == 0.0


@pytest.mark.parametrize(
    ("checkins", "as_of"),
    [
        ([], AS_OF),  # nothing to draw a line through
        ([checkin(date(2026, 10, 5), 3)], AS_OF),  # one point
        ([checkin(date(2026, 10, 5), 3), checkin(date(2026, 10, 5), 4)], AS_OF),  # one day
        ([checkin(date(2026, 10, 5), 3), checkin(date(2026, 11, 20), 4)], AS_OF),  # one by D
        ([checkin(date(2026, 10, 5), 3), checkin(date(2026, 11, 5), 4)], Q4.end),  # ended
        ([checkin(date(2026, 10, 5), None, 7), checkin(date(2026, 11, 5), None, 8)], AS_OF),
    ],
)
def test_there_is_no_forecast_without_two_days_of_values_in_a_cycle_under_way(
    checkins: list[m.CheckIn], as_of: date
) -> None:
    plan = org(objective("O", kr("K", checkins=checkins)))
    found = forecasts(plan, evaluate(plan, as_of))
    assert "K" not in found.key_results
    assert "O" not in found.objectives
    report = build_report(plan, evaluate(plan, as_of), resolve_scope(plan, as_of, cycle="all"))
    assert report["key_results"][0]["forecast"] is None
    assert report["objectives"][0]["forecast"] is None


def test_the_day_last_value_counts_and_check_ins_before_since_do_not() -> None:
    checkins = [
        checkin(date(2026, 9, 1), 100),  # before the cycle: left out
        checkin(date(2026, 10, 1), 5),
        checkin(date(2026, 10, 1), 0),  # the day's last value
        checkin(date(2026, 10, 31), 30),
    ]
    plan = org(objective("O", kr("K", metric=numeric(0, 200), checkins=checkins)))
    assert forecasts(plan, evaluate(plan, AS_OF)).key_results["K"] == pytest.approx(91 / 200)


def test_a_key_result_keeps_the_line_from_its_start_through_all_its_check_ins() -> None:
    rising = [checkin(date(2026, 10, 1), 0), checkin(date(2026, 10, 31), 30)]
    plan = org(objective("O", kr("K", metric=numeric(0, 200), checkins=rising)))
    key_result = plan.key_results["K"]
    assert key_result.trend == trend_line(rising, Q4.start.toordinal())
    assert key_result.trend is not None
    assert key_result.trend.at(Q4.end.toordinal()) == pytest.approx(91)
    # A new check-in (dataclasses.replace, as a server adds one) gives the new line.
    later = replace(key_result, checkins=(*rising, checkin(date(2026, 11, 10), 80)))
    assert later.trend == trend_line(later.checkins, Q4.start.toordinal()) != key_result.trend
    # Added mid-cycle: the line counts from that day.
    added = replace(key_result, since=date(2026, 10, 15))
    assert added.trend is not None
    assert added.trend.origin == date(2026, 10, 15).toordinal()
    # No line for other metrics, for fewer than two check-ins, nor without the cycle's start
    # (a forecast then finds the line from the check-ins).
    assert replace(key_result, metric=m.BooleanMetric()).trend is None
    assert replace(key_result, checkins=tuple(rising[:1])).trend is None
    assert replace(key_result, cycle_start=None).trend is None


def test_a_report_before_the_last_check_in_finds_the_line_of_the_days_it_counts() -> None:
    # The kept line runs to Nov 30 (it would forecast 1.0); on Nov 15 the line through the
    # values up to then is 1 a day: 91 of 200 on Dec 31.
    checkins = [
        checkin(date(2026, 10, 1), 0),
        checkin(date(2026, 10, 31), 30),
        checkin(date(2026, 11, 30), 500),
    ]
    plan = org(objective("O", kr("K", metric=numeric(0, 200), checkins=checkins)))
    assert forecasts(plan, evaluate(plan, date(2026, 12, 1))).key_results["K"] == 1.0
    assert forecasts(plan, evaluate(plan, AS_OF)).key_results["K"] == pytest.approx(91 / 200)


def test_an_objective_forecast_is_the_weighted_mean_of_those_that_have_one() -> None:
    rising = [checkin(date(2026, 10, 1), 0), checkin(date(2026, 10, 31), 30)]
    plan = org(
        objective(
            "O",
            kr("A", metric=numeric(0, 91), checkins=rising, weight=3),  # forecast 1 (clamped)
            kr("B", metric=numeric(0, 182), checkins=rising, weight=1),  # forecast 0.5
            kr("C", metric=numeric(0, 10)),  # none: left out
            kr("Z", metric=numeric(0, 10), checkins=rising, weight=0),  # weight 0: left out
        )
    )
    found = forecasts(plan, evaluate(plan, AS_OF))
    assert found.objectives["O"] == pytest.approx((3 * 1 + 0.5) / 4)


# --- calibration ----------------------------------------------------------------------------


def closed(
    id_: str,
    confidence: int | None,
    value: float,
    *,
    kind: m.Kind = m.Kind.COMMITTED,
    owner: str = "search",
):
    """An objective of Q3 (closed by the usual as-of date) with one key result 0 -> 10 that
    reached ``value``, with ``confidence`` said in August (before Q3's middle)."""
    checkins = [checkin(date(2026, 9, 20), value)]
    if confidence is not None:
        checkins.append(checkin(date(2026, 8, 1), None, confidence))
    return objective(id_, kr(f"{id_}.1", checkins=checkins), cycle=Q3.id, kind=kind, owner=owner)


def test_a_team_that_always_said_ten_and_always_met_is_perfectly_calibrated() -> None:
    plan = org(closed("A", 10, 10), closed("B", 10, 10))
    [found] = calibration(plan, evaluate(plan, AS_OF))
    assert (found.team, found.n, found.brier, found.overconfidence) == ("search", 2, 0.0, 0.0)


def test_calibration_counts_the_midpoint_confidence_and_the_expectation_by_kind() -> None:
    plan = org(
        closed("A", 8, 10),  # committed, met: (0.8 - 1)^2 = 0.04
        closed("B", 8, 7, kind=m.Kind.ASPIRATIONAL),  # aspirational 0.7, met: 0.04
        closed("C", 6, 9),  # committed 0.9, missed: 0.36
        closed("D", None, 10),  # no confidence by the middle: left out
        closed("E", 3, 0, owner="infra"),  # another team: 0.09
        objective("Q", kr("Q.1", checkins=[checkin(date(2026, 10, 2), None, 9)])),  # open
    )
    infra, search = calibration(plan, evaluate(plan, AS_OF))  # by team id
    assert (search.team, search.n) == ("search", 3)
    assert search.brier == pytest.approx((0.04 + 0.04 + 0.36) / 3)
    assert search.overconfidence == pytest.approx((0.8 + 0.8 + 0.6) / 3 - 2 / 3)
    assert search.bins == ((6, 1, 0), (8, 2, 2))
    assert (infra.team, infra.n, infra.brier) == ("infra", 1, pytest.approx(0.09))


def test_a_confidence_after_the_middle_does_not_count() -> None:
    late = objective(
        "A",
        kr("A.1", checkins=[checkin(date(2026, 8, 1), None, 2), checkin(date(2026, 9, 1), 10, 10)]),
        cycle=Q3.id,
        kind=m.Kind.COMMITTED,
    )
    assert midpoint(Q3) == date(2026, 8, 15)
    plan = org(late)
    [found] = calibration(plan, evaluate(plan, AS_OF))
    assert found.brier == pytest.approx(0.64)  # said 2, met


# --- blast radius, critical providers, what if ----------------------------------------------


def chain_plan(*extra: m.Dependency) -> m.Organization:
    """INFRA.1 (infra, off track) helps SEARCH.1; SEARCH's objective S helps PAY (payments)."""
    low, sure = [checkin(date(2026, 11, 1), 1, 2)], [checkin(date(2026, 11, 1), 5, 9)]
    return org(
        objective("I", kr("I.1", checkins=low), owner="infra"),
        objective("S", kr("S.1", checkins=sure), kr("S.2", checkins=sure)),
        objective("P", kr("P.1", checkins=sure), owner="payments"),
        objective("N", kr("N.1", checkins=sure), owner="payments"),
        dependency("D1", "S.1", "infra", provider_kr="I.1"),
        dependency("D2", "P", "search", provider_kr="S.1"),
        *extra,
    )


def test_blast_radius_follows_dependencies_transitively_and_through_objectives() -> None:
    radii = blast_radii(chain_plan())
    assert radii["I.1"].counts() == {"key_results": 2, "objectives": 2, "teams": 2}
    assert set(radii["I.1"].key_results) == {"S.1", "P.1"}
    assert radii["S.1"].counts() == {"key_results": 1, "objectives": 1, "teams": 1}
    assert "S.2" not in radii
    assert "P.1" not in radii
    assert radii["I.1"].path_to("P.1") == [("D1", "S.1"), ("D2", "P.1")]


def test_a_loop_of_dependencies_does_not_count_the_provider_itself() -> None:
    plan = chain_plan(dependency("D3", "I.1", "payments", provider_kr="P.1"))
    assert set(blast_radii(plan)["I.1"].key_results) == {"S.1", "P.1"}


def test_critical_providers_are_not_on_track_and_reach_another_team() -> None:
    plan = chain_plan()
    evaluation = evaluate(plan, AS_OF)
    found = critical_providers(plan, evaluation, blast_radii(plan))
    # I.1 is off track and reaches search and payments; S.1 is off track through D1 and
    # reaches payments.
    assert [c.key_result for c in found] == ["I.1", "S.1"]
    assert found[0].path == [("D1", "S.1")]
    assert [step.dependency for step in found[1].chain] == ["D1"]
    report = build_report(plan, evaluation, resolve_scope(plan, AS_OF))
    assert report["critical_providers"] == ["I.1", "S.1"]
    rows = {row["id"]: row for row in report["key_results"]}
    assert rows["I.1"]["blast_radius"] == {"key_results": 2, "objectives": 2, "teams": 2}
    assert rows["N.1"]["blast_radius"] == {"key_results": 0, "objectives": 0, "teams": 0}


def test_what_if_lists_the_objectives_that_would_turn_off_track() -> None:
    plan = chain_plan()
    plan = replace(
        plan,
        key_results=plan.key_results
        | {"I.1": replace(plan.key_results["I.1"], checkins=(checkin(date(2026, 11, 1), 1, 9),))},
    )
    evaluation = evaluate(plan, AS_OF)
    assert evaluation.objectives["S"].health is Health.ON_TRACK
    assert what_if(plan, evaluation, "I.1") == ["I", "S", "P"]
    assert what_if(plan, evaluation, "N.1") == ["N"]
    # Nothing else changed: the evaluation is left as it was.
    assert evaluation == evaluate(plan, AS_OF)


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=organizations(), as_of=DAYS)
def test_forecasts_are_fractions_and_unused_providers_have_no_blast_radius(
    plan: m.Organization, as_of: date
) -> None:
    evaluation = evaluate(plan, as_of)
    found = forecasts(plan, evaluation)
    for value in [*found.key_results.values(), *found.objectives.values()]:
        assert 0.0 <= value <= 1.0
    radii = blast_radii(plan)
    providers = {d.provider_kr for d in plan.dependencies.values()}
    for kid in plan.key_results:
        if kid not in providers:
            assert kid not in radii
    for team in calibration(plan, evaluation):
        assert team.n >= 1
        assert 0.0 <= team.brier <= 1.0
        assert -1.0 <= team.overconfidence <= 1.0


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=organizations(), data=st.data())
def test_adding_a_dependency_never_shrinks_a_blast_radius(
    plan: m.Organization, data: st.DataObject
) -> None:
    if not plan.key_results:
        return
    ids = list(plan.key_results)
    added = m.Dependency(
        "ADDED",
        data.draw(st.sampled_from(ids + list(plan.objectives))),
        "root",
        "more help",
        m.DependencyState.ACCEPTED,
        None,
        data.draw(st.sampled_from(ids)),
    )
    before = blast_radii(plan)
    after = blast_radii(replace(plan, dependencies=plan.dependencies | {"ADDED": added}))
    for kid, reach in before.items():
        assert set(reach.key_results) <= set(after[kid].key_results)
        assert reach.objectives <= after[kid].objectives
        assert reach.teams <= after[kid].teams


# --- the fast paths against the definitions -------------------------------------------------

# Days around Q4 (so that several check-ins share a day, and some fall before a key result's
# start or after the as-of date), and every kind of value a check-in may hold, usable or not.
NEAR_Q4 = st.integers(min_value=-20, max_value=110).map(lambda d: Q4.start + timedelta(d))
ANY_VALUE = (
    st.none()
    | st.booleans()
    | st.integers(-50, 150)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([10**15, 10**15 + 1, -(10**16), 2.5e15])
)
ANY_CHECKINS = st.lists(
    st.builds(m.CheckIn, NEAR_Q4, ANY_VALUE, st.none() | st.integers(0, 10)), max_size=12
).map(lambda found: tuple(sorted(found, key=lambda c: c.date)))


def trend_by_definition(
    key_result: m.KeyResult, cycle: m.Cycle, as_of: date
) -> tuple[float, float] | None:
    """SPEC section 5 as written: each day's last usable value from the key result's start to
    ``as_of``, then the least-squares line (its sums added day by day)."""
    if not isinstance(key_result.metric, m.NumericMetric) or as_of >= cycle.end:
        return None
    since = key_result_start(key_result, cycle)
    days = {
        c.date: float(c.value)  # type: ignore[arg-type]
        for c in key_result.checkins
        if since <= c.date <= as_of and usable_number(c.value)
    }
    if len(days) < 2:
        return None
    n = len(days)
    sx = sy = sxx = sxy = 0.0
    for day, value in sorted(days.items()):
        x = (day - since).days
        sx += x
        sy += value
        sxx += x * x
        sxy += x * value
    spread = n * sxx - sx * sx
    if spread <= 0:
        return None
    slope = (n * sxy - sx * sy) / spread
    at = (sy - slope * sx) / n
    return at + slope * (as_of - since).days, at + slope * (cycle.end - since).days


def midpoint_confidence_by_definition(key_result: m.KeyResult, mid: date) -> int | None:
    said = [c.confidence for c in key_result.checkins if c.date <= mid and c.confidence is not None]
    return said[-1] if said else None


@settings(max_examples=300, deadline=None)
@given(
    found=ANY_CHECKINS,
    start=st.integers(-5, 5) | st.floats(-10, 10) | st.just(float("nan")),
    target=st.integers(-5, 200),
    since=st.none() | NEAR_Q4,
    as_of=NEAR_Q4,
)
def test_the_forecasts_are_the_trend_as_defined(
    found: tuple[m.CheckIn, ...],
    start: float,
    target: float,
    since: date | None,
    as_of: date,
) -> None:
    metric = numeric(start, target)
    plan = org(objective("O", kr("K", metric=metric, checkins=list(found)), kr("L")))
    key_result = replace(plan.key_results["K"], since=since)
    plan = replace(plan, key_results=plan.key_results | {"K": key_result})
    line = trend(key_result, Q4, as_of)
    assert line == trend_by_definition(key_result, Q4, as_of)  # exactly: the same sums
    start = key_result_start(key_result, Q4).toordinal()
    if len(found) >= 2:  # the kept line is the one from its start through every value
        assert key_result.trend == trend_line(found, start)
    forecast = forecasts(plan, evaluate(plan, as_of))
    assert forecast.key_results.get("K") == forecast_key_result(key_result, Q4, as_of)
    assert forecast.objectives.get("O") == objective_forecast(plan, "O", forecast.key_results)
    # Without kept lines (no cycle start given), found from the check-ins: the same floats.
    bare = {kid: replace(k, cycle_start=None) for kid, k in plan.key_results.items()}
    assert forecasts(replace(plan, key_results=bare), evaluate(plan, as_of)) == forecast
    assert _midpoint_confidence(found, as_of) == midpoint_confidence_by_definition(
        key_result, as_of
    )
