"""Export: the printable report, CSV and Excel of what the caller may see, with the numbers
of ``tandem report``; and the query-count helper the overview pages' tests share."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from typer.testing import CliRunner

from tandem import DEMO_FILE
from tandem.cli import app
from tandem.core.engine import Health
from tandem.core.report import resolve_scope
from tandem.okrfile import load_path
from tandem.okrs.models import KeyResult, Objective
from tandem.organization.cache import cache_clear
from tandem.organization.imports import organization_import
from tandem.organization.team_groups import team_groups
from tandem.people.models import Person, Team
from tandem.web.views import report as report_page
from tandem.web.views.exports import CSV_COLUMNS, FORMULA_START, _text
from tandem.web.words import health_word
from tests.conftest import TODAY
from tests.personas import HIDDEN, SIGNED_IN

EXPORTS = ["/report", "/report.csv", "/report.xlsx"]


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM that tells Excel it is UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_text(response: Any) -> str:
    book = load_workbook(io.BytesIO(response.content))
    return "\n".join(
        " ".join(str(cell) for cell in row if cell is not None)
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
    )


@pytest.mark.parametrize("persona", [*SIGNED_IN, "anonymous"])
@pytest.mark.parametrize("path", EXPORTS)
def test_exports_for_every_persona(
    web_as: Callable[[str], Client], persona: str, path: str
) -> None:
    response = web_as(persona).get(path)
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/login?next=")
        return
    assert response.status_code == 200
    if path == "/report":
        body = response.content.decode()
        assert "Objectives and key results" in body
        assert "NW-1" in body
        assert 'href="/report.csv"' in body
    else:
        extension = path.rsplit(".", 1)[1]
        assert response["Content-Disposition"] == (
            f'attachment; filename="tandem-report-2026-11-21.{extension}"'
        )


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_hidden_ids_never_reach_an_export(web_as: Callable[[str], Client], persona: str) -> None:
    client = web_as(persona)
    page = client.get("/report").content.decode()
    rows = csv_rows(client.get("/report.csv"))
    in_csv = {row["objective_id"] for row in rows} | {row["key_result_id"] for row in rows}
    in_csv |= {dep for row in rows for dep in row["at_risk_from"].split()}
    raw_csv = client.get("/report.csv").content.decode("utf-8-sig")
    workbook = xlsx_text(client.get("/report.xlsx"))
    for hidden, allowed in HIDDEN.items():
        if persona in allowed:
            assert hidden in workbook, hidden
            assert hidden in page, hidden
            if not hidden.startswith("DEP"):
                assert hidden in in_csv, hidden
        else:
            assert hidden not in raw_csv, hidden
            assert hidden not in workbook, hidden
            assert hidden not in page, hidden


def test_csv_numbers_are_the_numbers_of_tandem_report(web_as: Callable[[str], Client]) -> None:
    result = CliRunner().invoke(
        app,
        ["report", str(DEMO_FILE), "--as-of", TODAY.isoformat(), "--format", "json"],
        catch_exceptions=False,
    )
    report = json.loads(result.stdout)
    rows = csv_rows(web_as("admin").get("/report.csv"))
    assert list(rows[0]) == CSV_COLUMNS

    def number(text: str) -> float | None:
        return float(text) if text else None

    objectives = {row["id"]: row for row in report["objectives"]}
    key_results = {row["id"]: row for row in report["key_results"]}
    # One row per key result, and every objective of the report appears.
    assert [row["key_result_id"] for row in rows] == list(key_results)
    assert {row["objective_id"] for row in rows} == set(objectives)
    for row in rows:
        objective = objectives[row["objective_id"]]
        key_result = key_results[row["key_result_id"]]
        assert key_result["objective"] == row["objective_id"]
        assert row["objective_owner"] == objective["owner"]
        assert row["cycle"] == objective["cycle"]
        assert number(row["objective_progress"]) == objective["progress"]
        # Health in words ("Off track"), each the one word of the report's code.
        assert row["objective_health"] == health_word(objective["health"])
        assert number(row["objective_score"]) == objective["score"]
        assert number(row["key_result_progress"]) == key_result["progress"]
        assert number(row["confidence"]) == key_result["confidence"]
        assert row["key_result_health"] == health_word(key_result["health"])
        assert row["at_risk_from"].split() == key_result["at_risk_from"]
        current = key_result["current"]
        if isinstance(current, bool):
            assert row["current"] == str(current).lower()
        else:
            assert number(row["current"]) == current


def test_each_health_has_its_own_words_in_the_exports() -> None:
    # The CSV and the workbook write health in words; each word names one health, so the
    # comparison with the report's codes above loses nothing.
    codes = [h.value for h in Health]
    words = [health_word(code) for code in [*codes, None]]
    assert words == ["On track", "At risk", "Off track", "No data yet"]
    assert len(set(words)) == len(words)


def test_csv_and_workbook_write_words_not_codes(web_as: Callable[[str], Client]) -> None:
    rows = csv_rows(web_as("admin").get("/report.csv"))
    written = {row["key_result_health"] for row in rows} | {row["objective_health"] for row in rows}
    assert written <= {"On track", "At risk", "Off track", "No data yet"}
    assert "Off track" in written
    book = load_workbook(io.BytesIO(web_as("admin").get("/report.xlsx").content))
    states = {row[5] for row in book["Dependencies"].iter_rows(min_row=2, values_only=True)}
    assert "Accepted" in states
    assert "accepted" not in states


def test_team_and_cycle_narrow_the_export(web_as: Callable[[str], Client]) -> None:
    client = web_as("admin")
    response = client.get("/report.csv", {"team": "search", "cycle": "2026-Q4"})
    assert response["Content-Disposition"] == (
        'attachment; filename="tandem-report-search-2026-11-21.csv"'
    )
    owners = {row["objective_owner"] for row in csv_rows(response)}
    assert owners == {"search", "ben"}
    assert {row["cycle"] for row in csv_rows(response)} == {"2026-Q4"}
    page = client.get("/report", {"team": "search"}).content.decode()
    assert "Report of Search" in page
    assert "PA-1" not in page


def test_an_unknown_cycle_is_said_and_the_default_shown(web_as: Callable[[str], Client]) -> None:
    response = web_as("member").get("/report", {"cycle": "1999-Q1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert "Showing the default instead" in body
    assert "2026-Q4" in body


def test_workbook_sheets_headers_and_percentages(web_as: Callable[[str], Client]) -> None:
    response = web_as("admin").get("/report.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Objectives", "Key results", "Dependencies"]
    objectives = book["Objectives"]
    assert objectives["A1"].value == "Objective"
    assert objectives["A1"].font.bold
    assert objectives.freeze_panes == "A2"
    assert objectives["A2"].value == "NW-1"
    assert objectives["I1"].value == "Progress"
    assert objectives["I2"].number_format == "0.0%"
    assert isinstance(objectives["I2"].value, float)
    assert book["Dependencies"].max_row > 1


def test_a_title_split_at_a_semicolon_never_starts_a_cell_with_a_formula(
    web_as: Callable[[str], Client],
) -> None:
    """F13: spreadsheets whose list separator is ';' read the file split at every ';'."""
    Objective.objects.filter(id="SR-1").update(title="Grow;=1+1;@SUM(A1);-2")
    text = web_as("admin").get("/report.csv").content.decode("utf-8-sig")
    assert "\"Grow;'=1+1;'@SUM(A1);'-2\"" in text
    for line in text.splitlines():
        for row in csv.reader([line], delimiter=";"):
            assert not any(cell.startswith(FORMULA_START) for cell in row[1:]), line
        assert line.startswith('"')
        assert line.endswith('"')


def test_text_that_a_spreadsheet_would_run_stays_text() -> None:
    assert _text("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _text("-5 tickets") == "'-5 tickets"
    assert _text("Plain") == "Plain"
    assert _text("Grow;=1+1;") == "Grow;'=1+1;"


def _summary_counts(body: str) -> dict[str, int]:
    """The printable page's figures by team: team id → objectives."""
    return {
        team: int(count)
        for team, count in re.findall(
            r'<th scope="row"><a href="/report\?team=([^"&]+)">[^<]*</a>[^\n]*</th>\s*'
            r'<td class="num">(\d+)</td>',
            body,
            re.S,
        )
    }


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_a_scope_too_large_to_print_shows_its_figures_by_team(
    web_as: Callable[[str], Client], persona: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_page, "PRINT_LIMIT", 5)
    client = web_as(persona)
    body = client.get("/report").content.decode()
    every = {row["objective_id"] for row in csv_rows(client.get("/report.csv"))}
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
    assert f"This scope holds {len(every)} objectives" in page
    assert "choose a team to print its part" in page
    assert 'href="/report.csv"' in body
    assert 'href="/report.xlsx"' in body
    # Each top-level team's figure is its own report's count, on what this person may see.
    counts = _summary_counts(body)
    assert set(counts) == {"search", "infra", "payments", "mobile", "cs"}
    for team, count in counts.items():
        in_team = {row["objective_id"] for row in csv_rows(client.get(f"/report.csv?team={team}"))}
        assert count == len(in_team), (persona, team)
    # Only the company's own objectives are printed; the rest is one choice away.
    printed = set(re.findall(r'id="ro-([^"]+)"', body))
    assert printed == {"NW-1", "NW-2", "NW-3"} & every
    assert "Objectives of Northwind itself" in page
    # Printing everything anyway stays possible, and lists every objective.
    everything = client.get("/report?all=1").content.decode()
    assert set(re.findall(r'id="ro-([^"]+)"', everything)) == every
    assert "This scope holds" not in everything


def test_a_chosen_team_small_enough_is_printed_in_full(
    web_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_page, "PRINT_LIMIT", 5)
    client = web_as("admin")
    body = client.get("/report", {"team": "infra"}).content.decode()
    assert "This scope holds" not in body
    in_team = {row["objective_id"] for row in csv_rows(client.get("/report.csv?team=infra"))}
    assert set(re.findall(r'id="ro-([^"]+)"', body)) == in_team
    assert len(in_team) <= 5
    # A team whose scope is still too large shows its own objectives and its sub-teams.
    monkeypatch.setattr(report_page, "PRINT_LIMIT", 1)
    body = client.get("/report", {"team": "infra"}).content.decode()
    assert set(_summary_counts(body)) == {"sre"}
    assert 'href="/report?team=sre"' in body


def test_a_long_list_of_orphans_links_to_the_dashboard(
    web_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_page, "PRINT_LIMIT", 5)
    monkeypatch.setattr(report_page, "ORPHANS_LISTED", 0)
    body = web_as("admin").get("/report").content.decode()
    assert "1 in all" in body
    assert 'href="/dashboard?show=orphans">the list of orphans</a>' in body


def test_the_filter_keeps_the_choice_and_names_its_error(web_as: Callable[[str], Client]) -> None:
    body = web_as("member").get("/report", {"cycle": "1999-Q1", "team": "search"}).content.decode()
    assert re.search(r'<option value="search" selected>\W*Search</option>', body)
    # The menu points to its message, for screen readers.
    assert 'aria-describedby="id_cycle_error"' in body
    assert '<p class="field-error" id="id_cycle_error">' in body


def test_team_groups_count_as_the_report_of_each_team(generated_file: Any) -> None:
    org = load_path(generated_file(300)).organization
    objectives = list(org.objectives.values())
    parents = {None, *(team.parent for team in org.teams.values())}
    for node in parents:
        groups = team_groups(org, objectives, node)
        for group in groups:
            found = {o.id for o in group.objectives}
            if group.whole:
                scope = resolve_scope(org, TODAY, cycle="all", team=group.team.id)
                assert found == set(scope.objectives), group.team.id
            else:
                team = group.team
                assert found == {
                    o.id
                    for o in objectives
                    if o.owner == team.id
                    or o.owner in team.members
                    or (o.umbrella is not None and team.id in o.umbrella.teams)
                }
        below = [g.team.id for g in groups if g.whole]
        root = org.root_team
        assert root is not None
        assert below == [t.id for t in org.teams.values() if t.parent == (node or root.id)]


def test_workbook_cells_keep_their_types_and_text_stays_text(
    web_as: Callable[[str], Client],
) -> None:
    # A title a spreadsheet would run, with markup and a character XML cannot hold.
    Objective.objects.filter(id="SR-1").update(title='=HYPERLINK("x") <b> & co\x07 ')
    KeyResult.objects.filter(id="SR-1.1").update(title="  spaced")
    cache_clear()
    response = web_as("admin").get("/report.xlsx")
    package = zipfile.ZipFile(io.BytesIO(response.content))
    for name in package.namelist():  # every part is well-formed XML
        ElementTree.fromstring(package.read(name))
    book = load_workbook(io.BytesIO(response.content))
    objectives = book["Objectives"]
    assert objectives["A1"].fill.fgColor.rgb == "FF24292F"
    assert objectives["A1"].font.color.rgb == "FFFFFFFF"
    # 48 characters wide (Excel stores the width with its padding: 48.71)
    assert 48 <= objectives.column_dimensions["B"].width < 49
    titles = [c.value for c in objectives[1]]
    row = {
        titles[i]: c
        for i, c in enumerate(next(r for r in objectives.iter_rows() if r[0].value == "SR-1"))
    }
    assert row["Title"].value == '=HYPERLINK("x") <b> & co '
    assert row["Title"].data_type == "s"
    assert isinstance(row["Progress"].value, float)
    assert row["Progress"].number_format == "0.0%"
    key_results = book["Key results"]
    header = [c.value for c in key_results[1]]
    kr = {
        header[i]: c
        for i, c in enumerate(next(r for r in key_results.iter_rows() if r[1].value == "SR-1.1"))
    }
    assert kr["Title"].value == "  spaced"
    assert isinstance(kr["Last update"].value, datetime)
    assert kr["Last update"].number_format == "yyyy-mm-dd"
    assert isinstance(kr["Stale"].value, bool)
    assert isinstance(kr["Confidence"].value, int | None)
    assert kr["Progress"].number_format == "0.0%"
    # Every key result of the report, in its order.
    report = csv_rows(web_as("admin").get("/report.csv"))
    ids = [r[1].value for r in key_results.iter_rows(min_row=2)]
    assert ids == [row["key_result_id"] for row in report if row["key_result_id"]]
    due = [r[7].value for r in book["Dependencies"].iter_rows(min_row=2)]
    assert any(isinstance(d, datetime) for d in due)


# --- the same number of queries whatever the size (shared by the overview pages' tests) --


def _signed_in_lead() -> tuple[Client, str]:
    root = Team.objects.get(is_root=True)
    team = Team.objects.filter(parent=root).order_by("position").first()
    assert team is not None
    assert root.lead_id is not None
    person = Person.objects.get(id=root.lead_id)
    if person.user is None:
        person.user = User.objects.create(username=f"lead-{person.id}")
        person.save(update_fields=["user"])
    client = Client()
    client.force_login(person.user)
    return client, team.id


def query_counts(paths: Callable[[str], list[str]], file: Any) -> dict[str, int]:
    """Import ``file`` (a generated organisation, replacing the one before), sign in as its
    company's lead and count each page's queries, cold (nothing cached) and warm (the second
    of two requests)."""
    organization = load_path(file).organization
    # Imported before Q3 ends: a second import may then still change Q3 (not yet closed).
    organization_import(org=organization, source=str(file), today=date(2026, 9, 1), prune=True)
    client, team = _signed_in_lead()
    found = {}
    for path in paths(team):
        cache_clear()
        # The import filled the log (it keeps the last 9,000 queries): a full log counts 0.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as cold:
            response = client.get(path)
        assert response.status_code == 200, (path, response.content[:300])
        client.get(path)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as warm:
            client.get(path)
        found[f"{path.replace(team, 'TEAM')} (cold)"] = len(cold)
        found[f"{path.replace(team, 'TEAM')} (warm)"] = len(warm)
    return found


def test_exports_take_the_same_queries_at_any_size(db: None, generated_file: Any) -> None:
    def paths(team: str) -> list[str]:
        return [f"{path}?team={team}" for path in EXPORTS] + ["/report.csv?cycle=all"]

    small = query_counts(paths, generated_file(100))
    large = query_counts(paths, generated_file(300))
    assert small == large


def test_the_summary_of_a_large_scope_takes_the_same_queries_at_any_size(
    db: None, generated_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_page, "PRINT_LIMIT", 10)

    def paths(team: str) -> list[str]:
        return ["/report", f"/report?team={team}"]

    small = query_counts(paths, generated_file(100))
    large = query_counts(paths, generated_file(300))
    assert small == large
