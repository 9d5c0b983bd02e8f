"""Forecasts and confidence calibration (SPEC section 5), on an evaluation of SPEC section 2.

Both read the organisation and its :class:`~tandem.core.results.Evaluation` for the same as-of
date, so whatever the evaluation was computed on (the whole file, or what one person may see:
:func:`tandem.core.visibility.restrict`) is what they count. Blast radius, critical providers
and the "what if" are in :mod:`tandem.core.blast`.
"""

from __future__ import annotations

import bisect
from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tandem.core import model as m
from tandem.core.numbers import MAX_NUMBER, usable_number
from tandem.core.results import Evaluation
from tandem.core.rules import EPSILON, EXPECTED_SCORE
from tandem.core.trend import TrendLine, trend_line


@dataclass(frozen=True, slots=True)
class Forecasts:
    """Where each key result and objective lands at its cycle's end if its trend holds; a key
    result or objective with no forecast is absent (None in the report)."""

    key_results: dict[str, float]
    objectives: dict[str, float]


def trend(kr: m.KeyResult, cycle: m.Cycle, as_of: date) -> tuple[float, float] | None:
    """The least-squares straight line through the key result's value check-ins from its own
    start to ``as_of``, as its values on ``as_of`` and on its cycle's end date (what the chart
    draws). One value a day, the day's last (a later check-in that day corrects the earlier);
    None for other metrics than numeric, with fewer than two days, and once the cycle has
    ended (SPEC section 5)."""
    if not isinstance(kr.metric, m.NumericMetric) or as_of >= cycle.end or len(kr.checkins) < 2:
        return None
    since = kr.since if kr.since is not None and kr.since > cycle.start else cycle.start
    line = _line(kr, since.toordinal(), as_of.toordinal())
    today, end = line.at(as_of.toordinal()), line.at(cycle.end.toordinal())
    return None if today is None or end is None else (today, end)


def _line(kr: m.KeyResult, since: int, upto: int) -> TrendLine:
    """The line through the key result's values from ``since`` to ``upto`` (ordinals): the
    one it keeps (:attr:`~tandem.core.model.KeyResult.trend`) when it counts the same days
    (from ``since``, and no value after ``upto``); else found again."""
    kept = kr.trend
    if kept is not None and kept.origin == since and kept.last <= upto:
        return kept
    return trend_line(kr.checkins, since, upto)


# The bounds of tandem.core.numbers, as floats: an int or a float compares with them exactly
# as with MAX_NUMBER (10^15 is a float exactly), and a float with a float is the faster.
_HIGH = float(MAX_NUMBER)


def forecast_key_result(kr: m.KeyResult, cycle: m.Cycle, as_of: date) -> float | None:
    """The forecast of one key result (SPEC section 5): the progress (section 2, clamped) that
    its :func:`trend` gives on its cycle's end date; None without a trend."""
    metric = kr.metric
    if not isinstance(metric, m.NumericMetric):
        return None
    # A number that breaks tandem.core.numbers' rule gives progress 0 (SPEC 2): no forecast.
    if not (usable_number(metric.start) and usable_number(metric.target)):
        return None
    span = metric.target - metric.start
    if span == 0:
        return None
    line = trend(kr, cycle, as_of)
    if line is None:
        return None
    return min(max((line[1] - metric.start) / span, 0.0), 1.0)


def objective_forecast(
    org: m.Organization, objective_id: str, found: dict[str, float]
) -> float | None:
    """The weighted mean (weights above 0, as for progress) of the forecasts ``found`` of the
    objective's key results that have one; None when none has."""
    total = weighted = 0.0
    for kid in org.objectives[objective_id].key_results:
        weight = org.key_results[kid].weight
        if kid in found and weight > 0:
            total += weight
            weighted += weight * found[kid]
    return weighted / total if total > 0 else None


def forecasts(org: m.Organization, evaluation: Evaluation) -> Forecasts:
    """Every key result's forecast, and every objective's: the weighted mean (weights above 0,
    as for progress) over its key results that have one.

    :func:`forecast_key_result` and :func:`objective_forecast`, inlined, in one pass over the
    objectives of the cycles under way (the others have none: their key results are not even
    looked at); the same numbers, added in the same order. Each key result's line is the one
    it keeps (:mod:`tandem.core.trend`) unless it has values after ``as_of`` (or was built
    without its cycle's start): a report of today reads no check-in."""
    as_of = evaluation.as_of
    key_results, cycles = org.key_results, org.cycles
    numeric = m.NumericMetric
    high = _HIGH
    low = -high
    upto = as_of.toordinal()
    found: dict[str, float] = {}
    by_objective: dict[str, float] = {}
    for oid, objective in org.objectives.items():
        cycle = cycles[objective.cycle]
        if as_of >= cycle.end:
            continue
        opened, end = cycle.start.toordinal(), cycle.end.toordinal()
        total = weighted = 0.0
        for kid in objective.key_results:
            kr = key_results[kid]
            # Kept for every numeric key result with two check-ins or more, once its cycle's
            # start is given (by the loaders): without one, nothing to forecast.
            line = kr.trend
            metric = kr.metric
            if line is None and (
                kr.cycle_start is not None
                or metric.__class__ is not numeric
                or len(kr.checkins) < 2
            ):
                continue
            start, target = metric.start, metric.target  # type: ignore[union-attr]
            # A number that breaks tandem.core.numbers' rule gives progress 0: no forecast.
            # (usable_number, inlined for plain ints and floats: NaN and infinities are out
            # of bounds.)
            kind, other = start.__class__, target.__class__
            if (kind is int or kind is float) and (other is int or other is float):
                if not (low <= start <= high and low <= target <= high):
                    continue
            elif not (usable_number(start) and usable_number(target)):
                continue
            span = target - start
            if span == 0:
                continue
            added = kr.since
            since = added.toordinal() if added is not None and added > cycle.start else opened
            # _line and TrendLine.at, inlined: the kept line when it counts the same days.
            if line is None or line.origin != since or line.last > upto:
                line = trend_line(kr.checkins, since, upto)
            origin, _last, slope, intercept = line
            if slope is None:
                continue
            # Clamped to [0, 1], as min(max(value, 0.0), 1.0) would.
            value = (intercept + slope * (end - origin) - start) / span
            if value < 0.0:
                value = 0.0
            elif value > 1.0:
                value = 1.0
            found[kid] = value
            weight = kr.weight
            if weight > 0:
                total += weight
                weighted += weight * value
        if total > 0:
            by_objective[oid] = weighted / total
    return Forecasts(found, by_objective)


# --- confidence calibration -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Calibration:
    """How well one team's mid-cycle confidence predicted its results (SPEC section 5).

    ``bins``: for each confidence level said (0..10, those said), how many key results and
    how many of them met their objective's expectation: the reliability chart's points."""

    team: str
    n: int
    brier: float
    overconfidence: float
    bins: tuple[tuple[int, int, int], ...]


def midpoint(cycle: m.Cycle) -> date:
    """The cycle's middle day (rounded down)."""
    return cycle.start + timedelta(days=(cycle.end - cycle.start).days // 2)


def closed_cycles(org: m.Organization, as_of: date, last: int | None = None) -> list[str]:
    """The cycles whose end is before ``as_of``, the latest ``last`` of them (by end date) when
    given, in file order."""
    closed = [c for c in org.cycles.values() if c.end < as_of]
    if last is not None:
        kept = (
            {c.id for c in sorted(closed, key=lambda c: (c.end, c.id))[-last:]} if last else set()
        )
        closed = [c for c in closed if c.id in kept]
    return [c.id for c in closed]


def _midpoint_confidence(checkins: tuple[m.CheckIn, ...], mid: date) -> int | None:
    """The confidence of the last check-in dated on or before ``mid`` that records one: found
    from the end of those check-ins (sorted by date), as the last one nearly always has one."""
    index = bisect.bisect_right(checkins, mid, key=_checkin_date)
    while index:
        index -= 1
        confidence = checkins[index].confidence
        if confidence is not None:
            return confidence
    return None


def _checkin_date(checkin: m.CheckIn) -> date:
    return checkin.date


def calibration(
    org: m.Organization,
    evaluation: Evaluation,
    cycles: Iterable[str] | None = None,
    teams: Iterable[str] | None = None,
) -> list[Calibration]:
    """Each team's calibration over the key results of its objectives in closed cycles (all
    of them, or those of ``cycles`` that are closed), teams with at least one counted, sorted
    by team id; ``teams`` narrows the teams reported."""
    closed = set(closed_cycles(org, evaluation.as_of))
    if cycles is not None:
        closed &= set(cycles)
    wanted: Container[str] = org.teams if teams is None else set(teams)
    mids = {cid: midpoint(org.cycles[cid]) for cid in closed}
    key_results, results = org.key_results, evaluation.key_results
    said: dict[str, list[tuple[int, int]]] = {}
    for objective in org.objectives.values():
        mid = mids.get(objective.cycle)
        if mid is None or objective.owner not in wanted:
            continue
        expected = EXPECTED_SCORE[objective.kind] - EPSILON
        pairs = None
        for kid in objective.key_results:
            score = results[kid].score
            if score is None:
                continue
            confidence = _midpoint_confidence(key_results[kid].checkins, mid)
            if confidence is not None:
                if pairs is None:
                    pairs = said.setdefault(objective.owner, [])
                pairs.append((confidence, 1 if score >= expected else 0))
    return [_team_calibration(team, said[team]) for team in sorted(said)]


def _team_calibration(team: str, pairs: list[tuple[int, int]]) -> Calibration:
    # sum() over lists, in the same order as over generators (faster, and the same float sums
    # whichever summation the Python version's sum() uses).
    n = len(pairs)
    said = [c / 10 for c, _hit in pairs]
    hits = [hit for _c, hit in pairs]
    brier = sum([(p - hit) ** 2 for p, hit in zip(said, hits, strict=True)]) / n
    overconfidence = sum(said) / n - sum(hits) / n
    bins: dict[int, list[int]] = {}
    for c, hit in pairs:
        counts = bins.get(c)
        if counts is None:
            bins[c] = [1, hit]
        else:
            counts[0] += 1
            counts[1] += hit
    return Calibration(
        team,
        n,
        brier,
        overconfidence,
        tuple([(c, counts[0], counts[1]) for c, counts in sorted(bins.items())]),
    )
