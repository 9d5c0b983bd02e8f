"""The check-ins the insight (SPEC section 5) reads besides the engine's two per key result.

A report as of a day reads per key result only its latest check-in and its latest value
(:mod:`tandem.organization.selectors`). The forecast needs every value of the cycles under way
(up to that day), and the confidence calibration the last confidence on or before the middle
of each closed cycle. This reads those in one query; :func:`merged` puts them with the
engine's, in the order of the full history, so the engine reads the same latest ones and the
insight computes on the database what it computes on the file.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from django.db import connection

from tandem.core import model as m
from tandem.core.insight import midpoint

# For PostgreSQL the value column is jsonb; SQLite keeps JSON as text.
_NOT_NULL = {"postgresql": "x.value <> 'null'::jsonb", "sqlite": "x.value <> 'null'"}
_VALUE = {"postgresql": "CAST(x.value AS TEXT)", "sqlite": "x.value"}


def _sql(active: list[str], closed: list[str], params: dict[str, Any]) -> str:
    def names(prefix: str, ids: list[str]) -> str:
        for index, cycle_id in enumerate(ids):
            params[f"{prefix}{index}"] = cycle_id
        return ", ".join(f"%({prefix}{index})s" for index in range(len(ids))) or "NULL"

    mids = " ".join(f"WHEN %(k{index})s THEN %(m{index})s" for index in range(len(closed)))
    vendor = connection.vendor if connection.vendor in _NOT_NULL else "sqlite"
    return (
        f"SELECT x.key_result_id, x.id, x.date, {_VALUE[vendor]}, x.confidence, x.note,"  # noqa: S608
        " x.author_id, o.cycle_id FROM checkins_checkin x"
        " JOIN okrs_keyresult kr ON kr.id = x.key_result_id"
        " JOIN okrs_objective o ON o.id = kr.objective_id"
        " WHERE NOT x.withdrawn AND x.date <= %(as_of)s AND ("
        f"(o.cycle_id IN ({names('a', active)}) AND kr.form = 'numeric' AND x.value IS NOT NULL"
        f" AND {_NOT_NULL[vendor]})"
        f" OR (o.cycle_id IN ({names('c', closed)}) AND x.confidence IS NOT NULL"
        + (f" AND x.date <= CASE o.cycle_id {mids} END" if closed else "")
        + ")) ORDER BY x.key_result_id, x.date, x.id"
    )


def insight_checkins(
    as_of: date, cycles: dict[str, m.Cycle]
) -> dict[str, list[tuple[int, m.CheckIn]]]:
    """By key result, (id, check-in) of: the value check-ins of the numeric key results of the
    cycles not ended by ``as_of``, up to it; the last check-in with a confidence on or before
    the middle of each cycle ended before it. Each list in the order of the full history."""
    active = [c.id for c in cycles.values() if as_of < c.end]
    closed = [c for c in cycles.values() if c.end < as_of]
    if not active and not closed:
        return {}
    params: dict[str, Any] = {"as_of": as_of}
    for index, cycle in enumerate(closed):
        params[f"k{index}"] = cycle.id
        params[f"m{index}"] = midpoint(cycle)
    closed_ids = [c.id for c in closed]
    with connection.cursor() as cursor:
        cursor.execute(_sql(active, closed_ids, params), params)
        rows = cursor.fetchall()
    values = json.loads("[" + ",".join(row[3] or "null" for row in rows) + "]")
    ended = set(closed_ids)
    found: dict[str, list[tuple[int, m.CheckIn]]] = defaultdict(list)
    for row, value in zip(rows, values, strict=True):
        kr_id, id_, day, _text, confidence, note, by, cycle_id = row
        checkin = m.CheckIn(day, value, confidence, note, by)
        if cycle_id in ended:
            found[kr_id][:] = [(id_, checkin)]  # the last one by the middle alone
        else:
            found[kr_id].append((id_, checkin))
    return found


def merged(
    engine: tuple[tuple[int, m.CheckIn], ...], insight: list[tuple[int, m.CheckIn]]
) -> tuple[m.CheckIn, ...]:
    """The check-ins of both reads, each once, by date and then in the order recorded."""
    by_id = dict(insight)
    by_id.update(engine)
    ordered = sorted(by_id.items(), key=lambda item: (item[1].date, item[0]))
    return tuple(checkin for _id, checkin in ordered)
