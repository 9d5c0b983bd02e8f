"""The admins' import page: upload a file, its plan made in the background, confirm, the
import made in the background; all or nothing, with its progress on the run's page."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.okrs.models import KeyResult, Objective
from tandem.organization import import_runs
from tandem.organization.models import ImportRun
from tandem.people.models import Person
from tests.dbstate import dump
from tests.import_page import URL, confirm, run_import_jobs, run_url, upload
from tests.importers.files import write_xlsx

pytestmark = pytest.mark.django_db
OKRS = [
    ["ID", "Type", "Title", "Parent", "Owner", "Cycle", "Start", "Target"],
    ["NEW-1", "objective", "Index everything", "", "ana", "2026-Q4", "", ""],
    ["NEW-1.1", "key result", "Documents indexed", "NEW-1", "ben", "", 0, 1000],
]


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"


def plan_rows() -> dict[str, list[dict[str, object]]]:
    """Every row but the import runs' (the run's page reads its plan from its own)."""
    return {k: v for k, v in dump().items() if k != ImportRun._meta.label}


def xlsx(tmp_path: Path, rows: list[list[object]]) -> bytes:
    return write_xlsx(tmp_path / "okrs.xlsx", {"OKRs": rows}).read_bytes()


def test_an_admin_sees_the_plan_then_confirms(
    web_as: Callable[[str], Client], tmp_path: Path
) -> None:
    zoe = web_as("admin")
    before = plan_rows()
    response = zoe.post(URL, {"file": SimpleUploadedFile("okrs.xlsx", xlsx(tmp_path, OKRS))})
    assert response.status_code == 303
    waiting = zoe.get(response["Location"]).content.decode()
    assert "<progress" in waiting
    assert 'hx-trigger="every 1s"' in waiting
    assert '<meta http-equiv="refresh"' in waiting  # without JavaScript
    assert run_import_jobs() == ["done"]
    page = zoe.get(response["Location"]).content.decode()
    assert "What importing okrs.xlsx would change" in page
    assert '<th scope="row">Objectives</th><td>1</td><td>0</td>' in page
    assert "hx-trigger" not in page  # the plan is ready: no more polling
    assert plan_rows() == before  # the plan wrote nothing
    done = confirm(zoe, page)
    assert "Imported: 2 changes." in done
    assert "hx-trigger" not in done
    assert KeyResult.objects.get(id="NEW-1.1").objective_id == "NEW-1"
    run = ImportRun.objects.get()
    assert (run.state, run.done, run.total, run.by) == ("done", 2, 2, "zoe")
    assert not any((tmp_path / "data" / "imports").iterdir())  # the upload is gone
    page = upload(zoe, "okrs.xlsx", xlsx(tmp_path, OKRS))
    assert "Tandem already holds everything in this file." in page


def test_the_status_fragment_polls_until_the_plan_is_ready(
    web_as: Callable[[str], Client], tmp_path: Path
) -> None:
    zoe = web_as("admin")
    response = zoe.post(URL, {"file": SimpleUploadedFile("okrs.xlsx", xlsx(tmp_path, OKRS))})
    polled = zoe.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'id="import-status"' in polled
    assert 'hx-trigger="every 1s"' in polled
    assert "<html" not in polled
    ImportRun.objects.update(updated=ImportRun.objects.get().updated.replace(year=2000))
    assert "Waiting for the worker" in zoe.get(response["Location"]).content.decode()
    run_import_jobs()
    ready = zoe.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in ready
    assert "Import 2 changes" in ready


def test_two_confirmations_import_once(web_as: Callable[[str], Client], tmp_path: Path) -> None:
    zoe, ana = web_as("admin"), web_as("admin")
    page = upload(zoe, "okrs.xlsx", xlsx(tmp_path, OKRS))
    assert zoe.post(run_url(page)).status_code == 303
    assert ana.post(run_url(page)).status_code == 303
    assert run_import_jobs() == ["done"]
    assert Objective.objects.filter(id="NEW-1").count() == 1


def test_problems_are_listed_and_nothing_is_written(
    web_as: Callable[[str], Client], tmp_path: Path
) -> None:
    rows = [r[:] for r in OKRS]
    rows[2][4] = "nobody@example.com"
    zoe = web_as("admin")
    page = upload(zoe, "okrs.xlsx", xlsx(tmp_path, rows))
    assert "Nothing was imported" in page
    assert "hx-trigger" not in page
    assert (
        "okrs.xlsx: OKRs row 3 [owner]: error: &#x27;nobody@example.com&#x27; is no person" in page
    )
    assert ImportRun.objects.get().state == "failed"
    assert not Objective.objects.filter(id="NEW-1").exists()
    assert not any((tmp_path / "data" / "imports").iterdir())  # the upload is gone
    assert run_import_jobs() == []  # not retried


def test_an_upload_gone_before_its_import_fails_it(
    web_as: Callable[[str], Client], tmp_path: Path
) -> None:
    zoe = web_as("admin")
    page = upload(zoe, "okrs.xlsx", xlsx(tmp_path, OKRS))
    for folder in (tmp_path / "data" / "imports").iterdir():
        for file in folder.iterdir():
            file.unlink()
    done = confirm(zoe, page)
    assert "This upload is gone; upload the file again." in done
    assert not Objective.objects.filter(id="NEW-1").exists()


def test_only_admins_import(web_as: Callable[[str], Client], tmp_path: Path) -> None:
    zoe, ben = web_as("admin"), web_as("member")
    assert ben.get(URL).status_code == 403
    data = xlsx(tmp_path, OKRS)
    assert ben.post(URL, {"file": SimpleUploadedFile("okrs.xlsx", data)}).status_code == 403
    page = upload(zoe, "okrs.xlsx", data)
    assert ben.get(run_url(page)).status_code == 403
    assert ben.post(run_url(page)).status_code == 403
    assert run_import_jobs() == []
    assert Person.objects.filter(id="ben").exists()
    assert not Objective.objects.filter(id="NEW-1").exists()


def test_an_unknown_run_and_a_wrong_file_type(web_as: Callable[[str], Client]) -> None:
    zoe = web_as("admin")
    assert zoe.get(f"{URL}/{uuid.uuid4()}").status_code == 404
    assert zoe.post(f"{URL}/{uuid.uuid4()}").status_code == 404
    assert zoe.get(f"{URL}/not-a-run").status_code == 404
    response = zoe.post(URL, {"file": SimpleUploadedFile("okrs.exe", b"MZ")})
    assert response.status_code == 422
    assert "Upload a .csv, .xlsx or .zip file." in response.content.decode()


def test_the_progress_moves_while_the_rows_are_written(
    web_as: Callable[[str], Client], tmp_path: Path
) -> None:
    zoe = web_as("admin")
    page = upload(zoe, "okrs.xlsx", xlsx(tmp_path, OKRS))
    assert zoe.post(run_url(page)).status_code == 303
    series: list[tuple[str, int, int]] = []
    run = ImportRun.objects.get()
    import_runs.import_run_execute(run.id, lambda _id, *step: series.append(step))
    assert series[-1][1:] == (2, 2)
    assert [done for _, done, _ in series] == sorted(done for _, done, _ in series)
    run.refresh_from_db()
    assert (run.state, run.done, run.total) == ("done", 2, 2)


def test_an_upload_never_confirmed_is_removed_a_day_later(
    web_as: Callable[[str], Client], tmp_path: Path
) -> None:
    admin = web_as("admin")
    upload(admin, "okrs.xlsx", xlsx(tmp_path, OKRS))
    [first] = (tmp_path / "data" / "imports").iterdir()
    day_ago = time.time() - 25 * 3600
    os.utime(first, (day_ago, day_ago))
    upload(admin, "okrs.xlsx", xlsx(tmp_path, OKRS))
    [second] = (tmp_path / "data" / "imports").iterdir()
    assert second != first


def recent_rows(client: Client) -> list[list[str]]:
    """The upload page's "Recent imports": each run's cells as text, newest first."""
    page = client.get(URL).content.decode()
    section = page[page.index('id="import-runs"') :]
    body = section[section.index("<tbody>") : section.index("</tbody>")]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", "", cell).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.DOTALL)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.DOTALL)
    ]


def test_the_upload_page_lists_the_recent_imports_with_what_came_of_them(
    web_as: Callable[[str], Client], tmp_path: Path
) -> None:
    zoe = web_as("admin")
    assert "No file imported from this page yet." in zoe.get(URL).content.decode()
    planned = upload(zoe, "plan.xlsx", xlsx(tmp_path, OKRS))
    rows = [r[:] for r in OKRS]
    rows[2][4] = "nobody@example.com"
    upload(zoe, "broken.xlsx", xlsx(tmp_path, rows))
    name = Person.objects.get(id="zoe").name
    [broken, waiting] = recent_rows(zoe)
    assert (broken[0], broken[1], broken[3]) == ("broken.xlsx", name, "Nothing imported: see why")
    assert (waiting[0], waiting[1], waiting[3]) == (
        "plan.xlsx",
        name,
        "Plan ready, not imported yet",
    )
    # Each links to its run's page, where a plan left waiting can still be confirmed.
    page = zoe.get(URL).content.decode()
    assert f'href="{run_url(planned)}"' in page
    confirm(zoe, planned)
    assert recent_rows(zoe)[1][3] == "Imported: 2 changes"


def test_the_recent_imports_cost_the_same_queries_however_many_there_are(
    web_as: Callable[[str], Client],
) -> None:
    zoe = web_as("admin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert zoe.get(URL).status_code == 200
        return len(captured)

    ImportRun.objects.create(by="zoe", upload="0" * 32, file_name="a.csv")
    few = queries()
    for index in range(15):
        ImportRun.objects.create(by="ana", upload="0" * 32, file_name=f"f{index}.csv")
    assert queries() == few
    assert len(recent_rows(zoe)) == import_runs.RECENT
