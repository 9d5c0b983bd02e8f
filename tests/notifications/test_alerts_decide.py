"""What a risk sweep records and tells, key result by key result (no database)."""

from __future__ import annotations

from datetime import date, timedelta

from tandem.core.results import Health, KeyResultResult
from tandem.notifications.alerts.risk import RECOVERED, WORSENED, Told, risk_decide

TODAY = date(2026, 11, 21)
YESTERDAY = TODAY - timedelta(days=1)
ON, RISK, OFF = Health.ON_TRACK, Health.AT_RISK, Health.OFF_TRACK


def result(health: Health, own: Health, *dependencies: str) -> KeyResultResult:
    return KeyResultResult(
        "SR-1.1", "SR-1", 0.5, 700, 5, own, health, dependencies, TODAY, False, None, 0.5
    )


def test_a_dependency_lowering_it_is_told_and_recorded() -> None:
    told = Told(ON, False, None)
    assert risk_decide(told, result(OFF, ON, "DEP-1"), TODAY, first_sweep=False) == (
        Told(OFF, True, TODAY),
        WORSENED,
    )


def test_its_own_check_ins_lowering_it_are_recorded_silently() -> None:
    told = Told(ON, False, YESTERDAY)
    assert risk_decide(told, result(RISK, RISK), TODAY, first_sweep=False) == (
        Told(RISK, False, YESTERDAY),
        None,
    )


def test_a_recovery_is_told_only_after_a_worsening_was() -> None:
    worsened = Told(OFF, True, YESTERDAY)
    assert risk_decide(worsened, result(ON, ON), TODAY, first_sweep=False) == (
        Told(ON, False, TODAY),
        RECOVERED,
    )
    quiet = Told(OFF, False, YESTERDAY)
    assert risk_decide(quiet, result(ON, ON), TODAY, first_sweep=False) == (
        Told(ON, False, YESTERDAY),
        None,
    )


def test_a_partial_recovery_still_lowered_by_a_dependency_stays_worsened() -> None:
    worsened = Told(OFF, True, YESTERDAY)
    assert risk_decide(worsened, result(RISK, ON, "DEP-1"), TODAY, first_sweep=False) == (
        Told(RISK, True, TODAY),
        RECOVERED,
    )


def test_nothing_more_on_a_day_already_told_nor_when_nothing_changed() -> None:
    assert risk_decide(Told(OFF, True, TODAY), result(ON, ON), TODAY, first_sweep=False) == (
        None,
        None,
    )
    same = Told(OFF, True, YESTERDAY)
    assert risk_decide(same, result(OFF, ON, "DEP-1"), TODAY, first_sweep=False) == (None, None)


def test_first_seen_key_results() -> None:
    lowered = result(OFF, ON, "DEP-1")
    assert risk_decide(None, lowered, TODAY, first_sweep=True) == (Told(OFF, False, None), None)
    assert risk_decide(None, lowered, TODAY, first_sweep=False) == (
        Told(OFF, True, TODAY),
        WORSENED,
    )
    assert risk_decide(None, result(RISK, RISK), TODAY, first_sweep=False) == (
        Told(RISK, False, None),
        None,
    )
