"""The report of SPEC section 4 as a printable page, a CSV file and an Excel workbook.

All three show ``report_get`` for the caller: what they may see, computed on what they may
see, exactly the numbers ``tandem report --format json`` prints for an admin. The scope
filter (cycle and team) is shared with the dashboard and the team page.

The files hold the whole scope. The printable page prints at most :data:`PRINT_LIMIT`
objectives: a larger scope shows its figures by team (:func:`team_groups`) to choose one,
with the objectives of the team itself, and ``?all=1`` prints everything anyway.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import xlsxwriter
from django import forms
from django.forms.utils import flatatt
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from tandem.core import model as m
from tandem.core.report import current_cycles
from tandem.organization.cache import View
from tandem.organization.reports import report_get
from tandem.web import pages
from tandem.web.pages import WebRequest, owner_name, signed_in
from tandem.web.words import dependency_words, health_word

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


class QuickSelect(forms.Select):
    """Django's select, written in Python rather than with a template per option: the team
    menu has an option per team (1,333 for 10,000 people), and the templates took 80 ms."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = self.format_value(value)
        options = []
        found = False
        for option, label in self.choices:
            key = "" if option is None else str(option)
            selected = not found and key in chosen
            found = found or selected
            options.append(
                f'<option value="{escape(key)}"{" selected" if selected else ""}>'
                f"{escape(label)}</option>"
            )
        final = self.build_attrs(self.attrs, attrs)
        body = "\n".join(options)
        return mark_safe(  # noqa: S308 (every value above is escaped)
            f'<select name="{escape(name)}"{flatatt(final)}>\n{body}\n</select>'
        )


class ScopeForm(forms.Form):
    """Which cycles (and, where offered, which team) a report page covers.

    Blank cycle: the cycles under way, as ``tandem report`` without ``--cycle``.
    """

    cycle = forms.ChoiceField(label="Cycle", required=False, widget=QuickSelect)
    team = forms.ChoiceField(label="Team", required=False, widget=QuickSelect)

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


# --- figures per team, where a scope holds more than a page can list ---------------------


@dataclass
class TeamGroup:
    """One row of a per-team summary: a team's own objectives (``whole`` False: owned by the
    team or one of its members, or umbrella objectives it contributes to), or everything in its
    scope (``whole``: with its sub-teams and their members, as ``tandem report --team``)."""

    team: m.Team
    whole: bool
    objectives: list[m.Objective] = field(default_factory=list)
    sub_teams: int = 0


def team_groups(
    org: m.Organization, objectives: Iterable[m.Objective], node: str | None = None
) -> list[TeamGroup]:
    """The rows of a summary of ``objectives`` below the team ``node`` (the company's when
    None): the node's own objectives, then each of its sub-teams with its whole scope. An
    objective counts in every row whose scope holds it (an umbrella objective, or one whose
    owner is in two teams, can count twice), as ``tandem report --team`` counts; one pass over
    the objectives whatever the number of rows."""
    children: dict[str | None, list[m.Team]] = defaultdict(list)
    for team in org.teams.values():
        children[team.parent].append(team)
    if node is None and org.root_team is not None:
        node = org.root_team.id
    own = TeamGroup(org.teams[node], False) if node is not None else None
    groups = {team.id: TeamGroup(team, True) for team in children.get(node, ())}
    for team_id, group in groups.items():
        group.sub_teams = len(children.get(team_id, ()))
    person_teams: dict[str, list[str]] = defaultdict(list)
    for team in org.teams.values():
        for person in team.members:
            person_teams[person].append(team.id)
    # The row each team counts in: itself or its ancestor among the rows (None: neither).
    row_of: dict[str, str | None] = {}

    def row(team_id: str) -> str | None:
        path = []
        current: str | None = team_id
        found: str | None = None
        while current is not None:
            if current in row_of:
                found = row_of[current]
                break
            if current == node:
                found = node
                break
            if current in groups:
                found = current
                break
            path.append(current)
            parent = org.teams[current].parent if current in org.teams else None
            if parent in path:  # a loop of parents cannot be loaded, but never loop here
                break
            current = parent
        for step in path:
            row_of[step] = found
        return found

    for objective in objectives:
        owner = objective.owner
        base = [owner] if owner in org.teams else person_teams.get(owner or "", [])
        if objective.umbrella is not None:
            base = [*base, *objective.umbrella.teams]
        rows = {row(team_id) for team_id in base}
        if own is not None and node in base:
            own.objectives.append(objective)
        for row_id in rows:
            if row_id is not None and row_id != node:
                groups[row_id].objectives.append(objective)
    return ([own] if own is not None else []) + list(groups.values())


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


def report_data(request: WebRequest) -> tuple[View, ScopeForm, dict[str, Any]]:
    view = pages.view_of(request)
    form = ScopeForm(request.GET, view=view)
    cycle, team = form.scope()
    data = report_get(audience=request.caller.audience, as_of=view.as_of, cycle=cycle, team=team)
    return view, form, data


def file_data(request: WebRequest) -> tuple[View, str | None, dict[str, Any]]:
    """:func:`report_data` for the files, which show no form: the same scope (what is not a
    choice of :class:`ScopeForm` falls back to the default) without building its menus."""
    view = pages.view_of(request)
    org = view.org
    cycle = request.GET.get("cycle") or None
    team = request.GET.get("team") or None
    if cycle is not None and cycle != "all" and cycle not in org.cycles:
        cycle = None
    if team is not None and team not in org.teams:
        team = None
    data = report_get(audience=request.caller.audience, as_of=view.as_of, cycle=cycle, team=team)
    return view, team, data


def csv_rows(view: View, data: dict[str, Any]) -> Iterator[list[object]]:
    """One row per key result with its objective's columns; an objective without key results
    has one row with the key result columns empty. (The CSV writer writes None as empty.)"""
    org, evaluation = view.org, view.evaluation
    key_results: dict[str, list[dict[str, Any]]] = {}
    for row in data["key_results"]:
        key_results.setdefault(row["objective"], []).append(row)
    names: dict[str, str] = {}
    for objective in data["objectives"]:
        owner = objective["owner"]
        if owner not in names:
            names[owner] = _text(owner_name(org, owner))
        head: list[object] = [
            objective["id"],
            _text(org.objectives[objective["id"]].title),
            owner,
            names[owner],
            objective["cycle"],
            objective["progress"],
            health_word(objective["health"]),
            objective["score"],
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
                key_result.owner,
                kr["progress"],
                _cell(kr["current"]),  # the only one that may be true or false
                kr["confidence"],
                health_word(kr["health"]),
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


# The printable page lists at most this many objectives (with their key results); a larger
# scope shows its figures per team instead, to choose one (the files hold everything).
PRINT_LIMIT = 300
# Orphan ids listed in the alignment section at most (the dashboard lists them all).
ORPHANS_LISTED = 50


def _printed_objectives(
    view: View, data: dict[str, Any], objective_rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The objectives to print, each with its title, owner's name and key result rows."""
    org = view.org
    wanted = {row["id"] for row in objective_rows}
    key_results: dict[str, list[dict[str, Any]]] = {}
    for row in data["key_results"]:
        if row["objective"] not in wanted:
            continue
        key_result = org.key_results[row["id"]]
        key_results.setdefault(row["objective"], []).append(
            row
            | {
                "title": key_result.title,
                "owner_name": owner_name(org, key_result.owner) if key_result.owner else "",
                "last_update": view.evaluation.key_results[row["id"]].last_update.isoformat(),
            }
        )
    return [
        row
        | {
            "title": org.objectives[row["id"]].title,
            "owner_name": owner_name(org, row["owner"]),
            "url": reverse("web:objective", args=[row["id"]]),
            "rows": key_results.get(row["id"], []),
        }
        for row in objective_rows
    ]


def _team_summary(
    data: dict[str, Any], groups: list[TeamGroup], cycle: str | None
) -> list[dict[str, Any]]:
    """Each group's figures: objectives, key results, mean progress and health, with the
    query of its own report."""
    rows = {row["id"]: row for row in data["objectives"]}
    summary = []
    for group in groups:
        objective_rows = [rows[o.id] for o in group.objectives]
        progress = [r["progress"] for r in objective_rows if r["progress"] is not None]
        health = Counter(r["health"] or "none" for r in objective_rows)
        summary.append(
            {
                "team": group.team,
                "whole": group.whole,
                "sub_teams": group.sub_teams,
                "objectives": len(objective_rows),
                "key_results": sum(len(o.key_results) for o in group.objectives),
                "progress": sum(progress) / len(progress) if progress else None,
                "health": [health[h] for h in HEALTHS],
                "query": export_query(cycle, group.team.id),
            }
        )
    return summary


HEALTHS = ("on_track", "at_risk", "off_track", None)


@signed_in
def report_page(request: WebRequest) -> HttpResponse:
    view, form, data = report_data(request)
    org = view.org
    cycle, team = form.scope()
    total = len(data["objectives"])
    query = export_query(cycle, team)
    orphans = data["alignment"]["orphans"]
    context: dict[str, Any] = {
        "form": form,
        "report": data,
        "team": org.teams[team] if team else None,
        "export_query": query,
        "total": total,
        "key_result_total": len(data["key_results"]),
        "limit": PRINT_LIMIT,
        "healths": HEALTHS,
        "heading_level": 3,
        "orphans": orphans,
        "nav": "dashboard",
    }
    # ?all=1 prints everything however long (the page says it is slow).
    if total <= PRINT_LIMIT or request.GET.get("all") == "1":
        context["objectives"] = _printed_objectives(view, data, data["objectives"])
        context["dependencies"] = [
            row
            | {
                "need": org.dependencies[row["id"]].need,
                "provider_name": owner_name(org, row["provider"]),
                "due": org.dependencies[row["id"]].due,
            }
            for row in data["dependencies"]
        ]
        return pages.page(request, "web/report.html", context, view=view)
    # Too much for one page: the figures per team, to choose one; and the objectives of the
    # team itself (owned by it or its members), printed when they fit.
    groups = team_groups(org, (org.objectives[row["id"]] for row in data["objectives"]), team)
    own = next((g for g in groups if not g.whole), None)
    printed: list[dict[str, Any]] = []
    if own is not None and len(own.objectives) <= PRINT_LIMIT:
        wanted = {o.id for o in own.objectives}
        printed = [row for row in data["objectives"] if row["id"] in wanted]
    context |= {
        "summary": _team_summary(data, groups, cycle),
        "own": own,
        "own_printed": bool(printed),
        "objectives": _printed_objectives(view, data, printed),
        "heading_level": 4,
        "all_query": f"{query}&all=1" if query else "?all=1",
        "orphans": orphans[:ORPHANS_LISTED],
        "orphans_query": f"{query}&show=orphans" if query else "?show=orphans",
    }
    return pages.page(request, "web/report.html", context, view=view)


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
    number formats, then a row per item. None, "" and numbers that are not finite leave the
    cell empty."""
    sheet = book.add_worksheet(title)
    sheet.freeze_panes(1, 0)
    header = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#24292F"})
    formats = []
    for index, (name, width, number_format) in enumerate(columns):
        cell_format = book.add_format({"num_format": number_format}) if number_format else None
        formats.append(cell_format)
        sheet.set_column(index, index, width, cell_format)
        sheet.write_string(0, index, name, header)
    write_string, write_number = sheet.write_string, sheet.write_number
    for number, values in enumerate(rows, start=1):
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
    org, key_result_results = view.org, view.evaluation.key_results
    objectives = org.objectives
    names: dict[str | None, str] = {}

    def name_of(owner: str | None) -> str:
        if owner not in names:
            names[owner] = owner_name(org, owner)
        return names[owner]

    objective_rows = (
        [
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
        for row in data["objectives"]
    )
    key_results = org.key_results
    key_result_rows = (
        [
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
            key_result_results[row["id"]].last_update,
            row["score"],
        ]
        for row in data["key_results"]
    )
    dependency_rows = (
        [
            row["id"],
            row["from"],
            row["provider"],
            name_of(row["provider"]),
            org.dependencies[row["id"]].need,
            *dependency_words(row["state"], row["status"]),
            org.dependencies[row["id"]].due,
        ]
        for row in data["dependencies"]
    )
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    _sheet(book, "Objectives", OBJECTIVE_COLUMNS, objective_rows)
    _sheet(book, "Key results", KEY_RESULT_COLUMNS, key_result_rows)
    _sheet(book, "Dependencies", DEPENDENCY_COLUMNS, dependency_rows)
    book.close()
    return out.getvalue()


@signed_in
def report_xlsx(request: WebRequest) -> HttpResponse:
    view, team, data = file_data(request)
    response = HttpResponse(
        workbook(view, data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _attachment(response, filename(data, team, "xlsx"))


urlpatterns = [
    path("report", report_page, name="report"),
    path("report.csv", report_csv, name="report_csv"),
    path("report.xlsx", report_xlsx, name="report_xlsx"),
]
