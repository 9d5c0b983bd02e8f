"""The page's import jobs: a file's problems end a run without a retry, another error is
retried and then given up, and (PostgreSQL) the progress is seen while the import runs."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tandem.core import model as m
from tandem.jobs import imports
from tandem.jobs.runner import DONE, FAILED, SKIPPED, run
from tandem.okrs.models import Objective
from tandem.organization import import_runs
from tandem.organization.models import ImportRun
from tests.importers.files import write_xlsx

MODULE = imports.__name__
OKRS = [
    ["ID", "Type", "Title", "Parent", "Owner", "Cycle", "Start", "Target"],
    ["NEW-1", "objective", "Index everything", "", "ana", "2026-Q4", "", ""],
    ["NEW-1.1", "key result", "Documents indexed", "NEW-1", "ben", "", 0, 1000],
    ["NEW-1.2", "key result", "Queries answered", "NEW-1", "ben", "", 0, 1000],
]


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


def planned(tmp_path: Path, rows: list[list[object]] = OKRS) -> uuid.UUID:
    data = write_xlsx(tmp_path / "okrs.xlsx", {"OKRs": rows}).read_bytes()
    token, _ = import_runs.upload_save("okrs.xlsx", [data])
    run_id = import_runs.import_run_create(by="zoe", token=token, file_name="okrs.xlsx", fmt="")
    assert run(imports.PLAN, str(run_id.id), MODULE) == DONE
    return run_id.id


@pytest.mark.django_db
def test_an_error_of_tandems_is_retried_then_given_up(
    demo_in_db: m.Organization, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = planned(tmp_path)
    assert import_runs.import_run_confirm(run_id)
    assert not import_runs.import_run_confirm(run_id)  # confirmed once only

    def broken(**_: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(import_runs, "organization_import", broken)
    assert run(imports.IMPORT, str(run_id), MODULE) == FAILED
    assert ImportRun.objects.get(id=run_id).state == ImportRun.IMPORTING  # waits for a retry
    for _ in range(imports.RETRIES):
        assert run(imports.IMPORT, str(run_id), MODULE) == FAILED
    failed = ImportRun.objects.get(id=run_id)
    assert failed.state == ImportRun.FAILED
    assert failed.problems == [
        "The import stopped on an error of Tandem's: RuntimeError: the disk is full. "
        "Try again later."
    ]
    assert not Objective.objects.filter(id="NEW-1").exists()


@pytest.mark.django_db
def test_a_run_is_imported_once(demo_in_db: m.Organization, tmp_path: Path) -> None:
    run_id = planned(tmp_path)
    import_runs.import_run_execute(run_id)  # not confirmed: nothing to do
    assert ImportRun.objects.get(id=run_id).state == ImportRun.PLANNED
    assert import_runs.import_run_confirm(run_id)
    assert run(imports.IMPORT, str(run_id), MODULE) == DONE
    assert run(imports.IMPORT, str(run_id), MODULE) == SKIPPED
    import_runs.import_run_execute(run_id)  # done: nothing more
    assert ImportRun.objects.get(id=run_id).state == ImportRun.DONE
    assert Objective.objects.filter(id="NEW-1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_progress_is_seen_while_the_import_runs(
    demo_in_db: m.Organization, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: its page moves at the phases' boundaries only")
    run_id = planned(tmp_path)
    assert import_runs.import_run_confirm(run_id)
    seen: list[tuple[int, int]] = []
    write = import_runs._OwnConnection.__call__

    def watched(self: Any, run: uuid.UUID, phase: str, done: int, total: int) -> None:
        write(self, run, phase, done, total)
        # Read on the import's own connection, inside its open transaction: committed apart.
        assert connection.in_atomic_block
        seen.append(ImportRun.objects.values_list("done", "total").get(id=run))

    monkeypatch.setattr(import_runs._OwnConnection, "__call__", watched)
    assert run(imports.IMPORT, str(run_id), MODULE) == DONE
    assert seen
    assert seen[-1] == (3, 3)
    assert ImportRun.objects.values_list("state", "done", "total").get(id=run_id) == (
        "done",
        3,
        3,
    )
