"""The database holds exactly what the file said: export round trips, identical reports."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem import DEMO_FILE
from tandem.core import model as m
from tandem.core.engine import evaluate
from tandem.okrfile import load_path, load_text
from tandem.okrfile.dump import to_document, write_yaml
from tandem.okrs.models import KeyResult
from tandem.organization.exports import organization_export
from tandem.organization.imports import organization_import
from tandem.organization.selectors import organization_load
from tests.conftest import TODAY
from tests.dbstate import dump, tandem

pytestmark = pytest.mark.django_db

SECTIONS = ("people", "teams", "cycles", "objectives", "key_results", "dependencies")


def assert_same(left: m.Organization, right: m.Organization) -> None:
    """Equal records and the same order (lint lists findings in file order)."""
    assert left == right
    for section in SECTIONS:
        assert list(getattr(left, section)) == list(getattr(right, section)), section


@pytest.mark.parametrize("source", ["demo", "generated"])
@pytest.mark.parametrize("export_format", ["yaml", "json"])
def test_import_export_import_gives_identical_data(source, export_format, generated_file):
    path = DEMO_FILE if source == "demo" else generated_file(200)
    original = load_path(path).organization
    organization_import(org=original, source="f", today=TODAY)
    assert_same(organization_load(), original)

    exported = io.StringIO()
    organization_export(stream=exported, format=export_format)
    again = load_text(exported.getvalue()).organization
    assert_same(again, original)

    before = dump()
    plan = organization_import(org=again, source="exported", today=TODAY)
    assert plan.changes == 0
    assert dump() == before


def test_cli_export_writes_a_file_that_reports_like_the_original(demo_in_db, tmp_path):
    target = tmp_path / "out" / "northwind.json"
    code, _out, err = tandem("export", "--format", "json", "-o", str(target))
    assert code == 0, err
    assert json.loads(target.read_text())["organization"] == "Northwind"
    file_report = tandem("report", str(DEMO_FILE), "--as-of", "2026-11-21", "-f", "json")
    exported_report = tandem("report", str(target), "--as-of", "2026-11-21", "-f", "json")
    assert exported_report == file_report


@pytest.mark.parametrize("source", ["demo", "generated-1k"])
def test_report_and_lint_on_the_database_print_what_they_print_for_the_file(source, generated_file):
    path = str(DEMO_FILE if source == "demo" else generated_file(1000))
    org = load_path(path).organization
    organization_import(org=org, source="f", today=TODAY)
    # A department: the JSON report of a team is scoped by its members (read without people).
    root = next(team.id for team in org.teams.values() if team.parent is None)
    department = next(team.id for team in org.teams.values() if team.parent == root)
    for command in (
        ["report", "-f", "json"],
        ["report", "-f", "markdown"],
        ["report", "-f", "table"],
        ["report", "-f", "json", "--cycle", "all"],
        ["report", "-f", "json", "--cycle", "all", "--team", department],
        ["lint", "-f", "json"],
    ):
        from_file = tandem(*command, path, "--as-of", "2026-11-15")
        from_database = tandem(*command, "--as-of", "2026-11-15")
        assert from_database == from_file, command
    # Text lint has no file and line to point at; the rest of each line is the same.
    code, text, _ = tandem("lint", "--as-of", "2026-11-15")
    file_code, file_text, _ = tandem("lint", path, "--as-of", "2026-11-15")
    assert code == file_code
    assert text.splitlines()[-1] == file_text.splitlines()[-1]
    for db_line, file_line in zip(text.splitlines()[:-1], file_text.splitlines()[:-1], strict=True):
        assert file_line.endswith(": " + db_line)


def test_report_from_an_empty_database_says_what_to_do() -> None:
    code, _out, err = tandem("report")
    assert code == 2
    assert "no organisation yet" in err
    assert "tandem import FILE" in err


def test_loading_the_organisation_takes_the_same_queries_at_ten_times_the_size(generated_file):
    def queries_for(people: int) -> int:
        organization = load_path(generated_file(people)).organization
        # As of a day before any cycle closed, so the larger file may replace the smaller.
        organization_import(org=organization, source="f", today=date(2026, 9, 1), prune=True)
        with CaptureQueriesContext(connection) as queries:
            org = organization_load()
        assert len(org.people) >= people
        return len(queries)

    assert queries_for(100) == queries_for(1000) == 12


def test_since_goes_from_the_file_to_the_database_and_back(tmp_path, demo_organization):
    """A key result added mid-cycle keeps its since, and is measured from it alike."""
    added = {
        "NW-3.2": date(2026, 6, 1),  # an annual one, added in June
        "IN-2.2": date(2026, 11, 10),
        "UM-1.3": date(2026, 12, 31),  # on its cycle's last day
    }
    original = dataclasses.replace(
        demo_organization,
        key_results={
            kid: dataclasses.replace(kr, since=added.get(kid))
            for kid, kr in demo_organization.key_results.items()
        },
    )
    path = tmp_path / "since.yaml"
    with path.open("w") as stream:
        write_yaml(to_document(original), stream)
    assert load_path(path).organization == original

    organization_import(org=original, source="f", today=TODAY)
    assert KeyResult.objects.get(id="IN-2.2").since == date(2026, 11, 10)
    assert_same(organization_load(), original)
    exported = io.StringIO()
    organization_export(stream=exported, format="yaml")
    assert "since: 2026-11-10" in exported.getvalue()
    assert_same(load_text(exported.getvalue()).organization, original)
    for as_of in (date(2026, 11, 15), date(2026, 12, 20)):
        assert evaluate(organization_load(as_of=as_of), as_of) == evaluate(original, as_of)
        report = ["report", "-f", "json", "--cycle", "all", "--as-of", as_of.isoformat()]
        assert tandem(*report) == tandem(*report[:1], str(path), *report[1:])
    # A database row holding a day up to its cycle's start reads as the start, like a file.
    KeyResult.objects.filter(id="IN-2.2").update(since=date(2026, 9, 1))
    assert organization_load().key_results["IN-2.2"].since is None
