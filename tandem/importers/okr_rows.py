"""The OKR table of a spreadsheet: one row per objective or key result, with a parent column."""

from __future__ import annotations

from typing import Any

from tandem.importers.ids import digest_id, slug
from tandem.importers.spreadsheet import _KEY_RESULT, _OBJECTIVE, SpreadsheetReader
from tandem.importers.tables import Row, getter, normal, number, text


def okr_entries(reader: SpreadsheetReader) -> list[dict[str, Any]]:
    """The objectives (with their key results) of the OKR rows."""
    objectives: dict[str, dict[str, Any]] = {}
    key_results: list[tuple[Row, dict[str, str], dict[str, Any]]] = []
    for row, cols in reader.okr_rows:
        get = getter(row.values, cols)
        title = text(get("title"))
        if not title:
            reader.notes.problem(row.where, "title", "a row needs a title")
            continue
        kind = _kind(reader, row, get)
        given = text(get("id"))
        entry_id = (
            slug(given)
            if given
            else digest_id(
                "okr-",
                title,
                text(get("cycle")) or "",
                text(get("owner")) or "",
                text(get("parent")) or "",
            )
        )
        entry: dict[str, Any] = {"id": entry_id, "title": title}
        if description := text(get("description")):
            entry["description"] = description
        if kind == "objective":
            _objective(reader, row, get, entry)
            objectives[entry_id] = entry
        else:
            key_results.append((row, cols, entry))
    for row, cols, entry in key_results:
        _key_result(reader, row, cols, entry, objectives)
    return list(objectives.values())


def _kind(reader: SpreadsheetReader, row: Row, get: Any) -> str:
    value = text(get("type"))
    if value and normal(value) in _OBJECTIVE:
        return "objective"
    if value and normal(value) in _KEY_RESULT:
        return "key_result"
    guess = "key_result" if get("target") is not None else "objective"
    what = f"'{value}' is neither objective nor key result" if value else "no type"
    reader.notes.guessed(row.where, "type", f"{what}: read as {guess.replace('_', ' ')}")
    return guess


def _objective(reader: SpreadsheetReader, row: Row, get: Any, entry: dict[str, Any]) -> None:
    notes, refs = reader.notes, reader.refs
    cycle_name = text(get("cycle"))
    if not cycle_name:
        notes.problem(row.where, "cycle", "an objective needs a cycle")
    else:
        cycle_id, guessed = refs.cycle(cycle_name)
        if cycle_id is None:
            notes.problem(row.where, "cycle", f"'{cycle_name}' is no cycle and no period name")
        else:
            entry["cycle"] = cycle_id
            if guessed:
                notes.guessed(row.where, "cycle", guessed)
    owner = text(get("owner"))
    owner_id = refs.person(owner) or refs.team(owner)
    if owner_id is None:
        notes.problem(row.where, "owner", f"'{owner or ''}' is no person or team")
    entry["owner"] = owner_id
    commitment = normal(text(get("commitment")) or "")
    if commitment in {"committed", "commit"}:
        entry["kind"] = "committed"
    if parent := text(get("parent")):
        entry["aligns_to"] = slug(parent)
    entry["key_results"] = []


def _key_result(
    reader: SpreadsheetReader,
    row: Row,
    cols: dict[str, str],
    entry: dict[str, Any],
    objectives: dict[str, dict[str, Any]],
) -> None:
    notes, refs = reader.notes, reader.refs
    get = getter(row.values, cols)
    parent = text(get("parent"))
    objective = objectives.get(slug(parent)) if parent else None
    if objective is None and parent and refs.known and slug(parent) in refs.known.objectives:
        objective = objectives.setdefault(
            slug(parent), {"id": slug(parent), "_partial": True, "key_results": []}
        )
    if objective is None:
        notes.problem(
            row.where, "parent", f"a key result needs its objective; '{parent or ''}' is none"
        )
        return
    if owner := text(get("owner")):
        entry["owner"] = refs.person(owner)
        if entry["owner"] is None:
            notes.problem(row.where, "owner", f"'{owner}' is no person")
    start = number(get("start"), row.where, cols.get("start", "start"), notes)
    target = number(get("target"), row.where, cols.get("target", "target"), notes)
    weight = number(get("weight"), row.where, cols.get("weight", "weight"), notes)
    if weight is not None:
        entry["weight"] = weight
    unit = text(get("unit"))
    if target is None:
        entry["metric"] = "boolean"
        notes.guessed(row.where, "target", "no target: a done / not done key result")
    else:
        if start is None:
            start = 0
            notes.guessed(row.where, "start", "no start: 0")
        entry["metric"] = {"start": start, "target": target} | ({"unit": unit} if unit else {})
    objective["key_results"].append(entry)
