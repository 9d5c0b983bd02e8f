"""The admins' import page: upload a file, see the plan, confirm; all or nothing."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.okrs.models import KeyResult, Objective
from tandem.people.models import Person
from tests.dbstate import dump
from tests.importers.files import write_xlsx

pytestmark = pytest.mark.django_db
URL = "/settings/import"
OKRS = [
    ["ID", "Type", "Title", "Parent", "Owner", "Cycle", "Start", "Target"],
    ["NEW-1", "objective", "Index everything", "", "ana", "2026-Q4", "", ""],
    ["NEW-1.1", "key result", "Documents indexed", "NEW-1", "ben", "", 0, 1000],
]


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"


def upload(client: Client, tmp_path: Path, rows: list[list[object]]) -> str:
    data = write_xlsx(tmp_path / "okrs.xlsx", {"OKRs": rows}).read_bytes()
    response = client.post(URL, {"file": SimpleUploadedFile("okrs.xlsx", data), "format": ""})
    return response.content.decode()


def test_an_admin_sees_the_plan_then_confirms(
    web_as: Callable[[str], Client], tmp_path: Path
) -> None:
    zoe = web_as("admin")
    before = dump()
    page = upload(zoe, tmp_path, OKRS)
    assert "What importing okrs.xlsx would change" in page
    assert '<th scope="row">Objectives</th><td>1</td><td>0</td>' in page
    assert dump() == before  # the plan wrote nothing
    token = page.split('name="token" value="')[1].split('"')[0]
    response = zoe.post(URL, {"token": token, "format": ""}, follow=True)
    assert "Imported: 2 changes." in response.content.decode()
    assert KeyResult.objects.get(id="NEW-1.1").objective_id == "NEW-1"
    assert not any((tmp_path / "data" / "imports").iterdir())  # the upload is gone
    page = upload(zoe, tmp_path, OKRS)
    assert "Tandem already holds everything in this file." in page


def test_problems_are_listed_and_nothing_is_written(
    web_as: Callable[[str], Client], tmp_path: Path
) -> None:
    rows = [r[:] for r in OKRS]
    rows[2][4] = "nobody@example.com"
    zoe = web_as("admin")
    data = write_xlsx(tmp_path / "okrs.xlsx", {"OKRs": rows}).read_bytes()
    response = zoe.post(URL, {"file": SimpleUploadedFile("okrs.xlsx", data)})
    assert response.status_code == 422
    assert (
        "okrs.xlsx: OKRs row 3 [owner]: error: &#x27;nobody@example.com&#x27; is no person"
        in response.content.decode()
    )
    assert not Objective.objects.filter(id="NEW-1").exists()


def test_only_admins_import(web_as: Callable[[str], Client], tmp_path: Path) -> None:
    ben = web_as("member")
    assert ben.get(URL).status_code == 403
    data = write_xlsx(tmp_path / "okrs.xlsx", {"OKRs": OKRS}).read_bytes()
    assert ben.post(URL, {"file": SimpleUploadedFile("okrs.xlsx", data)}).status_code == 403
    assert Person.objects.filter(id="ben").exists()
    assert not Objective.objects.filter(id="NEW-1").exists()


def test_a_gone_upload_and_a_wrong_file_type(web_as: Callable[[str], Client]) -> None:
    zoe = web_as("admin")
    assert zoe.post(URL, {"token": "0" * 32}).status_code == 410
    response = zoe.post(URL, {"file": SimpleUploadedFile("okrs.exe", b"MZ")})
    assert response.status_code == 422
    assert "Upload a .csv, .xlsx or .zip file." in response.content.decode()


def test_an_upload_never_confirmed_is_removed_a_day_later(
    web_as: Callable[[str], Client], tmp_path: Path
) -> None:
    admin = web_as("admin")
    upload(admin, tmp_path, OKRS)
    [first] = (tmp_path / "data" / "imports").iterdir()
    day_ago = time.time() - 25 * 3600
    os.utime(first, (day_ago, day_ago))
    upload(admin, tmp_path, OKRS)
    [second] = (tmp_path / "data" / "imports").iterdir()
    assert second != first
