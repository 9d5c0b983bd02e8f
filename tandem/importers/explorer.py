"""Viva Goals' Explorer export (CSV or XLSX): one row per goal, the columns the user picked."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tandem.importers.goals import Goal, GoalBuilder
from tandem.importers.html import html_to_text
from tandem.importers.ids import slug
from tandem.importers.notes import Notes
from tandem.importers.refs import Refs
from tandem.importers.tables import Row, Table, day, normal, text

HEADERS = {
    "id": "id",
    "title": "title",
    "owner": "owner",
    "period": "period",
    "startdate": "start",
    "enddate": "end",
    "description": "description",
    "alignedto(weight,objectiveid)": "aligned",
    "alignedto": "aligned",
    "metricname": "metric",
    "target": "target",
    "objecttype": "type",
    "status": "status",
    "tag": "tag",
}
_ALIGNED = re.compile(r"weight:\s*([\d.]+%?)\s*,\s*id:\s*(\d+)", re.IGNORECASE)


def is_explorer(headers: list[str]) -> bool:
    names = {normal(h) for h in headers}
    return "objecttype" in names or "alignedto(weight,objectiveid)" in names


def read_explorer(
    tables: Iterable[Table], refs: Refs, notes: Notes, organization: str, *, xlsx: bool
) -> list[dict[str, Any]]:
    builder = GoalBuilder(refs, notes)
    for table in tables:
        cols = {HEADERS[normal(h)]: h for h in table.headers if normal(h) in HEADERS}
        for header in table.headers:
            if header and normal(header) not in HEADERS:
                notes.dropped(table.name, header, "column not recognised; ignored")
        if "id" not in cols or "title" not in cols:
            notes.problem(table.name, None, "an Explorer export needs the Id and Title columns")
            continue
        for row in table.rows:
            goal = _goal(row, cols, refs, notes, xlsx=xlsx)
            if goal is not None:
                builder.add(goal)
    refs.nest_cycles()
    refs.ensure_root(organization, notes, "Explorer export")
    return builder.objectives()


def _goal(row: Row, cols: dict[str, str], refs: Refs, notes: Notes, *, xlsx: bool) -> Goal | None:
    def get(field: str) -> Any:
        return row.values.get(cols[field]) if field in cols else None

    raw_id = text(get("id")) or ""
    digits = re.findall(r"\d+", raw_id)
    if not digits:
        notes.problem(row.where, "Id", f"'{raw_id}' holds no goal id")
        return None
    aligned = [(i, w) for w, i in _ALIGNED.findall(text(get("aligned")) or "")]
    target = text(get("target"))
    outcome: dict[str, Any] = {}
    if target is not None:
        outcome = {
            "Outcome Type": "Metric",
            "Metric Name": text(get("metric")),
            "Start": 0,
            "Target": target,
            "Target Type": "increase",
        }
        notes.guessed(row.where, "Target", "the export has no start: 0")
    description = text(get("description"))
    cycle = _cycle(row, get, refs, notes, xlsx=xlsx)
    if cycle is None and text(get("period")):
        return None  # its period is reported
    return Goal(
        where=row.where,
        source_id=digits[-1],
        title=text(get("title")) or "",
        type=text(get("type")) or "",
        owner=_owner(text(get("owner")), refs, notes, row.where),
        team=None,
        cycle=cycle,
        alignments=aligned,
        description=html_to_text(description) if description else None,
        outcome=outcome,
        status=text(get("status")) or "",
    )


def _owner(name: str | None, refs: Refs, notes: Notes, where: str) -> str | None:
    if not name:
        return None
    found = refs.person(name)
    if found is None:
        found = slug(name.lower(), prefix="viva-")
        refs.add_person({"id": found, "name": name} | ({"email": name} if "@" in name else {}))
        notes.guessed(
            where,
            "Owner",
            f"'{name}' is new: person {found}" + ("" if "@" in name else " without an e-mail"),
        )
    return found


def _cycle(row: Row, get: Any, refs: Refs, notes: Notes, *, xlsx: bool) -> str | None:
    name = text(get("period"))
    if not name:
        return None
    cycle_id, guessed = refs.cycle(name)
    if cycle_id is not None:
        if guessed:
            notes.guessed(row.where, "Period", guessed)
        return cycle_id
    start = day(get("start"), row.where, "Start Date", notes, xlsx=xlsx)
    end = day(get("end"), row.where, "End Date", notes, xlsx=xlsx)
    if start is None or end is None:
        notes.problem(
            row.where,
            "Period",
            f"'{name}' is no period name Tandem reads, and the row has no dates",
        )
        return None
    cycle_id = slug(name, prefix="viva-period-")
    if cycle_id not in refs.cycles:
        refs.cycles[cycle_id] = {"id": cycle_id, "start": start, "end": end}
        notes.guessed(
            row.where,
            "Period",
            f"'{name}' is no period name Tandem reads; cycle '{cycle_id}' uses the row's dates",
        )
    return cycle_id
