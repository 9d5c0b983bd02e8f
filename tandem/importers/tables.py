"""Rows of a CSV file or of the sheets of an XLSX workbook, streamed, with the cells' own types.

CSV cells are text (read by the documented formats only: ISO dates, '.' decimals); XLSX cells
are what the sheet stores (numbers, dates, text). A formula is not computed here: it is
reported. Empty rows are skipped. Memory stays bounded: both are read row by row.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tandem.importers.notes import Notes
from tandem.importers.safezip import ZipRefusedError, checked_zip

Value = str | int | float | bool | date | datetime | None
# One cell of a CSV file can be long; not a whole file.
csv.field_size_limit(1024 * 1024)


@dataclass(frozen=True, slots=True)
class Row:
    where: str  # "people.csv row 12" or "Book.xlsx: People row 12"
    values: dict[str, Value]


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    headers: list[str]
    rows: Iterator[Row]


def getter(values: dict[str, Value], cols: dict[str, str]) -> Callable[[str], Value]:
    """A row's value by our field name, through the table's columns."""

    def get(field: str) -> Value:
        header = cols.get(field)
        return values.get(header) if header else None

    return get


def normal(header: str) -> str:
    """Headers compare without case, spaces, underscores or dashes."""
    return re.sub(r"[\s_\-]+", "", header.strip().lower())


def csv_tables(path: Path, notes: Notes) -> Iterator[Table]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            headers = [h.strip() for h in next(reader, [])]
        except (UnicodeDecodeError, csv.Error) as exc:
            notes.problem(path.name, None, f"not a readable UTF-8 CSV file ({exc})")
            return
        # The rows are read while this generator waits here, so the file stays open for them.
        yield Table(path.name, headers, _csv_rows(path.name, headers, reader, notes))


def _csv_rows(name: str, headers: list[str], reader: Any, notes: Notes) -> Iterator[Row]:
    try:
        for number, cells in enumerate(reader, start=2):
            values = {h: (c.strip() or None) for h, c in zip(headers, cells, strict=False) if h}
            if any(v is not None for v in values.values()):
                yield Row(f"{name} row {number}", values)
    except (UnicodeDecodeError, csv.Error) as exc:
        notes.problem(name, None, f"not a readable UTF-8 CSV file ({exc})")


def xlsx_tables(path: Path, notes: Notes) -> Iterator[Table]:
    from openpyxl import load_workbook  # noqa: PLC0415 - only XLSX imports pay for it

    try:
        checked_zip(path).close()
    except ZipRefusedError as exc:
        notes.problem(path.name, None, str(exc))
        return
    _merged_cells(path, notes)
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:
        notes.problem(path.name, None, f"not a readable XLSX workbook ({exc})")
        return
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows()
            first = next(rows, None)
            if first is None:
                continue
            headers = [str(c.value).strip() if c.value is not None else "" for c in first]
            yield Table(
                sheet.title, headers, _xlsx_rows(path.name, sheet.title, headers, rows, notes)
            )
    finally:
        book.close()


def _xlsx_rows(
    file: str, sheet: str, headers: list[str], rows: Iterator[Any], notes: Notes
) -> Iterator[Row]:
    for number, cells in enumerate(rows, start=2):
        values: dict[str, Value] = {}
        where = f"{file}: {sheet} row {number}"
        for header, cell in zip(headers, cells, strict=False):
            if not header:
                continue
            value = cell.value
            if getattr(cell, "data_type", None) == "f" or (
                isinstance(value, str) and value.startswith("=")
            ):
                notes.problem(
                    where,
                    header,
                    f"a formula ({str(value)[:40]}): its value is not computed on import; "
                    "paste the values instead",
                )
                value = None
            elif isinstance(value, str):
                value = value.strip() or None
            values[header] = value
        if any(v is not None for v in values.values()):
            yield Row(where, values)


_MERGE = re.compile(rb'<mergeCell [^>]*ref="([A-Z0-9:]+)"')


def _merged_cells(path: Path, notes: Notes) -> None:
    """openpyxl's read-only mode does not see merged cells: look for them in the sheets' XML,
    a megabyte at a time."""
    with checked_zip(path) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/sheet"):
                continue
            tail = b""
            with archive.open(info) as member:
                while chunk := member.read(1024 * 1024):
                    found = _MERGE.search(tail + chunk)
                    if found:
                        sheet = info.filename.rsplit("/", 1)[-1]
                        notes.problem(
                            f"{path.name}: {sheet}",
                            None,
                            f"merged cells ({found.group(1).decode()}): a merged cell holds its "
                            "value in its first cell only; unmerge them and fill every row",
                        )
                        break
                    tail = chunk[-200:]


def text(value: Value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip() or None


def number(value: Value, where: str, field: str, notes: Notes) -> int | float | None:
    """A number as the sheet stores it; text only in the plain form '-12.5' (no locale)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if isinstance(value, str):
        cleaned = value.strip().removesuffix("%").strip()
        if re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
            parsed = float(cleaned)
            return int(parsed) if parsed.is_integer() else parsed
    notes.problem(where, field, f"'{value}' is not a number (write it like 1234.5, no separators)")
    return None


def day(value: Value, where: str, field: str, notes: Notes, *, xlsx: bool) -> date | None:
    """A date as the sheet stores it; in a CSV file, ISO (YYYY-MM-DD) only."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        if xlsx:
            notes.problem(
                where, field, f"a date stored as text ('{value}'); format the cell as a date"
            )
            return None
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    notes.problem(where, field, f"'{value}' is not a date written YYYY-MM-DD")
    return None
