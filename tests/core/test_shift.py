"""Moving an organisation in time: every date moves, the story told on the moved day stays."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem import DEMO_FILE
from tandem.core import model as m
from tandem.core.engine import evaluate
from tandem.core.shift import cycles_renamed, shift_organization
from tandem.okrfile import load_path

STORY_DAY = date(2026, 11, 21)
DEMO = load_path(DEMO_FILE).organization
# Up to about forty years either way.
DAYS = st.integers(-15_000, 15_000)


def dates_in(value: object) -> list[date]:
    """Every date in ``value``, however deep, in a fixed order."""
    if isinstance(value, date):
        return [value]
    if isinstance(value, tuple | list):
        return [day for item in value for day in dates_in(item)]
    if isinstance(value, dict):
        return [day for item in value.values() for day in dates_in(item)]
    if is_dataclass(value) and not isinstance(value, type):
        return [day for field in fields(value) for day in dates_in(getattr(value, field.name))]
    return []


@settings(max_examples=40, deadline=None)
@given(DAYS)
def test_shifting_by_n_then_back_gives_the_organisation_back(days: int) -> None:
    assert shift_organization(shift_organization(DEMO, days), -days) == DEMO


@settings(max_examples=25, deadline=None)
@given(DAYS)
def test_every_date_moves_by_the_same_days(days: int) -> None:
    before = dates_in(DEMO)
    after = dates_in(shift_organization(DEMO, days))
    assert len(before) == len(after) > 100
    assert all(
        moved - day == timedelta(days=days) for day, moved in zip(before, after, strict=True)
    )


@settings(max_examples=25, deadline=None)
@given(DAYS)
def test_the_shifted_organisation_tells_the_same_story_on_the_shifted_day(days: int) -> None:
    shifted = shift_organization(DEMO, days)
    was = evaluate(DEMO, STORY_DAY)
    now = evaluate(shifted, STORY_DAY + timedelta(days=days))
    for key_result_id, result in was.key_results.items():
        moved = now.key_results[key_result_id]
        assert (moved.progress, moved.health, moved.at_risk_from, moved.stale, moved.score) == (
            result.progress,
            result.health,
            result.at_risk_from,
            result.stale,
            result.score,
        )
        assert moved.last_update == result.last_update + timedelta(days=days)
    assert {i: r.status for i, r in now.dependencies.items()} == {
        i: r.status for i, r in was.dependencies.items()
    }
    assert sorted(r.elapsed for r in now.cycles.values()) == sorted(
        r.elapsed for r in was.cycles.values()
    )


@pytest.mark.parametrize(
    ("today", "names"),
    [
        (STORY_DAY, ["FY2026", "2026-Q3", "2026-Q4"]),
        # Most of the shifted current quarter (10-15 to 01-14) is still in 2026's last one.
        (date(2026, 12, 5), ["FY2026", "2026-Q3", "2026-Q4"]),
        (date(2027, 2, 14), ["FY2026", "2026-Q4", "2027-Q1"]),
        (date(2028, 2, 29), ["FY2027", "2027-Q4", "2028-Q1"]),
        (date(2028, 7, 1), ["FY2028", "2028-Q1", "2028-Q2"]),
        (date(2021, 3, 1), ["FY2020", "2020-Q4", "2021-Q1"]),
    ],
)
def test_cycles_named_after_calendar_periods_are_renamed_with_their_dates(
    today: date, names: list[str]
) -> None:
    shifted = shift_organization(DEMO, (today - STORY_DAY).days)
    assert list(shifted.cycles) == names
    year, previous, current = shifted.cycles.values()
    assert (previous.parent, current.parent) == (year.id, year.id)
    assert {o.cycle for o in shifted.objectives.values()} == set(names)
    assert current.start <= today <= current.end
    # The quarter is named after the calendar quarter holding its middle day.
    middle = current.start + (current.end - current.start) / 2
    assert current.id == f"{middle.year}-Q{(middle.month - 1) // 3 + 1}"


def test_other_cycle_names_stay_and_a_taken_name_is_refused() -> None:
    sprint = m.Cycle("sprint-7", date(2026, 1, 5), date(2026, 1, 18))
    org = m.Organization(name="x", cycles={"sprint-7": sprint})
    assert list(shift_organization(org, 400).cycles) == ["sprint-7"]
    quarter = m.Cycle("2026-Q1", date(2026, 1, 1), date(2026, 3, 31))
    taken = m.Organization(
        name="x",
        cycles={"2026-Q1": quarter},
        people={"2026-Q2": m.Person("2026-Q2", "Odd Id")},
    )
    with pytest.raises(ValueError, match="2026-Q2"):
        shift_organization(taken, 91)
    assert cycles_renamed(taken, {"2026-Q1": "Q1"}).cycles["Q1"].start == quarter.start


def test_a_key_results_since_and_its_milestones_move_too() -> None:
    metric = m.MilestonesMetric(
        (m.Milestone("pilot", done_on=date(2026, 10, 9)), m.Milestone("all"))
    )
    key_result = m.KeyResult("K", "O", "t", metric, since=date(2026, 11, 1))
    org = m.Organization(name="x", key_results={"K": key_result})
    moved = shift_organization(org, 30).key_results["K"]
    assert moved.since == date(2026, 12, 1)
    assert isinstance(moved.metric, m.MilestonesMetric)
    assert [s.done_on for s in moved.metric.milestones] == [date(2026, 11, 8), None]
