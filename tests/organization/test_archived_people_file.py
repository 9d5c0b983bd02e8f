"""An archived person in the OKR file: exported like anyone (the file has no archived state,
its format is fixed), and a re-import of that file changes nothing, their archiving included."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.core import model as m
from tandem.okrfile import load_path
from tandem.organization.selectors import organization_load
from tandem.people.models import Person
from tandem.people.services import person_archive
from tests.dbstate import tandem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_an_archived_person_exports_and_imports_again_unchanged(
    demo_in_db: m.Organization, tmp_path: Path, fmt: str
) -> None:
    person_archive(person_id="cai")
    archived_at = Person.objects.get(id="cai").archived_at
    exported = tmp_path / f"org.{fmt}"
    code, _out, err = tandem("export", "-f", fmt, "-o", str(exported))
    assert code == 0, err
    assert "archived" not in exported.read_text()
    loaded = load_path(exported).organization
    assert loaded.people["cai"].name == "Cai Wen"
    assert loaded == organization_load()  # the archived state is not compared
    code, _out, err = tandem("import", str(exported))
    assert code == 0, err
    assert "already matches" in err
    assert Person.objects.get(id="cai").archived_at == archived_at
