"""A key result's trend line (SPEC section 5), kept with its check-ins.

A forecast is the least-squares straight line through a key result's values, one a day (the
day's last), from its start to the as-of date, read on its cycle's end date. :func:`trend_line`
finds that line in one pass over the check-ins. :class:`tandem.core.model.KeyResult` keeps the
line from its start through all its check-ins (:attr:`~tandem.core.model.KeyResult.trend`),
found once when it is built: when the organisation is loaded, or when a check-in is added to
what a server holds. A report for a day on or after a key result's last value (nearly every
report) then reads none of its check-ins: :func:`tandem.core.insight.forecasts` uses the kept
line, and finds the line again, with the same function (so the same floats), only for the
others.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import NamedTuple, Protocol

from tandem.core.numbers import MAX_NUMBER


class _Dated(Protocol):
    """A check-in, as far as the sums read it."""

    @property
    def date(self) -> datetime.date: ...

    @property
    def value(self) -> object: ...


class TrendLine(NamedTuple):
    """The least-squares line through one value a day (the day's last usable one) from day
    ``origin`` to day ``last`` (ordinals; ``last``: the last day with a value, the day before
    ``origin`` when there is none): its value on day ``origin`` and its ``slope`` a day; no
    slope (None, and no meaningful value) with a single day or none. A tuple of numbers
    only: the cyclic garbage collector stops following it after its first look."""

    origin: int
    last: int
    slope: float | None
    intercept: float

    def at(self, day: int) -> float | None:
        """The line's value on ``day`` (an ordinal); None without a slope."""
        slope = self.slope
        return None if slope is None else self.intercept + slope * (day - self.origin)


# The bounds of tandem.core.numbers, as floats: an int or a float compares with them exactly as
# with MAX_NUMBER (10^15 is a float exactly), and a float with a float is the faster.
_HIGH = float(MAX_NUMBER)


def trend_line(checkins: Iterable[_Dated], since: int, upto: int | None = None) -> TrendLine:
    """The line through the check-ins' usable values (ints and finite floats within the bounds of
    :mod:`tandem.core.numbers`; not true/false) dated from ``since`` to ``upto`` (ordinals,
    both included; ``upto`` None: all), one a day, the day's last (a later check-in that day
    corrects the earlier), days counted from ``since`` (whole numbers: their sums are exact).
    ``checkins`` are sorted by date.

    The hot path of the insight at load: it reads every check-in once, so the usable-number
    test is inlined."""
    high = _HIGH
    low = -high
    n = 0
    sx = sy = sxx = sxy = 0.0
    day = -1  # none yet: the days counted are 0 or more
    value = 0.0
    for checkin in checkins:
        x = checkin.date.toordinal() - since
        if x < 0:
            continue
        if upto is not None and x > upto - since:
            break
        number = checkin.value
        kind = number.__class__
        if kind is float:
            if not low <= number <= high:  # type: ignore[operator]  # NaN is not
                continue
        elif kind is int and low <= number <= high:  # type: ignore[operator]
            number = float(number)  # type: ignore[arg-type]
        else:
            continue
        if x != day:
            if day >= 0:  # the previous day's last value
                n += 1
                sx += day
                sy += value
                sxx += day * day
                sxy += day * value
            day = x
        value = number  # type: ignore[assignment]
    if day < 0:
        return TrendLine(since, since - 1, None, 0.0)
    n += 1
    sx += day
    sy += value
    sxx += day * day
    sxy += day * value
    spread = n * sxx - sx * sx  # 0 with a single day (the x are whole numbers: exact)
    if n < 2 or spread <= 0:
        return TrendLine(since, since + day, None, value)
    slope = (n * sxy - sx * sy) / spread
    return TrendLine(since, since + day, slope, (sy - slope * sx) / n)
