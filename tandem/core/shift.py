"""Moving an organisation in time, so that a story written for one day can be told on another.

:func:`shift_organization` moves every date of an organisation by the same number of days:
cycles, check-ins, milestones' ``done_on``, dependencies' ``due`` and any other date field of
the model (a key result's ``since``, for one). Nothing else changes, so whatever the engine
says on day ``D`` of the original it says on day ``D + days`` of the shifted one.

Cycles whose ids name a calendar period (``2026-Q4``, ``FY2026``) are renamed with them, so
that the names still read sensibly: every quarter by the number of calendar quarters the
latest quarter's middle day moved, every year by the number of calendar years the latest
year's middle day moved. One step for all the cycles of a kind keeps their names consecutive
(``2026-Q3`` and ``2026-Q4`` stay neighbours) and lets a shift by ``-days`` undo a shift by
``days``. Other cycle ids are kept. The shift keeps a cycle's length, so a shifted quarter
rarely starts on the first of a month: it is named after the calendar period holding most of
it, as a fiscal calendar would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date, timedelta

from tandem.core import model as m

__all__ = ["cycles_renamed", "shift_organization"]


def shift_organization(org: m.Organization, days: int) -> m.Organization:
    """``org`` with every date ``days`` later (earlier when negative) and the cycles named
    after calendar periods renamed to match (see the module's docstring).

    Raises ValueError when a new cycle name is already the id of something else.
    """
    delta = timedelta(days=days)
    moved = _moved(org, delta)
    assert isinstance(moved, m.Organization)
    return cycles_renamed(moved, _calendar_names(org, delta))


def cycles_renamed(org: m.Organization, names: Mapping[str, str]) -> m.Organization:
    """``org`` with the cycles in ``names`` renamed, everywhere they are named (cycles and
    their parents, objectives). Raises ValueError when a new name is taken by another id."""
    names = {old: new for old, new in names.items() if old in org.cycles and old != new}
    if not names:
        return org
    kept = _all_ids(org) - set(names)
    taken = sorted(new for new in names.values() if new in kept)
    if taken or len(set(names.values())) != len(names):
        raise ValueError(f"cannot rename cycles to ids already taken: {', '.join(taken)}")

    def name(cycle_id: str) -> str:
        return names.get(cycle_id, cycle_id)

    cycles = {
        name(cycle.id): replace(
            cycle, id=name(cycle.id), parent=None if cycle.parent is None else name(cycle.parent)
        )
        for cycle in org.cycles.values()
    }
    objectives = {
        objective_id: replace(objective, cycle=name(objective.cycle))
        for objective_id, objective in org.objectives.items()
    }
    return replace(org, cycles=cycles, objectives=objectives)


def _moved(value: object, delta: timedelta) -> object:
    """``value`` with every date in it, however deep, moved by ``delta``."""
    if isinstance(value, date):
        return value + delta
    if isinstance(value, tuple):
        return tuple(_moved(item, delta) for item in value)
    if isinstance(value, dict):
        return {key: _moved(item, delta) for key, item in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        # Fields made by the dataclass itself (init=False: a key result's trend) follow.
        changes = {
            field.name: _moved(getattr(value, field.name), delta)
            for field in fields(value)
            if field.init
        }
        return replace(value, **changes)
    return value


@dataclass(frozen=True, slots=True)
class _Calendar:
    """One kind of calendar period: how its cycles are named and how days fall into it."""

    pattern: re.Pattern[str]
    # The period's number, counted from year 0, from a name's match and from a day.
    named: Callable[[re.Match[str]], int]
    holding: Callable[[date], int]
    name: Callable[[int], str]


_CALENDARS = (
    _Calendar(
        re.compile(r"^(\d{4})-Q([1-4])$"),
        named=lambda match: int(match[1]) * 4 + int(match[2]) - 1,
        holding=lambda day: day.year * 4 + (day.month - 1) // 3,
        name=lambda index: f"{index // 4:04d}-Q{index % 4 + 1}",
    ),
    _Calendar(
        re.compile(r"^FY(\d{4})$"),
        named=lambda match: int(match[1]),
        holding=lambda day: day.year,
        name=lambda index: f"FY{index:04d}",
    ),
)


def _calendar_names(org: m.Organization, delta: timedelta) -> dict[str, str]:
    """The new names of the cycles named after calendar quarters and years."""
    names: dict[str, str] = {}
    for calendar in _CALENDARS:
        numbers = {
            cycle.id: calendar.named(match)
            for cycle in org.cycles.values()
            if (match := calendar.pattern.match(cycle.id)) is not None
        }
        if not numbers:
            continue
        # The latest-starting one (the first of those in file order) sets the step.
        latest = max(numbers, key=lambda cycle_id: org.cycles[cycle_id].start)
        middle = _middle(org.cycles[latest])
        step = calendar.holding(middle + delta) - calendar.holding(middle)
        names |= {cycle_id: calendar.name(number + step) for cycle_id, number in numbers.items()}
    return names


def _middle(cycle: m.Cycle) -> date:
    return cycle.start + timedelta(days=(cycle.end - cycle.start).days // 2)


def _all_ids(org: m.Organization) -> set[str]:
    kinds: tuple[Mapping[str, object], ...] = (
        org.people,
        org.teams,
        org.cycles,
        org.objectives,
        org.key_results,
        org.dependencies,
    )
    return {item_id for kind in kinds for item_id in kind}
