"""Betterworks' CSV: name, type (goal|milestone), progress, start_date, end_date, owner_email,
categories, description. A goal becomes an objective; the milestones after it (until the next
goal) its key results, each a percentage with its progress as one check-in. A goal without
milestones gets one key result, its own progress."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from tandem.importers.ids import digest_id
from tandem.importers.notes import Notes
from tandem.importers.periods import cycle_dates
from tandem.importers.refs import Refs
from tandem.importers.tables import Row, Table, day, getter, normal, number, text

COLUMNS = (
    "name",
    "type",
    "progress",
    "startdate",
    "enddate",
    "owneremail",
    "categories",
    "description",
)


def is_betterworks(headers: list[str]) -> bool:
    names = {normal(h) for h in headers}
    return {"name", "type", "owneremail"} <= names


def read_betterworks(
    tables: Iterable[Table], refs: Refs, notes: Notes, organization: str
) -> list[dict[str, Any]]:
    objectives: list[dict[str, Any]] = []
    pending: list[tuple[dict[str, Any], Row, Any]] = []
    for table in tables:
        cols = {normal(h): h for h in table.headers}
        for row in table.rows:
            get = getter(row.values, cols)
            kind = (text(get("type")) or "").lower()
            if kind == "goal":
                objective = _goal(row, get, refs, notes)
                if objective is not None:
                    objectives.append(objective)
                    pending.append((objective, row, get))
            elif kind == "milestone":
                if not objectives:
                    notes.problem(row.where, "type", "a milestone before any goal")
                    continue
                objectives[-1]["key_results"].append(
                    _key_result(row, get, refs, notes, objectives[-1])
                )
            else:
                notes.problem(row.where, "type", f"'{kind}' is neither goal nor milestone")
    for objective, row, get in pending:
        if not objective["key_results"]:
            objective["key_results"].append(_key_result(row, get, refs, notes, objective, own=True))
    refs.ensure_root(organization, notes, "Betterworks CSV")
    return objectives


def _owner(row: Row, get: Any, refs: Refs, notes: Notes) -> str | None:
    email = text(get("owneremail"))
    if not email:
        return None
    found = refs.person(email)
    if found is None:
        found = refs.person_id(given=None, email=email)
        refs.add_person({"id": found, "name": email.split("@")[0], "email": email})
        notes.guessed(
            row.where, "owner_email", f"{email} is new: person {found}, named after the e-mail"
        )
    return found


def _goal(row: Row, get: Any, refs: Refs, notes: Notes) -> dict[str, Any] | None:
    name = text(get("name"))
    start = day(get("startdate"), row.where, "start_date", notes, xlsx=False)
    end = day(get("enddate"), row.where, "end_date", notes, xlsx=False)
    owner = _owner(row, get, refs, notes)
    if not name or start is None or end is None or owner is None:
        if not name or owner is None:
            notes.problem(
                row.where, "name" if not name else "owner_email", "a goal needs a name and an owner"
            )
        return None
    if categories := text(get("categories")):
        notes.dropped(row.where, "categories", f"'{categories}' (Tandem has no categories)")
    entry: dict[str, Any] = {
        "id": digest_id("bw-", owner, name, start.isoformat()),
        "title": name,
        "cycle": _cycle(start, end, refs, notes, row.where),
        "owner": owner,
        "key_results": [],
    }
    if description := text(get("description")):
        entry["description"] = description[:5000]
    return entry


def _cycle(start: date, end: date, refs: Refs, notes: Notes, where: str) -> str:
    for cycle_id in (f"{start.year}-Q{(start.month - 1) // 3 + 1}", str(start.year)):
        if cycle_dates(cycle_id) == (start, end):
            refs.cycle(cycle_id)
            return cycle_id
    cycle_id = f"bw-{start.isoformat()}-{end.isoformat()}"
    if cycle_id not in refs.cycles:
        refs.cycles[cycle_id] = {"id": cycle_id, "start": start, "end": end}
        notes.guessed(where, "start_date", f"cycle '{cycle_id}' made for {start}..{end}")
    return cycle_id


def _key_result(
    row: Row, get: Any, refs: Refs, notes: Notes, objective: dict[str, Any], *, own: bool = False
) -> dict[str, Any]:
    name = text(get("name")) or "Milestone"
    entry: dict[str, Any] = {
        "id": digest_id("bw-", objective["id"], "" if own else name),
        "title": name,
        "metric": {"start": 0, "target": 100, "unit": "%"},
    }
    if owner := _owner(row, get, refs, notes):
        entry["owner"] = owner
    progress = number(get("progress"), row.where, "progress", notes)
    on = day(get("enddate"), row.where, "end_date", notes, xlsx=False) if not own else None
    cycle = refs.cycles.get(objective["cycle"]) or {}
    checked = on or cycle.get("start")
    if progress is not None and checked is not None:
        entry["checkins"] = [{"date": min(checked, cycle.get("end", checked)), "value": progress}]
    if own:
        notes.guessed(
            row.where, "progress", "a goal without milestones: one key result, its progress"
        )
    return entry
