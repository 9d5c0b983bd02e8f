"""The rules of SPEC section 2 for one key result on one day: the time gone by, what its
check-ins and milestones say (its reading), its score and its own health.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tandem.core import model as m
from tandem.core.numbers import usable_number
from tandem.core.results import Health

# The score an objective needs to meet its expectation (SPEC: committed 1.0, aspirational 0.7).
EXPECTED_SCORE = {m.Kind.COMMITTED: 1.0, m.Kind.ASPIRATIONAL: 0.7}

# Floating-point slack for comparisons against thresholds such as a 0.7 score.
EPSILON = 1e-9


def elapsed_fraction(cycle: m.Cycle, as_of: date) -> float:
    span = (cycle.end - cycle.start).days
    return min(max((as_of - cycle.start).days / span, 0.0), 1.0)


def expected_since(since: date, end: date, as_of: date) -> float:
    """The expected progress of a key result added on ``since`` to a cycle ending on ``end``:
    the share of its own time gone by, 1 when it was added on the cycle's last day."""
    span = (end - since).days
    if span <= 0:
        return 1.0
    return min(max((as_of - since).days / span, 0.0), 1.0)


def key_result_start(kr: m.KeyResult, cycle: m.Cycle) -> date:
    """The key result's own start (SPEC section 2): the later of its cycle's start and the day
    it was added."""
    since = kr.since
    return since if since is not None and since > cycle.start else cycle.start


def round_score(progress: float) -> float:
    """Half-up to one decimal (0.25 -> 0.3), immune to binary float noise."""
    exact = Decimal(repr(round(progress, 9)))
    return float(exact.quantize(_TENTH, rounding=ROUND_HALF_UP))


_TENTH = Decimal("0.1")


def level_of(objective: m.Objective, org: m.Organization, root_id: str | None) -> m.Level:
    if objective.owner == root_id:
        return m.Level.COMPANY
    if objective.owner in org.teams:
        return m.Level.TEAM
    return m.Level.INDIVIDUAL


def pace_health(progress: float, elapsed: float) -> Health:
    if progress >= elapsed - 0.10 - EPSILON:
        return Health.ON_TRACK
    if progress >= elapsed - 0.25 - EPSILON:
        return Health.AT_RISK
    return Health.OFF_TRACK


def confidence_health(confidence: int, settings: m.Settings) -> Health:
    if confidence >= settings.on_track_confidence:
        return Health.ON_TRACK
    if confidence >= settings.at_risk_confidence:
        return Health.AT_RISK
    return Health.OFF_TRACK


@dataclass(slots=True)
class Reading:
    """What a key result's check-ins and milestones say on the as-of date."""

    progress: float | None  # None for roll-ups until their children are known
    current: float | bool | None
    confidence: int | None
    last_update: date
    # What its pace is judged against: its cycle's elapsed fraction, or its own from `since`.
    expected: float


def _checkin_date(checkin: m.CheckIn) -> date:
    return checkin.date


def _latest_value(checkins: Sequence[m.CheckIn], measured: bool) -> float | bool | None:
    """The latest value recorded: a check-in without one (a confidence or a note only) keeps
    the one before. A number that breaks tandem.core.numbers' rule (a row written before it,
    or by hand) is left out as if absent; the unusable-number quality rule reports it."""
    for checkin in reversed(checkins):
        value = checkin.value
        if value is not None and (not measured or usable_number(value)):
            return value
    return None


def _milestones(
    metric: m.MilestonesMetric, newest: date | None, start: date, as_of: date
) -> tuple[float, int, date]:
    """Progress, the number of milestones done, and the last update: the latest of ``newest``
    (the latest check-in's date) and the milestones done by ``as_of``, else ``start``."""
    # Integer starts, as sum() has, so that whole-number weights add up the same way.
    total: float = 0
    done_weight: float = 0
    done = 0
    for milestone in metric.milestones:
        total += milestone.weight
        done_on = milestone.done_on
        if done_on is not None and done_on <= as_of:
            done_weight += milestone.weight
            done += 1
            if newest is None or done_on > newest:
                newest = done_on
    progress = done_weight / total if total > 0 else 0.0
    return progress, done, newest if newest is not None else start


def read(kr: m.KeyResult, cycle: m.Cycle, elapsed: float, as_of: date) -> Reading:
    # Runs once per key result, so it avoids building lists: the check-ins are sorted by
    # date, and the database's read as of a day holds none after it (the slice is then
    # skipped).
    checkins = kr.checkins
    if checkins and checkins[-1].date > as_of:
        checkins = checkins[: bisect.bisect_right(checkins, as_of, key=_checkin_date)]
    latest = checkins[-1] if checkins else None
    # Its own start (key_result_start, inlined) and what is expected of it by now: most key
    # results have been there since the cycle started and share the cycle's fraction.
    start = cycle.start
    expected = elapsed
    since = kr.since
    if since is not None and since > start:
        start = since
        expected = expected_since(since, cycle.end, as_of)
    last_update = latest.date if latest is not None else start
    metric = kr.metric
    value = _latest_value(checkins, isinstance(metric, m.NumericMetric | m.ThresholdMetric))
    progress: float | None
    current: float | bool | None
    if isinstance(metric, m.NumericMetric):
        if usable_number(metric.start) and usable_number(metric.target):
            current = value if value is not None else metric.start
            span = metric.target - metric.start
            progress = 0.0 if span == 0 else (float(current) - metric.start) / span
        else:
            current, progress = value, 0.0
    elif isinstance(metric, m.ThresholdMetric):
        current = value
        if current is None or not usable_number(metric.threshold):
            progress = 0.0
        elif metric.above:
            progress = 1.0 if current >= metric.threshold else 0.0
        else:
            progress = 1.0 if current <= metric.threshold else 0.0
    elif isinstance(metric, m.BooleanMetric):
        current = value is True
        progress = 1.0 if current else 0.0
    elif isinstance(metric, m.MilestonesMetric):
        newest = latest.date if latest is not None else None
        progress, current, last_update = _milestones(metric, newest, start, as_of)
    else:
        current, progress = None, None
    if progress is not None:
        # Clamped to [0, 1], as min(max(progress, 0.0), 1.0) would.
        if progress < 0.0:
            progress = 0.0
        elif progress > 1.0:
            progress = 1.0
    confidence = latest.confidence if latest is not None else None
    return Reading(progress, current, confidence, last_update, expected)
