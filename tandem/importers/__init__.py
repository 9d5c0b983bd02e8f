"""Readers of other tools' files (spreadsheets, Viva Goals, Betterworks) into Tandem's OKR file.

Each reader turns its source into an OKR-file document (:mod:`tandem.okrfile`'s shape) with ids
derived from the source's ids, so that importing the same file again changes nothing; and notes
what it could not read (problems: nothing is imported), guessed or dropped. The document is
merged into the organisation already in Tandem (so rows may name people and teams it has) and
loaded by :mod:`tandem.okrfile`, whose checks apply as to any OKR file. No Django here.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from tandem.core import model as m
from tandem.importers.betterworks import is_betterworks, read_betterworks
from tandem.importers.explorer import is_explorer, read_explorer
from tandem.importers.merge import merged_document
from tandem.importers.notes import Imported, ImportSourceError, Note, Notes
from tandem.importers.okr_rows import okr_entries
from tandem.importers.refs import Refs
from tandem.importers.spreadsheet import SpreadsheetReader
from tandem.importers.tables import csv_tables, xlsx_tables

FORMATS = ("okr", "csv", "xlsx", "viva", "viva-explorer", "betterworks")

__all__ = [
    "FORMATS",
    "ImportSourceError",
    "Imported",
    "Note",
    "detect",
    "organization_from",
    "read_source",
]


def detect(paths: list[Path]) -> str:
    """The format of ``paths`` from their names and, for tables, their headers."""
    suffix = paths[0].suffix.lower()
    if suffix == ".zip":
        return "viva"
    if suffix not in (".csv", ".xlsx"):
        return "okr"
    notes = Notes()
    tables = _tables(paths[0], notes)
    first = next(tables, None)
    headers = first.headers if first else []
    tables.close()
    if is_betterworks(headers):
        return "betterworks"
    if is_explorer(headers):
        return "viva-explorer"
    return suffix[1:]


def _tables(path: Path, notes: Notes) -> Any:
    return xlsx_tables(path, notes) if path.suffix.lower() == ".xlsx" else csv_tables(path, notes)


def _all_tables(paths: list[Path], notes: Notes) -> Any:
    for path in paths:
        if not path.is_file():
            notes.problem(str(path), None, "no such file")
            continue
        yield from _tables(path, notes)


def read_source(
    paths: list[Path],
    fmt: str,
    *,
    known: m.Organization | None = None,
    mapping: dict[str, str] | None = None,
    organization: str = "Company",
) -> Imported:
    """Read ``paths`` (one ZIP, or one or more CSV/XLSX files) as ``fmt``; raise
    :class:`ImportSourceError` with every problem when they cannot be imported."""
    notes = Notes()
    refs = Refs(known)
    name = known.name if known is not None else organization
    if fmt == "viva":
        from tandem.importers.viva import read_viva_zip  # noqa: PLC0415

        objectives = read_viva_zip(paths[0], refs, notes, name)
    elif fmt == "viva-explorer":
        xlsx = paths[0].suffix.lower() == ".xlsx"
        objectives = read_explorer(_all_tables(paths, notes), refs, notes, name, xlsx=xlsx)
    elif fmt == "betterworks":
        objectives = read_betterworks(_all_tables(paths, notes), refs, notes, name)
    elif fmt in ("csv", "xlsx"):
        reader = SpreadsheetReader(refs, notes, mapping or {}, xlsx=fmt == "xlsx")
        reader.read(_all_tables(paths, notes))
        reader.finish(name)
        objectives = okr_entries(reader)
        refs.nest_cycles()
    else:
        raise ValueError(f"unknown format {fmt}")
    notes.raise_if_problems()
    document = {
        "version": 1,
        "organization": name,
        "people": list(refs.people.values()),
        "teams": list(refs.teams.values()),
        "cycles": list(refs.cycles.values()),
        "objectives": objectives,
    }
    return Imported(fmt, document, notes.items)


def organization_from(
    imported: Imported, base: dict[str, Any] | None, source: str
) -> m.Organization:
    """The organisation Tandem would hold: ``base`` (the OKR-file document of what it holds now)
    with the import merged in, loaded and checked as an OKR file."""
    from tandem.okrfile import OkrFileError, load_text  # noqa: PLC0415
    from tandem.okrfile.dump import write_yaml  # noqa: PLC0415

    document = merged_document(base, imported.document)
    buffer = io.StringIO()
    write_yaml(document, buffer)
    try:
        return load_text(buffer.getvalue(), filename=source).organization
    except OkrFileError as exc:
        raise ImportSourceError(
            [Note("problem", source, p.id, p.message) for p in exc.problems]
        ) from None
