"""The computation rules of SPEC section 2, one behaviour per test."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from tandem.core import model as m
from tandem.core.engine import (
    DependencyStatus,
    Health,
    elapsed_fraction,
    evaluate,
    expected_since,
    round_score,
)
from tests.okr_text import MID_Q4, org, run

Q4 = m.Cycle("Q4", date(2026, 10, 1), date(2026, 12, 31))


def one_kr(metric: str, checkins: str = "[]", *, extra: str = "") -> str:
    return f"""
    - id: SR-1
      title: Make search fast
      cycle: Q4
      owner: search
      aligns_to: NW-1
      key_results:
        - id: SR-1.1
          title: Cut latency
          owner: ana
          metric: {metric}
          checkins: {checkins}
          {extra}
    - id: NW-1
      title: Company goal
      cycle: FY
      owner: nw
      key_results:
        - {{id: NW-1.1, title: Grow, owner: zoe, metric: {{start: 0, target: 10}}}}
    """


def kr(metric: str, checkins: str = "[]", *, as_of: date = MID_Q4, extra: str = ""):
    return run(one_kr(metric, checkins, extra=extra), as_of=as_of).key_results["SR-1.1"]


# --- elapsed ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 9, 1), 0.0),
        (date(2026, 10, 1), 0.0),
        (MID_Q4, 45 / 91),
        (date(2026, 12, 31), 1.0),
        (date(2027, 3, 1), 1.0),
    ],
)
def test_elapsed_is_the_clamped_share_of_the_cycle(as_of: date, expected: float) -> None:
    assert elapsed_fraction(Q4, as_of) == pytest.approx(expected)


def test_expected_progress_of_an_objective_is_its_cycles_elapsed_fraction() -> None:
    result = run(one_kr("{start: 0, target: 10}"))
    assert result.objectives["SR-1"].expected_progress == pytest.approx(45 / 91)
    assert result.objectives["NW-1"].expected_progress == pytest.approx(318 / 364)


# --- progress per metric form ----------------------------------------------------------------


def test_numeric_progress_is_the_share_of_the_way_from_start_to_target() -> None:
    result = kr("{start: 10, target: 30}", "[{date: 2026-10-10, value: 15}]")
    assert result.progress == pytest.approx(0.25)
    assert result.current == 15


def test_decreasing_numeric_metric_counts_a_drop_as_progress() -> None:
    result = kr("{start: 900, target: 400, unit: ms}", "[{date: 2026-10-10, value: 700}]")
    assert result.progress == pytest.approx(0.4)


@pytest.mark.parametrize(("value", "progress"), [(1000, 0.0), (300, 1.0)])
def test_numeric_progress_is_clamped_to_zero_and_one(value: int, progress: float) -> None:
    result = kr("{start: 900, target: 400}", f"[{{date: 2026-10-10, value: {value}}}]")
    assert result.progress == progress


def test_numeric_without_checkin_is_at_its_start() -> None:
    result = kr("{start: 5, target: 10}")
    assert (result.progress, result.current) == (0.0, 5)


def test_numeric_with_start_equal_to_target_has_no_progress() -> None:
    assert kr("{start: 5, target: 5}", "[{date: 2026-10-10, value: 5}]").progress == 0.0


def test_checkins_after_the_as_of_date_are_ignored() -> None:
    checkins = "[{date: 2026-10-10, value: 2, confidence: 8}, {date: 2026-11-20, value: 9}]"
    result = kr("{start: 0, target: 10}", checkins)
    assert (result.current, result.confidence) == (2, 8)


def test_the_latest_checkin_wins_whatever_the_order_in_the_file() -> None:
    checkins = "[{date: 2026-11-01, value: 6}, {date: 2026-10-10, value: 2}]"
    assert kr("{start: 0, target: 10}", checkins).current == 6


def test_a_checkin_without_value_keeps_the_last_value_and_brings_its_confidence() -> None:
    checkins = "[{date: 2026-10-10, value: 4, confidence: 8}, {date: 2026-11-01, confidence: 3}]"
    result = kr("{start: 0, target: 10}", checkins)
    assert (result.current, result.confidence) == (4, 3)
    assert result.last_update == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("metric", "value", "progress"),
    [
        ("{keep_above: 99.5}", 99.5, 1.0),
        ("{keep_above: 99.5}", 99.4, 0.0),
        ("{keep_below: 200}", 200, 1.0),
        ("{keep_below: 200}", 201, 0.0),
    ],
)
def test_keep_above_and_below_are_met_or_not(metric: str, value: float, progress: float) -> None:
    assert kr(metric, f"[{{date: 2026-10-10, value: {value}}}]").progress == progress


def test_keep_metric_without_checkin_has_no_current_value_and_no_progress() -> None:
    result = kr("{keep_above: 3}")
    assert (result.current, result.progress) == (None, 0.0)


def test_boolean_follows_the_latest_value() -> None:
    assert kr("boolean", "[{date: 2026-10-10, value: true}]").progress == 1.0
    done_then_undone = "[{date: 2026-10-10, value: true}, {date: 2026-10-20, value: false}]"
    assert kr("boolean", done_then_undone).progress == 0.0
    assert kr("boolean").current is False


def test_milestones_count_their_weight_once_done_by_the_as_of_date() -> None:
    metric = """{milestones: [
          {title: a, weight: 2, done_on: 2026-10-05},
          {title: b, weight: 1, done_on: 2026-12-01},
          {title: c}]}"""
    result = kr(metric)
    assert result.progress == pytest.approx(0.5)
    assert result.current == 1
    assert result.last_update == date(2026, 10, 5)


def rollup_org(children: str) -> str:
    return (
        """
    - id: NW-1
      title: Company
      cycle: FY
      owner: nw
      key_results:
        - {id: NW-1.1, title: Fast everywhere, owner: zoe, metric: rollup}
        - {id: NW-1.2, title: Grow, owner: zoe, weight: 0, metric: {start: 0, target: 1}}
    """
        + children
    )


CHILDREN = """
    - id: SR-1
      title: Search part
      cycle: Q4
      owner: search
      aligns_to: NW-1.1
      key_results:
        - {id: SR-1.1, title: a, owner: ana, metric: {start: 0, target: 10},
           checkins: [{date: 2026-10-10, value: 8}]}
    - id: IN-1
      title: Infra part
      cycle: Q4
      owner: infra
      aligns_to: NW-1.1
      key_results:
        - {id: IN-1.1, title: b, owner: omar, metric: {start: 0, target: 10},
           checkins: [{date: 2026-10-10, value: 4}]}
    - {id: EMPTY, title: No key results, cycle: Q4, owner: infra, aligns_to: NW-1.1}
"""


def test_rollup_is_the_mean_progress_of_the_objectives_aligned_to_it() -> None:
    result = run(rollup_org(CHILDREN))
    assert result.key_results["NW-1.1"].progress == pytest.approx(0.6)
    assert result.key_results["NW-1.1"].current is None


def test_rollup_without_aligned_objectives_has_no_progress() -> None:
    assert run(rollup_org("")).key_results["NW-1.1"].progress == 0.0


# --- objectives ------------------------------------------------------------------------------


def test_objective_progress_is_the_weighted_mean_skipping_weight_zero() -> None:
    result = run("""
    - id: SR-1
      title: t
      cycle: Q4
      owner: search
      key_results:
        - {id: A, title: a, owner: ana, weight: 3, metric: {start: 0, target: 10},
           checkins: [{date: 2026-10-10, value: 10}]}
        - {id: B, title: b, owner: ana, metric: {start: 0, target: 10},
           checkins: [{date: 2026-10-10, value: 5, confidence: 8}]}
        - {id: C, title: c, owner: ana, weight: 0, metric: {start: 0, target: 10},
           checkins: [{date: 2026-10-10, value: 0, confidence: 0}]}
    """)
    assert result.objectives["SR-1"].progress == pytest.approx(0.875)
    # The weight-0 key result is off track but counts neither for progress nor for health.
    assert result.key_results["C"].health is Health.OFF_TRACK
    assert result.objectives["SR-1"].health is Health.ON_TRACK


def test_objective_without_key_results_has_no_progress_and_no_health() -> None:
    result = run("- {id: SR-1, title: t, cycle: Q4, owner: search}")
    assert result.objectives["SR-1"].progress is None
    assert result.objectives["SR-1"].health is None


def test_objective_whose_key_results_all_weigh_zero_has_no_progress() -> None:
    result = run("""
    - id: SR-1
      title: t
      cycle: Q4
      owner: search
      key_results: [{id: A, title: a, owner: ana, weight: 0, metric: boolean}]
    """)
    assert result.objectives["SR-1"].progress is None


@pytest.mark.parametrize(
    ("owner", "level"), [("nw", "company"), ("search", "team"), ("ben", "individual")]
)
def test_level_follows_the_owner(owner: str, level: str) -> None:
    result = run(f"- {{id: X, title: t, cycle: Q4, owner: {owner}}}")
    assert result.objectives["X"].level == level


# --- last update and staleness ---------------------------------------------------------------


def test_without_any_update_the_last_update_is_the_cycle_start() -> None:
    result = kr("{start: 0, target: 10}")
    assert result.last_update == date(2026, 10, 1)
    assert result.stale  # 45 days


@pytest.mark.parametrize(("days_ago", "stale"), [(14, False), (15, True)])
def test_stale_after_more_than_stale_after_days(days_ago: int, stale: bool) -> None:
    checkin = date.fromordinal(MID_Q4.toordinal() - days_ago).isoformat()
    assert kr("{start: 0, target: 10}", f"[{{date: {checkin}, value: 1}}]").stale is stale


def test_a_cycle_that_has_not_started_is_not_stale() -> None:
    assert not kr("{start: 0, target: 10}", as_of=date(2026, 9, 1)).stale


# --- a key result added mid-cycle (since) -----------------------------------------------------

SINCE = "since: 2026-11-15"  # 45 days into Q4, 46 days before its end


def test_a_key_result_added_today_is_on_track_and_fresh_today() -> None:
    added = kr("{start: 0, target: 10}", as_of=MID_Q4, extra=SINCE)
    assert (added.own_health, added.health, added.stale) == ("on_track", "on_track", False)
    assert (added.expected_progress, added.last_update) == (0.0, MID_Q4)
    # The same key result there since the cycle's start is behind and stale.
    there = kr("{start: 0, target: 10}", as_of=MID_Q4)
    assert (there.own_health, there.stale) == ("off_track", True)
    assert there.expected_progress == pytest.approx(45 / 91)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 11, 1), 0.0),  # replayed before it was added
        (MID_Q4, 0.0),
        (date(2026, 12, 8), 23 / 46),
        (date(2026, 12, 31), 1.0),
        (date(2027, 2, 1), 1.0),
    ],
)
def test_expected_progress_runs_from_since_to_the_cycles_end(as_of: date, expected: float) -> None:
    result = kr("{start: 0, target: 100}", as_of=as_of, extra=SINCE)
    assert result.expected_progress == pytest.approx(expected)


@pytest.mark.parametrize(
    # On 2026-12-08 half its own time is gone (23/46) but three quarters of the cycle (68/91):
    # judged against its own half, 45% is on track, 30% at risk, 20% off track.
    ("value", "health"),
    [(45, "on_track"), (40, "on_track"), (30, "at_risk"), (20, "off_track")],
)
def test_its_pace_is_judged_against_its_own_expected_progress(value: int, health: str) -> None:
    checkins = f"[{{date: 2026-12-08, value: {value}}}]"
    result = kr("{start: 0, target: 100}", checkins, as_of=date(2026, 12, 8), extra=SINCE)
    assert result.own_health == health


def test_added_on_the_cycles_last_day_everything_is_expected() -> None:
    assert expected_since(Q4.end, Q4.end, date(2026, 12, 31)) == 1.0
    assert expected_since(Q4.end, Q4.end, date(2026, 12, 20)) == 1.0
    result = kr("{start: 0, target: 10}", as_of=Q4.end, extra="since: 2026-12-31")
    assert (result.expected_progress, result.own_health) == (1.0, "off_track")


def test_a_since_on_or_before_the_cycles_start_is_the_cycles_start() -> None:
    organisation = org(one_kr("{start: 0, target: 10}"))
    plain = evaluate(organisation, MID_Q4).key_results["SR-1.1"]
    for since in (date(2026, 9, 1), Q4.start):
        added = dataclasses.replace(organisation.key_results["SR-1.1"], since=since)
        changed = dataclasses.replace(
            organisation, key_results={**organisation.key_results, "SR-1.1": added}
        )
        assert evaluate(changed, MID_Q4).key_results["SR-1.1"] == plain


@pytest.mark.parametrize(("days_in", "stale"), [(14, False), (15, True)])
def test_without_updates_staleness_counts_from_since(days_in: int, stale: bool) -> None:
    as_of = date.fromordinal(MID_Q4.toordinal() + days_in)
    result = kr("{start: 0, target: 10}", as_of=as_of, extra=SINCE)
    assert (result.last_update, result.stale) == (MID_Q4, stale)


def test_an_update_before_since_is_still_the_last_update() -> None:
    # A baseline measured before it was added is its latest update, as the spec says.
    result = kr("{start: 0, target: 10}", "[{date: 2026-11-10, value: 1}]", extra=SINCE)
    assert result.last_update == date(2026, 11, 10)


def test_milestones_added_mid_cycle_count_from_since_until_one_is_done() -> None:
    metric = "{milestones: [{title: a}, {title: b, done_on: 2026-11-20}]}"
    assert kr(metric, extra=SINCE).last_update == MID_Q4
    assert kr(metric, as_of=date(2026, 11, 25), extra=SINCE).last_update == date(2026, 11, 20)


# --- own health ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("confidence", "health"),
    [
        (10, "on_track"),
        (7, "on_track"),
        (6, "at_risk"),
        (4, "at_risk"),
        (3, "off_track"),
        (0, "off_track"),
    ],
)
def test_confidence_decides_health(confidence: int, health: str) -> None:
    checkins = f"[{{date: 2026-11-10, value: 1, confidence: {confidence}}}]"
    assert kr("{start: 0, target: 10}", checkins).own_health == health


def test_confidence_bands_come_from_settings() -> None:
    objectives = one_kr("{start: 0, target: 10}", "[{date: 2026-11-10, value: 1, confidence: 6}]")
    settings = "settings: {on_track_confidence: 6, at_risk_confidence: 2}"
    assert run(objectives, settings=settings).key_results["SR-1.1"].own_health == "on_track"


def test_a_finished_key_result_is_on_track_whatever_the_confidence() -> None:
    checkins = "[{date: 2026-11-10, value: 10, confidence: 1}]"
    assert kr("{start: 0, target: 10}", checkins).own_health == "on_track"


@pytest.mark.parametrize(
    # 45/91 = 0.4945 elapsed: on track from 0.3945, at risk from 0.2445.
    ("value", "health"),
    [(40, "on_track"), (39, "at_risk"), (25, "at_risk"), (24, "off_track")],
)
def test_without_confidence_health_follows_the_pace(value: int, health: str) -> None:
    assert (
        kr("{start: 0, target: 100}", f"[{{date: 2026-11-10, value: {value}}}]").own_health
        == health
    )


def test_rollup_without_confidence_takes_the_worst_health_of_its_children() -> None:
    children = CHILDREN.replace("value: 4}", "value: 4, confidence: 2}")
    assert run(rollup_org(children)).key_results["NW-1.1"].own_health == "off_track"


# --- dependencies ----------------------------------------------------------------------------

PROVIDER = """
    - id: IN-1
      title: Capacity
      cycle: Q4
      owner: infra
      key_results:
        - {{id: IN-1.1, title: Machines, owner: omar, metric: {{start: 0, target: 10}},
           checkins: [{{date: 2026-11-10, value: 5, confidence: {confidence}}}]}}
"""


def deps_org(confidence: int = 9) -> str:
    return one_kr(
        "{start: 0, target: 10}", "[{date: 2026-11-10, value: 5, confidence: 9}]"
    ) + PROVIDER.format(confidence=confidence)


@pytest.mark.parametrize(
    ("dependency", "status"),
    [
        ("state: delivered", "done"),
        ("state: cancelled", "cancelled"),
        ("state: declined", "off_track"),
        ("state: requested", "at_risk"),
        ("state: accepted", "ok"),
        ("state: accepted, provider_kr: IN-1.1", "ok"),
        ("state: accepted, due: 2026-11-14", "off_track"),
        ("state: accepted, due: 2026-11-15", "ok"),
        ("state: delivered, due: 2026-11-01", "done"),
        ("state: cancelled, due: 2026-11-01", "cancelled"),
    ],
)
def test_dependency_status_follows_its_state(dependency: str, status: str) -> None:
    result = run(deps_org(), f"- {{id: D, from: SR-1.1, provider: infra, need: x, {dependency}}}")
    assert result.dependencies["D"].status == status


@pytest.mark.parametrize(("confidence", "status"), [(9, "ok"), (5, "at_risk"), (1, "off_track")])
def test_accepted_dependency_takes_the_health_of_the_providers_key_result(
    confidence: int, status: str
) -> None:
    dependency = (
        "- {id: D, from: SR-1.1, provider: infra, need: x, state: accepted, provider_kr: IN-1.1}"
    )
    result = run(deps_org(confidence), dependency)
    assert result.dependencies["D"].status == status
    needing = result.key_results["SR-1.1"]
    assert needing.own_health is Health.ON_TRACK
    assert needing.health == ("on_track" if status == "ok" else status)
    assert needing.at_risk_from == (() if status == "ok" else ("D",))


def test_risk_propagates_through_a_chain_of_dependencies() -> None:
    objectives = (
        deps_org(9)
        + """
    - id: SRE-1
      title: Readiness
      cycle: Q4
      owner: infra
      key_results:
        - {id: SRE-1.1, title: Sign-off, owner: cai, metric: boolean,
           checkins: [{date: 2026-11-10, confidence: 2}]}
    """
    )
    dependencies = """
    - {id: D1, from: SR-1.1, provider: infra, need: x, state: accepted, provider_kr: IN-1.1}
    - {id: D2, from: IN-1.1, provider: infra, need: y, state: accepted, provider_kr: SRE-1.1}
    """
    result = run(objectives, dependencies)
    assert result.key_results["IN-1.1"].own_health is Health.ON_TRACK
    assert result.key_results["IN-1.1"].health is Health.OFF_TRACK
    assert result.dependencies["D1"].status is DependencyStatus.OFF_TRACK
    assert result.key_results["SR-1.1"].health is Health.OFF_TRACK
    assert result.key_results["SR-1.1"].at_risk_from == ("D1",)
    assert result.objectives["SR-1"].health is Health.OFF_TRACK


def test_a_dependency_of_an_objective_weighs_on_each_of_its_key_results() -> None:
    result = run(deps_org(), "- {id: D, from: SR-1, provider: infra, need: x}")
    assert result.key_results["SR-1.1"].health is Health.AT_RISK
    assert result.key_results["SR-1.1"].at_risk_from == ("D",)


def test_a_dependency_no_worse_than_own_health_is_not_listed_as_the_cause() -> None:
    objectives = one_kr("{start: 0, target: 10}", "[{date: 2026-11-10, value: 5, confidence: 5}]")
    result = run(objectives, "- {id: D, from: SR-1.1, provider: infra, need: x}")
    assert result.key_results["SR-1.1"].health is Health.AT_RISK
    assert result.key_results["SR-1.1"].at_risk_from == ()


@pytest.mark.parametrize("source", ["SR-1.1", "SR-1"])
def test_an_achieved_key_result_is_on_track_whatever_its_dependencies(source: str) -> None:
    objectives = one_kr("{start: 0, target: 10}", "[{date: 2026-11-10, value: 10, confidence: 2}]")
    objectives += PROVIDER.format(confidence=1)
    dependencies = f"""
    - {{id: D1, from: {source}, provider: infra, need: x, state: declined}}
    - {{id: D2, from: {source}, provider: infra, need: y, state: accepted, provider_kr: IN-1.1}}
    """
    result = run(objectives, dependencies)
    achieved = result.key_results["SR-1.1"]
    assert (achieved.progress, achieved.own_health, achieved.health) == (
        1.0,
        "on_track",
        "on_track",
    )
    assert achieved.at_risk_from == ()
    # The dependencies keep their own status; they just hold back nothing.
    assert result.dependencies["D1"].status is DependencyStatus.OFF_TRACK
    assert result.dependencies["D2"].status is DependencyStatus.OFF_TRACK
    assert result.objectives["SR-1"].health is Health.ON_TRACK


def test_an_achieved_provider_passes_no_risk_along_a_chain() -> None:
    # SR-1.1 waits on IN-1.1 (D1), which waits on SRE-1.1 (D2, confidence 2): IN-1.1 is done,
    # so nothing SRE-1.1 does can still hold it, or SR-1.1, back.
    objectives = (
        one_kr("{start: 0, target: 10}", "[{date: 2026-11-10, value: 5, confidence: 9}]")
        + PROVIDER.format(confidence=1).replace("value: 5", "value: 10")
        + """
    - id: SRE-1
      title: Readiness
      cycle: Q4
      owner: infra
      key_results:
        - {id: SRE-1.1, title: Sign-off, owner: cai, metric: boolean,
           checkins: [{date: 2026-11-10, confidence: 2}]}
    """
    )
    dependencies = """
    - {id: D1, from: SR-1.1, provider: infra, need: x, state: accepted, provider_kr: IN-1.1}
    - {id: D2, from: IN-1.1, provider: infra, need: y, state: accepted, provider_kr: SRE-1.1}
    """
    result = run(objectives, dependencies)
    assert result.dependencies["D2"].status is DependencyStatus.OFF_TRACK
    assert result.key_results["IN-1.1"].health is Health.ON_TRACK
    assert result.dependencies["D1"].status is DependencyStatus.OK
    assert result.key_results["SR-1.1"].health is Health.ON_TRACK


def test_dependencies_in_a_loop_take_their_status_from_their_state_alone() -> None:
    objectives = deps_org(1).replace("confidence: 9", "confidence: 1")
    dependencies = """
    - {id: D1, from: SR-1.1, provider: infra, need: x, state: accepted, provider_kr: IN-1.1}
    - {id: D2, from: IN-1.1, provider: search, need: y, state: accepted, provider_kr: SR-1.1}
    """
    result = run(objectives, dependencies)
    assert result.dependency_loops == [["D1", "D2"]]
    assert result.dependencies["D1"].status is DependencyStatus.OK
    assert result.dependencies["D1"].in_loop


# --- grading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "score"), [(0.25, 0.3), (0.65, 0.7), (0.05, 0.1), (0.649, 0.6), (1.0, 1.0)]
)
def test_scores_round_half_up_to_one_decimal(progress: float, score: float) -> None:
    assert round_score(progress) == score


def test_no_score_before_the_cycle_ends() -> None:
    result = run(one_kr("{start: 0, target: 10}"), as_of=date(2026, 12, 30))
    assert result.key_results["SR-1.1"].score is None
    assert result.objectives["SR-1"].score is None
    assert result.objectives["SR-1"].met_expectation is None


def test_grading_starts_on_the_last_day_and_uses_overrides() -> None:
    objectives = """
    - id: SR-1
      title: t
      cycle: Q4
      owner: search
      kind: committed
      key_results:
        - {id: A, title: a, owner: ana, metric: {start: 0, target: 100},
           checkins: [{date: 2026-12-01, value: 66}]}
        - {id: B, title: b, owner: ana, metric: boolean,
           score_override: {score: 1.0, reason: scope changed}}
    """
    result = run(objectives, as_of=date(2026, 12, 31))
    assert result.key_results["A"].score == 0.7
    assert result.key_results["B"].score == 1.0
    assert result.objectives["SR-1"].score == pytest.approx(0.85)
    assert result.objectives["SR-1"].met_expectation is False


@pytest.mark.parametrize(
    ("kind", "value", "met"),
    [
        ("aspirational", 70, True),
        ("aspirational", 64, False),
        ("committed", 95, True),
        ("committed", 94, False),
    ],
)
def test_met_expectation_compares_the_rounded_score_with_the_kinds_bar(
    kind: str, value: int, met: bool
) -> None:
    objectives = f"""
    - id: SR-1
      title: t
      cycle: Q3
      owner: search
      kind: {kind}
      key_results:
        - {{id: A, title: a, owner: ana, metric: {{start: 0, target: 100}},
           checkins: [{{date: 2026-09-01, value: {value}}}]}}
    """
    assert run(objectives).objectives["SR-1"].met_expectation is met


# --- alignment -------------------------------------------------------------------------------


def test_alignment_is_valid_when_the_target_exists_and_its_cycle_contains_ours() -> None:
    result = run(
        rollup_org(CHILDREN)
        + """
    - {id: BROKEN, title: t, cycle: Q4, owner: search, aligns_to: NOPE}
    - {id: WIDER, title: t, cycle: FY, owner: search, aligns_to: SR-1.1}
    - {id: NONE, title: t, cycle: Q4, owner: ben}
    """
    )
    valid = {oid: r.alignment_valid for oid, r in result.objectives.items()}
    assert valid == {
        "NW-1": False,
        "SR-1": True,
        "IN-1": True,
        "EMPTY": True,
        "BROKEN": False,
        "WIDER": False,
        "NONE": False,
    }
    assert result.aligned_below["NW-1.1"] == ["SR-1", "IN-1", "EMPTY"]


def test_objectives_on_an_alignment_loop_are_not_validly_aligned() -> None:
    result = run("""
    - {id: A, title: a, cycle: Q4, owner: search, aligns_to: B}
    - {id: B, title: b, cycle: Q4, owner: infra, aligns_to: A.1,
       key_results: [{id: B.1, title: x, owner: omar, metric: rollup}]}
    - {id: A2, title: c, cycle: Q4, owner: infra, aligns_to: B,
       key_results: [{id: A.1, title: y, owner: omar, metric: rollup}]}
    - {id: C, title: d, cycle: Q4, owner: ben, aligns_to: A}
    """)
    assert result.alignment_loops == [["B", "A2"]]
    assert not result.objectives["B"].alignment_valid
    assert result.objectives["A"].alignment_valid  # leads into the loop, is not on it
    assert result.objectives["C"].alignment_valid
    # Roll-ups around the loop do not feed on themselves: both stay at 0.
    assert result.key_results["B.1"].progress == 0.0
    assert result.key_results["A.1"].progress == 0.0
