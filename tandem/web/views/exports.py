"""The report of SPEC section 4 as a CSV file and an Excel workbook.

Both hold ``report_get`` for the caller, the whole scope (cycle and team, as the printable
page of :mod:`tandem.web.views.report` chooses it): what they may see, computed on what they
may see, exactly the numbers ``tandem report --format json`` prints for an admin.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.http import HttpResponse
from django.urls import path
from django.utils.text import slugify

from tandem.core import model as m
from tandem.organization.cache import View
from tandem.organization.wording import owner_name
from tandem.web.pages import WebRequest, signed_in
from tandem.web.views.scope import file_data
from tandem.web.words import dependency_words, health_word

# --- the report's rows -------------------------------------------------------------------

CSV_COLUMNS = [
    "objective_id",
    "objective_title",
    "objective_owner",
    "objective_owner_name",
    "cycle",
    "objective_progress",
    "objective_health",
    "objective_score",
    "key_result_id",
    "key_result_title",
    "key_result_owner",
    "key_result_progress",
    "current",
    "confidence",
    "key_result_health",
    "at_risk_from",
    "last_update",
]

# Spreadsheets run a cell that starts with one of these as a formula: a title such as
# "=HYPERLINK(...)" must stay text (OWASP's "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# A spreadsheet whose list separator is ';' (most of Europe) splits a comma-separated file at
# every ';', quotes or not: what follows a ';' is the start of a cell too.
_AFTER_SEMICOLON = re.compile(r";(?=[=+\-@\t\r])")


def _text(value: str | None) -> str:
    if not value:
        return ""
    value = _AFTER_SEMICOLON.sub(";'", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _cell(value: object) -> object:
    """A number stays a number, None is empty, True/False are words."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_rows(view: View, data: dict[str, Any]) -> Iterator[list[object]]:
    """One row per key result with its objective's columns; an objective without key results
    has one row with the key result columns empty. (The CSV writer writes None as empty.)"""
    key_results: dict[str, list[dict[str, Any]]] = {}
    for row in data["key_results"]:
        key_results.setdefault(row["objective"], []).append(row)
    name_of = _Names(view.org)
    for objective in data["objectives"]:
        head = _csv_head(view, objective, name_of)
        rows = key_results.get(objective["id"], [])
        if not rows:
            yield head + [""] * (len(CSV_COLUMNS) - len(head))
        for row in rows:
            yield head + _csv_key_result(view, row)


class _Names:
    """Owners' names, each looked up once (a file names the same teams thousands of times)."""

    def __init__(self, org: m.Organization) -> None:
        self.org = org
        self.names: dict[str | None, str] = {}

    def __call__(self, owner: str | None) -> str:
        if owner not in self.names:
            self.names[owner] = owner_name(self.org, owner)
        return self.names[owner]


def _csv_head(view: View, objective: dict[str, Any], name_of: _Names) -> list[object]:
    """The objective's columns."""
    owner = objective["owner"]
    return [
        objective["id"],
        _text(view.org.objectives[objective["id"]].title),
        owner,
        _text(name_of(owner)),
        objective["cycle"],
        objective["progress"],
        health_word(objective["health"]),
        objective["score"],
    ]


def _csv_key_result(view: View, row: dict[str, Any]) -> list[object]:
    """The key result's columns."""
    key_result = view.org.key_results[row["id"]]
    return [
        row["id"],
        _text(key_result.title),
        key_result.owner,
        row["progress"],
        _cell(row["current"]),  # the only one that may be true or false
        row["confidence"],
        health_word(row["health"]),
        " ".join(row["at_risk_from"]),
        view.evaluation.key_results[row["id"]].last_update.isoformat(),
    ]


def filename(data: dict[str, Any], team: str | None, extension: str) -> str:
    parts = ["tandem-report", slugify(team) if team else "", data["as_of"]]
    return "-".join(p for p in parts if p) + "." + extension


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@signed_in
def report_csv(request: WebRequest) -> HttpResponse:
    view, team, data = file_data(request)
    # UTF-8 with a byte order mark: Excel reads UTF-8 only when the file says so, and
    # LibreOffice and every CSV library skip the mark.
    out = io.StringIO()
    out.write("\ufeff")
    # Every field quoted, so that a ',' or a line break in a text never starts a cell either.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(view, data))
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename(data, team, "csv"))


# --- the Excel workbook ------------------------------------------------------------------
#
# Written with XlsxWriter, in memory: text with typed writers (never a formula: "=HYPERLINK(...)"
# stays text), numbers, booleans and dates as themselves, each column's number format applying
# to its numbers and dates. tests/web/test_exports.py reads the file back with openpyxl.

PERCENT, SCORE, DAY = "0.0%", "0.0", "yyyy-mm-dd"

OBJECTIVE_COLUMNS: list[tuple[str, int, str | None]] = [
    ("Objective", 12, None),
    ("Title", 48, None),
    ("Cycle", 10, None),
    ("Owner", 12, None),
    ("Owner name", 20, None),
    ("Level", 11, None),
    ("Kind", 13, None),
    ("Aligns to", 12, None),
    ("Progress", 10, PERCENT),
    ("Expected progress", 10, PERCENT),
    ("Health", 11, None),
    ("Score", 8, SCORE),
    ("Met expectation", 10, None),
]
KEY_RESULT_COLUMNS: list[tuple[str, int, str | None]] = [
    ("Objective", 12, None),
    ("Key result", 12, None),
    ("Title", 48, None),
    ("Owner", 12, None),
    ("Progress", 10, PERCENT),
    ("Current", 10, None),
    ("Confidence", 10, None),
    ("Own health", 11, None),
    ("Health", 11, None),
    ("At risk from", 14, None),
    ("Stale", 8, None),
    ("Last update", 12, DAY),
    ("Score", 8, SCORE),
]
DEPENDENCY_COLUMNS: list[tuple[str, int, str | None]] = [
    ("Dependency", 12, None),
    ("From", 12, None),
    ("Provider", 12, None),
    ("Provider name", 20, None),
    ("Need", 48, None),
    ("State", 11, None),
    ("Status", 11, None),
    ("Due", 12, DAY),
]

# Not allowed in XML 1.0 at all (a title pasted with a control character would break the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Day 0 of Excel's 1900 date system (as XlsxWriter and openpyxl count).
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()


def _sheet(
    book: xlsxwriter.Workbook,
    title: str,
    columns: list[tuple[str, int, str | None]],
    rows: Iterable[list[Any]],
) -> None:
    """One worksheet: the header row bold on a dark fill and frozen, the column widths and
    number formats, then a row per item."""
    sheet = book.add_worksheet(title)
    sheet.freeze_panes(1, 0)
    header = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#24292F"})
    formats = []
    for index, (name, width, number_format) in enumerate(columns):
        cell_format = book.add_format({"num_format": number_format}) if number_format else None
        formats.append(cell_format)
        sheet.set_column(index, index, width, cell_format)
        sheet.write_string(0, index, name, header)
    for number, values in enumerate(rows, start=1):
        _write_row(sheet, number, values, formats)


def _write_row(sheet: Any, number: int, values: list[Any], formats: list[Any]) -> None:
    """A row of typed cells. None, "" and numbers that are not finite leave the cell empty."""
    write_string, write_number = sheet.write_string, sheet.write_number
    for column, value in enumerate(values):
        kind = type(value)
        if kind is str:
            text = value if value.isprintable() else _NOT_XML.sub("", value)
            if text:
                write_string(number, column, text)
        elif kind is float or kind is int:
            if math.isfinite(value):
                write_number(number, column, value, formats[column])
        elif value is None:
            continue
        elif kind is bool:
            sheet.write_boolean(number, column, value)
        elif isinstance(value, date):  # Excel's day number (XlsxWriter's costs 25 µs)
            write_number(number, column, value.toordinal() - _EXCEL_EPOCH, formats[column])
        elif isinstance(value, int | float | Decimal):
            write_number(number, column, float(value), formats[column])
        else:
            write_string(number, column, _NOT_XML.sub("", str(value)))


def workbook(view: View, data: dict[str, Any]) -> bytes:
    """The three worksheets: objectives, key results and dependencies."""
    name_of = _Names(view.org)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    _sheet(book, "Objectives", OBJECTIVE_COLUMNS, _objective_rows(view, data, name_of))
    _sheet(book, "Key results", KEY_RESULT_COLUMNS, _key_result_rows(view, data))
    _sheet(book, "Dependencies", DEPENDENCY_COLUMNS, _dependency_rows(view, data, name_of))
    book.close()
    return out.getvalue()


def _objective_rows(view: View, data: dict[str, Any], name_of: _Names) -> Iterator[list[Any]]:
    objectives = view.org.objectives
    for row in data["objectives"]:
        yield [
            row["id"],
            objectives[row["id"]].title,
            row["cycle"],
            row["owner"],
            name_of(row["owner"]),
            row["level"],
            row["kind"],
            row["aligns_to"],
            row["progress"],
            row["expected_progress"],
            health_word(row["health"]),
            row["score"],
            row["met_expectation"],
        ]


def _key_result_rows(view: View, data: dict[str, Any]) -> Iterator[list[Any]]:
    key_results, results = view.org.key_results, view.evaluation.key_results
    for row in data["key_results"]:
        yield [
            row["objective"],
            row["id"],
            key_results[row["id"]].title,
            key_results[row["id"]].owner,
            row["progress"],
            row["current"],
            row["confidence"],
            health_word(row["own_health"]),
            health_word(row["health"]),
            " ".join(row["at_risk_from"]),
            row["stale"],
            results[row["id"]].last_update,
            row["score"],
        ]


def _dependency_rows(view: View, data: dict[str, Any], name_of: _Names) -> Iterator[list[Any]]:
    dependencies = view.org.dependencies
    for row in data["dependencies"]:
        yield [
            row["id"],
            row["from"],
            row["provider"],
            name_of(row["provider"]),
            dependencies[row["id"]].need,
            *dependency_words(row["state"], row["status"]),
            dependencies[row["id"]].due,
        ]


@signed_in
def report_xlsx(request: WebRequest) -> HttpResponse:
    view, team, data = file_data(request)
    response = HttpResponse(
        workbook(view, data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _attachment(response, filename(data, team, "xlsx"))


urlpatterns = [
    path("report.csv", report_csv, name="report_csv"),
    path("report.xlsx", report_xlsx, name="report_xlsx"),
]
