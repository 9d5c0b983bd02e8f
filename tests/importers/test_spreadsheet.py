"""Spreadsheets (CSV and XLSX) read into an OKR-file document, with no database."""

from __future__ import annotations

import tracemalloc
from datetime import date, datetime
from pathlib import Path

import pytest

from tandem.importers import ImportSourceError, detect, organization_from, read_source
from tandem.importers.notes import Notes
from tandem.importers.tables import day
from tests.importers.files import OKRS, PEOPLE, TEAMS, write_csv, write_xlsx


def csv_files(tmp_path: Path) -> list[Path]:
    return [
        write_csv(tmp_path / "people.csv", PEOPLE),
        write_csv(tmp_path / "teams.csv", TEAMS),
        write_csv(tmp_path / "okrs.csv", OKRS),
    ]


def test_csv_tables_become_people_teams_cycles_and_okrs(tmp_path: Path) -> None:
    files = csv_files(tmp_path)
    assert detect(files) == "csv"
    imported = read_source(files, "csv")
    org = organization_from(imported, None, "okrs.csv")
    assert org.people["ana_at_example.com"].manager == "zoe_at_example.com"
    search = org.teams["team-search"]
    assert (search.parent, search.lead) == ("team-northwind", "ana_at_example.com")
    assert "ben_at_example.com" in search.members
    assert (org.cycles["2026-Q1"].start, org.cycles["2026-Q1"].end) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    assert org.objectives["O-1"].owner == "team-search"
    assert org.key_results["KR-1"].metric.target == 300  # type: ignore[union-attr]
    guessed = [str(n) for n in imported.notes if n.kind == "guessed"]
    assert any("cycle '2026-Q1'" in n and "okrs.csv row 2" in n for n in guessed)
    assert any("okrs.csv row 4 [target]" in n and "done / not done" in n for n in guessed)


def test_reading_twice_gives_the_same_ids(tmp_path: Path) -> None:
    rows = [[r[0], *r[2:]] for r in OKRS]  # no type column, no matter
    rows[0][0] = "Id"
    first = read_source([*csv_files(tmp_path)[:2], write_csv(tmp_path / "o.csv", OKRS)], "csv")
    second = read_source([*csv_files(tmp_path)[:2], write_csv(tmp_path / "o.csv", OKRS)], "csv")
    assert first.document == second.document


def test_unknown_headers_are_mapped_with_a_mapping_file(tmp_path: Path) -> None:
    people = [["Mitarbeiter-Mail", "Anzeigename", "Chef"], ["zoe@example.com", "Zoe", ""]]
    path = write_csv(tmp_path / "staff-list.csv", people)
    mapping = {"Mitarbeiter-Mail": "email", "Anzeigename": "name", "Chef": "manager"}
    imported = read_source([path], "csv", mapping=mapping)
    assert imported.document["people"] == [
        {"id": "zoe_at_example.com", "name": "Zoe", "email": "zoe@example.com"}
    ]
    with pytest.raises(ImportSourceError, match="cannot tell whether this table") as raised:
        read_source([path], "csv")
    # Said so that the web page's user (who has no --map) knows what to do too.
    assert "rename the columns to headers Tandem recognises (docs/import.md" in str(raised.value)


def test_csv_numbers_and_dates_are_read_in_documented_formats_only(tmp_path: Path) -> None:
    okrs = [r[:] for r in OKRS]
    okrs[2][6] = "1.234,5"  # a German thousands separator: not guessed
    files = [*csv_files(tmp_path)[:2], write_csv(tmp_path / "okrs.csv", okrs)]
    with pytest.raises(ImportSourceError) as caught:
        read_source(files, "csv")
    assert [str(n) for n in caught.value.notes] == [
        "okrs.csv row 3 [Start]: error: '1.234,5' is not a number (write it like 1234.5, no "
        "separators)"
    ]


def test_xlsx_cells_are_read_as_the_sheet_stores_them(tmp_path: Path) -> None:
    okrs = [r[:] for r in OKRS]
    okrs[2][6:8] = [800.5, 300]  # numbers, not text
    okrs.insert(2, [None] * 9)  # an empty row: skipped
    path = write_xlsx(tmp_path / "book.xlsx", {"People": PEOPLE, "Teams": TEAMS, "OKRs": okrs})
    assert detect([path]) == "xlsx"
    org = organization_from(read_source([path], "xlsx"), None, "book.xlsx")
    assert org.key_results["KR-1"].metric.start == 800.5  # type: ignore[union-attr]
    assert len(org.people) == 3


def test_xlsx_formula_date_as_text_and_merged_cells_are_reported(tmp_path: Path) -> None:
    okrs = [r[:] for r in OKRS]
    okrs[2][7] = "=100*3"
    people = [["E-mail", "Name", "Started"], ["zoe@example.com", "Zoe", datetime(2025, 1, 2)]]
    path = write_xlsx(tmp_path / "book.xlsx", {"OKRs": okrs, "People": people}, merge="A5:B5")
    with pytest.raises(ImportSourceError) as caught:
        read_source([path], "xlsx")
    shown = "\n".join(str(n) for n in caught.value.notes)
    assert "book.xlsx: OKRs row 3 [Target]: error: a formula (=100*3)" in shown
    assert "merged cells (A5:B5)" in shown


def test_a_date_as_text_in_xlsx_is_reported(tmp_path: Path) -> None:
    notes = Notes()
    assert day("05/12/2026", "b.xlsx: S row 2", "Start", notes, xlsx=True) is None
    assert day(datetime(2026, 12, 5, 0, 0), "b.xlsx: S row 3", "Start", notes, xlsx=True) == date(
        2026, 12, 5
    )
    assert day("2026-12-05", "a.csv row 2", "Start", notes, xlsx=False) == date(2026, 12, 5)
    assert day("05/12/2026", "a.csv row 3", "Start", notes, xlsx=False) is None
    assert [str(n) for n in notes.items] == [
        "b.xlsx: S row 2 [Start]: error: a date stored as text ('05/12/2026'); format the cell "
        "as a date",
        "a.csv row 3 [Start]: error: '05/12/2026' is not a date written YYYY-MM-DD",
    ]


def test_100k_rows_stream_in_bounded_memory(tmp_path: Path) -> None:
    rows = [["Email", "Name", "Team"]]
    rows += [[f"p{i}@example.com", f"Person {i}", f"Team {i % 50}"] for i in range(100_000)]
    path = write_csv(tmp_path / "people.csv", rows)
    del rows
    tracemalloc.start()
    imported = read_source([path], "csv")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(imported.document["people"]) == 100_000
    # The file is ~3.5 MB; the rows are not all held as text besides the document.
    assert peak < 150 * 1024 * 1024


def test_a_key_result_under_an_unknown_objective_is_a_problem(tmp_path: Path) -> None:
    okrs = [r[:] for r in OKRS]
    okrs[2][3] = "O-404"
    files = [*csv_files(tmp_path)[:2], write_csv(tmp_path / "okrs.csv", okrs)]
    with pytest.raises(ImportSourceError, match=r"okrs.csv row 3 \[parent\]: error: a key result"):
        read_source(files, "csv")


def test_a_long_list_of_guesses_is_cut_and_says_so(tmp_path: Path) -> None:
    rows = [["ID", "Type", "Title", "Owner", "Cycle"]]
    rows += [[f"O-{i}", "", f"Objective {i}", "zoe@example.com", "2026-Q1"] for i in range(250)]
    people = write_csv(tmp_path / "people.csv", [["Email", "Name"], ["zoe@example.com", "Zoe"]])
    imported = read_source([people, write_csv(tmp_path / "okrs.csv", rows)], "csv")
    guessed = [str(n) for n in imported.notes if n.kind == "guessed"]
    assert len(guessed) == 201  # 200 and the cut
    assert "...: guessed: more than 200; the rest unlisted" in guessed
