"""Cycle statistics (docs/formulas.md, "Cycle statistics"): counts, met expectations, score
spreads, check-in regularity, dependencies and the trend, on plain data."""

from __future__ import annotations

import itertools
import statistics
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core import model as m
from tandem.core.cycle_stats import (
    DependencyEvent,
    cycle_stats,
    dependency_counts,
    regularity,
    spread,
    stats_json,
    trend_cycles,
)
from tandem.core.engine import evaluate
from tests.core.builders import CYCLES, Q3, checkin, dependency, kr, objective, org

AFTER_Q3 = date(2026, 10, 10)  # Q3 has ended: graded


def _stats(organisation: m.Organization, as_of: date = AFTER_Q3, **kwargs):  # type: ignore[no-untyped-def]
    evaluation = evaluate(organisation, as_of)
    graded = dict.fromkeys(organisation.cycles, evaluation)
    return cycle_stats(organisation, graded, Q3.id, closed=[Q3.id], **kwargs)


def _q3_objective(id: str, progress_values: list[float], **kwargs):  # type: ignore[no-untyped-def]
    """An objective of 2026-Q3 whose key results reach ``progress_values`` (0..10 of 10)."""
    key_results = [
        kr(f"{id}.{i}", checkins=[checkin(date(2026, 9, 1), value)])
        for i, value in enumerate(progress_values, 1)
    ]
    return objective(id, *key_results, cycle=Q3.id, **kwargs)


def test_the_company_counts_objectives_key_results_and_who_met_their_expectation() -> None:
    stats = _stats(
        org(
            _q3_objective("A", [10, 10], kind=m.Kind.COMMITTED),  # 1.0: met
            _q3_objective("B", [9], kind=m.Kind.COMMITTED),  # 0.9: not met
            _q3_objective("C", [7], kind=m.Kind.ASPIRATIONAL),  # 0.7: met
            _q3_objective("D", [3], owner="payments"),  # 0.3: not met
            objective("Q4-1", kr("Q4-1.1"), cycle="2026-Q4"),  # another cycle: not counted
        )
    )
    company = stats.company
    assert (company.objectives, company.key_results) == (4, 5)
    assert (company.committed.objectives, company.committed.met) == (2, 1)
    assert (company.aspirational.objectives, company.aspirational.met) == (2, 1)
    assert company.met.met == 2
    assert company.met.share == 0.5


def test_met_is_the_engines_met_expectation() -> None:
    organisation = org(_q3_objective("A", [7]), _q3_objective("B", [10], kind=m.Kind.COMMITTED))
    evaluation = evaluate(organisation, AFTER_Q3)
    stats = cycle_stats(organisation, {Q3.id: evaluation}, Q3.id, closed=[Q3.id])
    engine_met = sum(bool(evaluation.objectives[o].met_expectation) for o in ("A", "B"))
    assert stats.company.met.met == engine_met == 2


def test_a_cycle_not_ended_has_no_scores_and_nothing_judged() -> None:
    stats = _stats(org(_q3_objective("A", [10])), as_of=date(2026, 8, 1))
    assert stats.company.objectives == 1
    assert stats.company.met.judged == 0
    assert stats.company.objective_scores.count == 0
    assert stats.company.objective_scores.median is None


def test_the_spread_of_scores_with_quartiles_and_a_histogram_by_tenths() -> None:
    scores = spread([0.0, 0.3, 0.7, 0.7, 1.0])
    assert (scores.minimum, scores.q1, scores.median, scores.q3, scores.maximum) == (
        0.0,
        0.3,
        0.7,
        0.7,
        1.0,
    )
    assert scores.mean == 0.54
    assert scores.histogram == (1, 0, 0, 1, 0, 0, 0, 2, 0, 1)
    assert spread([]).histogram == (0,) * 10


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=2, max_size=30))
def test_quartiles_are_pythons_inclusive_quantiles(scores) -> None:  # type: ignore[no-untyped-def]
    q1, median, q3 = statistics.quantiles(scores, n=4, method="inclusive")
    found = spread(scores)
    assert found.q1 == pytest.approx(q1, abs=1e-4)
    assert found.median == pytest.approx(median, abs=1e-4)
    assert found.q3 == pytest.approx(q3, abs=1e-4)


def test_a_score_of_0_7_computed_with_noise_falls_in_its_own_tenth() -> None:
    assert spread([0.1 * 7]).histogram[7] == 1


def test_regularity_counts_key_result_weeks_with_a_checkin() -> None:
    # 2026-Q3: 1 Jul to 30 Sep, 92 days: 14 weeks (the last of one day).
    weekly = kr(
        "W", checkins=[checkin(date(2026, 7, 1) + timedelta(weeks=i), i) for i in range(14)]
    )
    twice_in_one_week = kr(
        "T", checkins=[checkin(date(2026, 7, 1), 1), checkin(date(2026, 7, 3), 2)]
    )
    never = kr("N")
    found = regularity([weekly, twice_in_one_week, never], Q3)
    assert (found.key_results, found.weeks, found.weeks_checked_in) == (3, 42, 15)
    # Gaps: 13 of 7 days (weekly) and one of 2 days.
    assert found.median_gap_days == 7.0


def test_regularity_leaves_out_rollups_and_checkins_outside_the_cycle() -> None:
    rollup = m.KeyResult("R", "O", "Roll-up", m.RollupMetric())
    late = kr("L", checkins=[checkin(date(2026, 10, 5), 3)])
    found = regularity([rollup, late], Q3)
    assert (found.key_results, found.weeks_checked_in, found.median_gap_days) == (1, 0, None)
    assert regularity([], Q3).share is None


def test_dependencies_asked_accepted_declined_delivered_on_time() -> None:
    deps = [
        dependency("D1", "A.1", "infra", state=m.DependencyState.DELIVERED, due=date(2026, 9, 1)),
        dependency("D2", "A.1", "infra", state=m.DependencyState.DELIVERED, due=date(2026, 9, 1)),
        dependency("D3", "A", "infra", state=m.DependencyState.DELIVERED),  # no due date
        dependency("D4", "A", "infra", state=m.DependencyState.DELIVERED, due=date(2026, 9, 1)),
        dependency("D5", "A.1", "infra", state=m.DependencyState.REQUESTED),
        dependency("D6", "A.1", "infra", state=m.DependencyState.CANCELLED),
    ]
    delivered = m.DependencyState.DELIVERED
    events = {
        "D1": [
            DependencyEvent("D1", m.DependencyState.ACCEPTED, date(2026, 8, 1)),
            DependencyEvent("D1", delivered, date(2026, 9, 1)),
        ],  # on the due day
        "D2": [DependencyEvent("D2", delivered, date(2026, 9, 2))],  # a day late
        "D6": [DependencyEvent("D6", m.DependencyState.DECLINED, date(2026, 8, 1))],
    }  # D4: delivered on a day unknown (no event), neither on time nor late
    counts = dependency_counts(deps, events)
    assert (counts.requested, counts.accepted, counts.declined) == (6, 4, 1)
    assert (counts.delivered, counts.on_time, counts.late, counts.cancelled) == (4, 2, 1, 1)
    assert counts.on_time_share == 2 / 3


def test_teams_count_their_own_objectives_and_what_was_asked_of_them() -> None:
    stats = _stats(
        org(
            _q3_objective("S", [10]),  # search
            _q3_objective("BEN", [5], owner="ben"),  # ben is in search
            _q3_objective("P", [10], owner="payments"),
            dependency("D1", "S.1", "infra", state=m.DependencyState.ACCEPTED),
        )
    )
    teams = {t.team: t for t in stats.teams}
    assert set(teams) == {"search", "payments", "infra"}
    assert teams["search"].stats.objectives == 2
    assert teams["search"].stats.dependencies.requested == 1
    assert teams["infra"].stats.objectives == 0
    assert teams["infra"].provided.requested == teams["infra"].provided.accepted == 1


def test_the_trend_takes_closed_cycles_of_the_same_length_oldest_first() -> None:
    quarters = [
        m.Cycle(
            f"Q{i}",
            date(2024 + i // 4, 3 * (i % 4) + 1, 1),
            date(2024 + i // 4, 3 * (i % 4) + 1, 28),
        )
        for i in range(10)
    ]
    organisation = m.Organization(
        "x",
        cycles={c.id: c for c in (*CYCLES, *quarters)}
        | {"Y": m.Cycle("Y", date(2024, 1, 1), date(2024, 12, 31))},
    )
    closed = [c.id for c in quarters] + ["Y", Q3.id]
    found = trend_cycles(organisation, "Q8", closed)
    assert [c.id for c in found] == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8"]
    assert [c.id for c in trend_cycles(organisation, "Y", closed)] == ["Y"]


def test_the_trend_of_demo_like_quarters_ends_with_this_cycle() -> None:
    stats = _stats(org(_q3_objective("A", [10])), as_of=date(2027, 1, 5))
    assert [p.cycle for p in stats.trend] == [Q3.id]
    assert stats.trend[-1].stats == stats.company


def test_the_json_names_every_figure() -> None:
    data = stats_json(_stats(org(_q3_objective("A", [10]))))
    assert data["cycle"] == Q3.id
    company = data["company"]
    assert isinstance(company, dict)
    assert company["met"]["all"] == {"objectives": 1, "judged": 1, "met": 1, "share": 1.0}
    assert company["objective_scores"]["histogram"][-1] == 1


# --- properties ----------------------------------------------------------------------------

_progress = st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=3)
_objectives = st.lists(
    st.tuples(
        _progress, st.sampled_from(list(m.Kind)), st.sampled_from(["search", "payments", "ben"])
    ),
    max_size=8,
)
_checkin_days = st.lists(st.integers(min_value=-5, max_value=100), max_size=20)


@settings(max_examples=60, deadline=None)
@given(_objectives)
def test_counts_add_up_and_met_never_exceeds_judged(drafts) -> None:  # type: ignore[no-untyped-def]
    organisation = org(
        *(
            _q3_objective(f"O{i}", values, kind=kind, owner=owner)
            for i, (values, kind, owner) in enumerate(drafts)
        )
    )
    stats = _stats(organisation)
    for group in [stats.company, *(t.stats for t in stats.teams)]:
        assert group.committed.objectives + group.aspirational.objectives == group.objectives
        for met in (group.committed, group.aspirational, group.met):
            assert 0 <= met.met <= met.judged <= met.objectives
            assert met.share is None or 0 <= met.share <= 1
        assert sum(group.objective_scores.histogram) == group.objective_scores.count
        assert group.objective_scores.count <= group.objectives
        assert sum(group.key_result_scores.histogram) == group.key_result_scores.count
        assert group.checkins.share is None or 0 <= group.checkins.share <= 1
    assert stats.company.objectives == len(drafts)
    assert stats.company.key_results == sum(len(values) for values, _k, _o in drafts)


@settings(max_examples=60, deadline=None)
@given(st.lists(_checkin_days, max_size=5))
def test_weeks_checked_in_never_exceed_weeks(key_result_days) -> None:  # type: ignore[no-untyped-def]
    key_results = [
        kr(f"K{i}", checkins=[checkin(Q3.start + timedelta(days=d), 1) for d in days])
        for i, days in enumerate(key_result_days)
    ]
    found = regularity(key_results, Q3)
    assert 0 <= found.weeks_checked_in <= found.weeks
    assert found.share is None or 0 <= found.share <= 1
    assert found.median_gap_days is None or found.median_gap_days >= 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), max_size=30))
def test_a_spread_is_ordered(scores) -> None:  # type: ignore[no-untyped-def]
    found = spread(scores)
    assert sum(found.histogram) == found.count == len(scores)
    if scores:
        ordered = [found.minimum, found.q1, found.median, found.q3, found.maximum]
        assert all(a <= b + 1e-4 for a, b in itertools.pairwise(ordered))
        assert found.minimum <= found.mean + 1e-4
        assert found.mean <= found.maximum + 1e-4
