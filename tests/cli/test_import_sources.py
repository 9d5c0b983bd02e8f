"""`tandem import` of spreadsheets, Viva Goals and Betterworks files, end to end on the database:
the plan, a dry run, the import, and a second import that changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem import DEMO_FILE
from tandem.checkins.models import CheckIn
from tandem.okrs.models import KeyResult, Objective
from tandem.people.models import Person, Team
from tests.dbstate import dump, tandem
from tests.importers.files import (
    OKRS,
    PEOPLE,
    TEAMS,
    viva_export,
    write_csv,
    write_viva_zip,
    write_xlsx,
)

pytestmark = pytest.mark.django_db


def spreadsheets(tmp_path: Path) -> list[str]:
    return [
        str(write_csv(tmp_path / "people.csv", PEOPLE)),
        str(write_csv(tmp_path / "teams.csv", TEAMS)),
        str(write_csv(tmp_path / "okrs.csv", OKRS)),
    ]


def test_spreadsheets_plan_dry_run_import_and_reimport(tmp_path: Path) -> None:
    files = spreadsheets(tmp_path)
    code, _out, err = tandem("import", *files, "--dry-run")
    assert code == 0, err
    assert "people       │       3 │" in err
    assert "guessed: cycle '2026-Q1'" in err
    assert "Dry run: nothing was imported." in err
    assert Person.objects.count() == 0
    code, _out, err = tandem("import", *files)
    assert code == 0, err
    assert Person.objects.get(id="ben_at_example.com").manager_id == "ana_at_example.com"
    assert KeyResult.objects.get(id="KR-1").objective_id == "O-1"
    before = dump()
    code, _out, err = tandem("import", *files)
    assert code == 0, err
    assert "already matches" in err
    assert dump() == before


def test_okr_rows_name_people_and_teams_already_in_tandem(tmp_path: Path) -> None:
    assert tandem("import", str(DEMO_FILE))[0] == 0
    okrs = [
        ["ID", "Type", "Title", "Parent", "Owner", "Cycle", "Start", "Target"],
        ["NEW-1", "objective", "Index everything", "", "ana", "2026-Q4", "", ""],
        ["NEW-1.1", "key result", "Documents indexed", "NEW-1", "ben", "", "0", "1000"],
    ]
    path = write_xlsx(tmp_path / "more.xlsx", {"OKRs": okrs})
    code, _out, err = tandem("import", str(path), "--from", "xlsx")
    assert code == 0, err
    assert "objectives   │       1 │       0 │" in err
    assert Objective.objects.get(id="NEW-1").cycle_id == "2026-Q4"
    assert Person.objects.count() == 15  # nobody new


def test_a_problem_is_reported_with_row_and_field_and_nothing_is_written(tmp_path: Path) -> None:
    okrs = [r[:] for r in OKRS]
    okrs[2][7] = "three hundred"
    files = spreadsheets(tmp_path)
    write_csv(tmp_path / "okrs.csv", okrs)
    code, _out, err = tandem("import", *files)
    assert code == 2
    assert "okrs.csv row 3 [Target]: error: 'three hundred' is not a number" in err
    assert "nothing was written" in err
    assert Person.objects.count() == 0


def test_a_mapping_file_names_unusual_headers(tmp_path: Path) -> None:
    people = write_csv(tmp_path / "staff.csv", [["Mail", "Who"], ["zoe@example.com", "Zoe"]])
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Mail: email\nWho: name\n", encoding="utf-8")
    code, _out, err = tandem("import", str(people), "--map", str(mapping))
    assert code == 0, err
    assert Person.objects.get(email="zoe@example.com").name == "Zoe"
    assert Team.objects.get(id="company").is_root


def test_a_viva_goals_export_is_imported_once(tmp_path: Path) -> None:
    path = str(write_viva_zip(tmp_path / "viva.zip"))
    code, _out, err = tandem("import", path)
    assert code == 0, err
    assert "project 'Hire a designer' (it aligns to no key result): projects are not OKRs" in err
    assert "project 'Build the new index' is a milestone of key result viva-102" in err
    assert Team.objects.get(id="viva-team-22").parent_id == "viva-team-21"
    assert CheckIn.objects.filter(key_result_id="viva-101").count() == 2
    before = dump()
    code, _out, err = tandem("import", path, "--from", "viva")
    assert code == 0, err
    assert "already matches" in err
    assert dump() == before


def test_a_broken_viva_export_writes_nothing(tmp_path: Path) -> None:
    export = viva_export()
    del export["objectives"]
    code, _out, err = tandem("import", str(write_viva_zip(tmp_path / "viva.zip", export)))
    assert code == 2
    assert "no objectives file in the archive" in err
    assert Person.objects.count() == 0


def test_prune_is_only_for_okr_files(tmp_path: Path) -> None:
    code, _out, err = tandem("import", *spreadsheets(tmp_path), "--prune")
    assert code == 2
    assert "--prune is for OKR files" in err


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    code, _out, err = tandem("import", str(DEMO_FILE), "--from", "trello")
    assert code == 2
    assert "'trello' is not one of" in err


def test_betterworks_and_explorer_files_are_detected_and_imported(tmp_path: Path) -> None:
    betterworks = write_csv(
        tmp_path / "bw.csv",
        [
            ["name", "type", "progress", "start_date", "end_date", "owner_email", "categories"],
            ["Win EMEA", "goal", "40", "2026-01-01", "2026-03-31", "zoe@example.com", "Sales"],
            ["Sign partners", "milestone", "60", "2026-01-01", "2026-02-28", "", ""],
        ],
    )
    code, _out, err = tandem("import", str(betterworks))
    assert code == 0, err
    assert "dropped: 'Sales' (Tandem has no categories)" in err
    explorer = write_csv(
        tmp_path / "explorer.csv",
        [
            ["Id", "Title", "Owner", "Period", "Object Type", "Aligned To (weight, Objective ID)"],
            ["300", "Grow", "zoe@example.com", "Q4 2026", "Objective", ""],
            [
                "301",
                "Revenue",
                "zoe@example.com",
                "Q4 2026",
                "Key Result",
                "(weight: 50%, Id: 300)",
            ],
        ],
    )
    code, _out, err = tandem("import", str(explorer))
    assert code == 0, err
    assert KeyResult.objects.get(id="viva-301").objective_id == "viva-300"
    assert Objective.objects.get(id="viva-300").owner_person_id == "zoe_at_example.com"
    before = dump()
    assert tandem("import", str(betterworks))[0] == 0
    assert tandem("import", str(explorer))[0] == 0
    assert dump() == before
