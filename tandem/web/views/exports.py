"""The report of SPEC section 4 as a printable page, a CSV file and an Excel workbook.

All three show ``report_get`` for the caller: what they may see, computed on what they may
see, exactly the numbers ``tandem report --format json`` prints for an admin. The scope
filter (cycle and team) is shared with the dashboard and the team page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from django import forms
from django.http import HttpResponse
from django.urls import path
from django.utils.http import urlencode
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from tandem.core import model as m
from tandem.core.report import current_cycles
from tandem.organization.reporting import View, report_get
from tandem.web import pages
from tandem.web.pages import WebRequest, owner_name, signed_in

# --- the scope filter, shared by the report pages ----------------------------------------


def team_tree(org: m.Organization) -> list[tuple[m.Team, int]]:
    """Every team with its depth, the company first and each team above its sub-teams."""
    children: dict[str | None, list[m.Team]] = {}
    for team in org.teams.values():
        children.setdefault(team.parent, []).append(team)
    ordered: list[tuple[m.Team, int]] = []
    todo = [(team, 0) for team in reversed(children.get(None, []))]
    seen: set[str] = set()
    while todo:
        team, depth = todo.pop()
        if team.id in seen:  # a loop of parents cannot be loaded, but never loop here
            continue
        seen.add(team.id)
        ordered.append((team, depth))
        todo.extend((child, depth + 1) for child in reversed(children.get(team.id, [])))
    return ordered


class ScopeForm(forms.Form):
    """Which cycles (and, where offered, which team) a report page covers.

    Blank cycle: the cycles under way, as ``tandem report`` without ``--cycle``.
    """

    cycle = forms.ChoiceField(label="Cycle", required=False)
    team = forms.ChoiceField(label="Team", required=False)

    def __init__(self, data: Any, *, view: View, with_team: bool = True) -> None:
        super().__init__(data)
        org = view.org
        under_way = ", ".join(current_cycles(org, view.as_of)) or "none"
        cycle_field: Any = self.fields["cycle"]
        cycle_field.choices = [
            ("", f"Under way ({under_way})"),
            ("all", "All cycles"),
            *((c.id, c.id) for c in org.cycles.values()),
        ]
        if with_team:
            team_field: Any = self.fields["team"]
            team_field.choices = [
                ("", "All teams"),
                *((t.id, "\u2003" * depth + t.name) for t, depth in team_tree(org)),
            ]
        else:
            del self.fields["team"]

    def scope(self) -> tuple[str | None, str | None]:
        """The cycle and team asked for; what is not valid falls back to the default."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("cycle") or None, cleaned.get("team") or None


def export_query(cycle: str | None, team: str | None) -> str:
    """The query string of the export links ("" for the default scope)."""
    params = {name: value for name, value in (("cycle", cycle), ("team", team)) if value}
    return "?" + urlencode(params) if params else ""


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


def _text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(FORMULA_START) else value


def _cell(value: object) -> object:
    """A number stays a number, None is empty, True/False are words."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def report_data(request: WebRequest) -> tuple[View, ScopeForm, dict[str, Any]]:
    view = pages.view_of(request)
    form = ScopeForm(request.GET, view=view)
    cycle, team = form.scope()
    data = report_get(audience=request.caller.audience, as_of=view.as_of, cycle=cycle, team=team)
    return view, form, data


def csv_rows(view: View, data: dict[str, Any]) -> Iterator[list[object]]:
    """One row per key result with its objective's columns; an objective without key results
    has one row with the key result columns empty."""
    org, evaluation = view.org, view.evaluation
    key_results: dict[str, list[dict[str, Any]]] = {}
    for row in data["key_results"]:
        key_results.setdefault(row["objective"], []).append(row)
    for objective in data["objectives"]:
        head: list[object] = [
            objective["id"],
            _text(org.objectives[objective["id"]].title),
            objective["owner"],
            _text(owner_name(org, objective["owner"])),
            objective["cycle"],
            _cell(objective["progress"]),
            _cell(objective["health"]),
            _cell(objective["score"]),
        ]
        rows = key_results.get(objective["id"], [])
        if not rows:
            yield head + [""] * (len(CSV_COLUMNS) - len(head))
        for kr in rows:
            key_result = org.key_results[kr["id"]]
            yield [
                *head,
                kr["id"],
                _text(key_result.title),
                key_result.owner or "",
                _cell(kr["progress"]),
                _cell(kr["current"]),
                _cell(kr["confidence"]),
                kr["health"],
                " ".join(kr["at_risk_from"]),
                evaluation.key_results[kr["id"]].last_update.isoformat(),
            ]


def filename(data: dict[str, Any], team: str | None, extension: str) -> str:
    parts = ["tandem-report", slugify(team) if team else "", data["as_of"]]
    return "-".join(p for p in parts if p) + "." + extension


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- the pages ---------------------------------------------------------------------------


@signed_in
def report_page(request: WebRequest) -> HttpResponse:
    view, form, data = report_data(request)
    org = view.org
    key_results: dict[str, list[dict[str, Any]]] = {}
    for row in data["key_results"]:
        key_result = org.key_results[row["id"]]
        key_results.setdefault(row["objective"], []).append(
            row
            | {
                "title": key_result.title,
                "owner_name": owner_name(org, key_result.owner) if key_result.owner else "",
                "last_update": view.evaluation.key_results[row["id"]].last_update,
            }
        )
    objectives = [
        row
        | {
            "title": org.objectives[row["id"]].title,
            "owner_name": owner_name(org, row["owner"]),
            "rows": key_results.get(row["id"], []),
        }
        for row in data["objectives"]
    ]
    dependencies = [
        row
        | {
            "need": org.dependencies[row["id"]].need,
            "provider_name": owner_name(org, row["provider"]),
            "due": org.dependencies[row["id"]].due,
        }
        for row in data["dependencies"]
    ]
    cycle, team = form.scope()
    context = {
        "form": form,
        "report": data,
        "objectives": objectives,
        "dependencies": dependencies,
        "team": org.teams[team] if team else None,
        "export_query": export_query(cycle, team),
        "nav": "dashboard",
    }
    return pages.page(request, "web/report.html", context, view=view)


@signed_in
def report_csv(request: WebRequest) -> HttpResponse:
    view, form, data = report_data(request)
    # UTF-8 with a byte order mark: Excel reads UTF-8 only when the file says so, and
    # LibreOffice and every CSV library skip the mark.
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(view, data))
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename(data, form.scope()[1], "csv"))


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="24292F")
PERCENT = "0.0%"


def _sheet(book: Workbook, title: str, columns: list[tuple[str, int, str | None]]) -> Any:
    """A write-only sheet with its header row styled and frozen."""
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, (_name, width, _format) in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    header = []
    for name, _width, _format in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        header.append(cell)
    sheet.append(header)
    return sheet


def _append(sheet: Any, columns: list[tuple[str, int, str | None]], values: list[Any]) -> None:
    cells = []
    for (_name, _width, number_format), value in zip(columns, values, strict=True):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text, never a formula
        if number_format and isinstance(value, int | float) and not isinstance(value, bool):
            cell.number_format = number_format
        cells.append(cell)
    sheet.append(cells)


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
    ("Score", 8, "0.0"),
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
    ("Last update", 12, "yyyy-mm-dd"),
    ("Score", 8, "0.0"),
]
DEPENDENCY_COLUMNS: list[tuple[str, int, str | None]] = [
    ("Dependency", 12, None),
    ("From", 12, None),
    ("Provider", 12, None),
    ("Provider name", 20, None),
    ("Need", 48, None),
    ("State", 11, None),
    ("Status", 11, None),
    ("Due", 12, "yyyy-mm-dd"),
]


def workbook(view: View, data: dict[str, Any]) -> bytes:
    org = view.org
    book = Workbook(write_only=True)
    sheet = _sheet(book, "Objectives", OBJECTIVE_COLUMNS)
    for row in data["objectives"]:
        values: list[Any] = [
            row["id"],
            org.objectives[row["id"]].title,
            row["cycle"],
            row["owner"],
            owner_name(org, row["owner"]),
            row["level"],
            row["kind"],
            row["aligns_to"],
            row["progress"],
            row["expected_progress"],
            row["health"],
            row["score"],
            row["met_expectation"],
        ]
        _append(sheet, OBJECTIVE_COLUMNS, values)
    sheet = _sheet(book, "Key results", KEY_RESULT_COLUMNS)
    for row in data["key_results"]:
        key_result = org.key_results[row["id"]]
        last_update: date = view.evaluation.key_results[row["id"]].last_update
        values = [
            row["objective"],
            row["id"],
            key_result.title,
            key_result.owner,
            row["progress"],
            row["current"],
            row["confidence"],
            row["own_health"],
            row["health"],
            " ".join(row["at_risk_from"]),
            row["stale"],
            last_update,
            row["score"],
        ]
        _append(sheet, KEY_RESULT_COLUMNS, values)
    sheet = _sheet(book, "Dependencies", DEPENDENCY_COLUMNS)
    for row in data["dependencies"]:
        dependency = org.dependencies[row["id"]]
        values = [
            row["id"],
            row["from"],
            row["provider"],
            owner_name(org, row["provider"]),
            dependency.need,
            row["state"],
            row["status"],
            dependency.due,
        ]
        _append(sheet, DEPENDENCY_COLUMNS, values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@signed_in
def report_xlsx(request: WebRequest) -> HttpResponse:
    view, form, data = report_data(request)
    response = HttpResponse(
        workbook(view, data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _attachment(response, filename(data, form.scope()[1], "xlsx"))


urlpatterns = [
    path("report", report_page, name="report"),
    path("report.csv", report_csv, name="report_csv"),
    path("report.xlsx", report_xlsx, name="report_xlsx"),
]
