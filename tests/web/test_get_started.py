"""The home page of a Tandem without objectives: the first admin's "Get started" steps with
their state, everyone else's friendly empty state, My OKRs again once objectives are in, and
a fixed number of queries. The guide's example files (docs/examples) go in through the
upload page as docs/onboarding.md tells."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tandem.checkins.models import CheckIn
from tandem.okrs.models import Objective
from tandem.organization.cache import cache_clear
from tandem.people.models import Person, Team
from tests import import_page
from tests.browser.onboarding_files import EXAMPLES, guide_export
from tests.dbstate import dump, tandem
from tests.importers.files import write_viva_zip


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"


def signed_in(username: str, *, admin: bool, person: str | None = None) -> Client:
    user = User.objects.create(username=username, is_superuser=admin, is_staff=admin)
    if person is not None:
        Person.objects.create(id=person, name=person.title(), user=user)
    client = Client()
    client.force_login(user)
    return client


def step(html: str, step_id: str) -> str:
    """The HTML of one step, to the next step or the end of the list."""
    start = html.index(f'id="{step_id}"')
    ends = [html.find(mark, start + 1) for mark in ('class="set-up-step', "</ol>")]
    return html[start : min(end for end in ends if end > 0)]


@pytest.mark.django_db
def test_the_first_admin_sees_the_steps_all_to_do(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TANDEM_OIDC_ISSUER = ""
    html = signed_in("admin", admin=True).get("/").content.decode()
    assert "<h1>Get started</h1>" in html
    for step_id in ("step-sign-in", "step-people", "step-okrs", "step-map"):
        assert 'class="set-up-step to-do"' in html.split(f'id="{step_id}"')[0][-60:]
        assert "To do" in step(html, step_id)
    assert "TANDEM_OIDC_ISSUER" in step(html, "step-sign-in")
    people = step(html, "step-people")
    assert 'href="/settings/provisioning"' in people
    assert 'href="/settings/import"' in people
    assert "0 people and 0 teams so far" in people
    assert 'href="/settings/import"' in step(html, "step-okrs")
    assert 'href="/alignment"' in step(html, "step-map")
    assert "Coming from Viva Goals?" in html
    assert "Your admin is setting Tandem up" not in html


@pytest.mark.django_db
def test_single_sign_on_and_people_in_are_done(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TANDEM_OIDC_ISSUER = "https://login.example.com"
    settings.TANDEM_OIDC_CLIENT_ID = "tandem"
    settings.TANDEM_OIDC_PROVIDER_NAME = "Example ID"
    client = signed_in("zoe", admin=True, person="zoe")
    Person.objects.create(id="ana", name="Ana")
    Team.objects.create(id="acme", name="Acme", is_root=True)
    html = client.get("/").content.decode()
    assert "<summary>Zoe</summary>" in html  # the account menu names the admin's person
    assert "✓ Done" in step(html, "step-sign-in")
    assert "Sign in with Example ID" in step(html, "step-sign-in")
    assert "✓ Done" in step(html, "step-people")
    assert "2 people and 1 team so far" in step(html, "step-people")
    assert "To do" in step(html, "step-okrs")


@pytest.mark.django_db
def test_someone_else_is_told_their_admin_is_setting_tandem_up() -> None:
    html = signed_in("ben", admin=False, person="ben").get("/").content.decode()
    assert "Your admin is setting Tandem up" in html
    assert "Get started" not in html
    assert "/settings/import" not in html


def test_a_populated_tandem_shows_my_okrs(web_as: Callable[[str], Client]) -> None:
    html = web_as("admin").get("/").content.decode()
    assert "<h1>My OKRs</h1>" in html
    assert "Get started" not in html
    assert "setting Tandem up" not in web_as("member").get("/").content.decode()


def home_queries(client: Client) -> int:
    client.get("/")
    cache_clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_steps_take_the_same_queries_at_any_size() -> None:
    client = signed_in("admin", admin=True)
    small = home_queries(client)
    root = Team.objects.create(id="company", name="Company", is_root=True)
    Team.objects.bulk_create(Team(id=f"t{i}", name=f"T{i}", parent=root) for i in range(30))
    Person.objects.bulk_create(Person(id=f"p{i}", name=f"P{i}") for i in range(200))
    large = home_queries(client)
    assert small == large


# --- the guide's example files ------------------------------------------------------------------


def csv_rows(name: str) -> list[list[str]]:
    with (EXAMPLES / name).open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.reader(handle) if row]


def test_the_workbook_holds_the_people_and_teams_csv_files() -> None:
    book = load_workbook(EXAMPLES / "people-and-teams.xlsx", read_only=True)
    for sheet, name in (("People", "people.csv"), ("Teams", "teams.csv")):
        rows = [["" if v is None else str(v) for v in row] for row in book[sheet].values]
        assert rows == csv_rows(name)


def upload_and_confirm(client: Client, name: str, folder: Path = EXAMPLES) -> str:
    return import_page.upload_and_confirm(client, name, (folder / name).read_bytes())


@pytest.mark.django_db
def test_the_guide_sets_up_an_empty_tandem_with_its_example_files() -> None:
    zoe = signed_in("admin", admin=True)
    assert "Imported: " in upload_and_confirm(zoe, "people-and-teams.xlsx")
    assert "✓ Done" in step(zoe.get("/").content.decode(), "step-people")
    assert Team.objects.get(is_root=True).name == "Acme"
    assert "Imported: " in upload_and_confirm(zoe, "okrs.csv")
    assert Objective.objects.count() == 4
    assert Team.objects.get(id="team-search").parent_id == "team-product"
    html = zoe.get("/").content.decode()
    assert "Get started" not in html
    assert "CO-1" in zoe.get("/alignment?cycle=2026-Q4").content.decode()


@pytest.mark.django_db
def test_the_guide_brings_a_viva_goals_export_in(tmp_path: Path) -> None:
    admin = signed_in("admin", admin=True)
    write_viva_zip(tmp_path / "export.zip", guide_export())
    assert "Imported: " in upload_and_confirm(admin, "export.zip", tmp_path)
    assert CheckIn.objects.filter(key_result__objective_id="viva-200").count() == 5
    assert Objective.objects.get(id="viva-200").owner_team_id == Team.objects.get(is_root=True).id
    assert "viva-201" in admin.get("/alignment").content.decode()
    assert "Get started" not in admin.get("/").content.decode()


@pytest.mark.django_db
def test_the_guides_commands_import_the_example_files() -> None:
    people_and_teams = [str(EXAMPLES / "people.csv"), str(EXAMPLES / "teams.csv")]
    code, _out, err = tandem("import", *people_and_teams, "--dry-run")
    assert code == 0, err
    assert "Dry run: nothing was imported." in err
    assert tandem("import", *people_and_teams)[0] == 0
    assert tandem("import", str(EXAMPLES / "okrs.csv"))[0] == 0
    assert Objective.objects.get(id="SE-1").owner_team_id == "team-search"
    before = dump()
    assert tandem("import", *people_and_teams, str(EXAMPLES / "okrs.csv"))[0] == 0
    assert dump() == before  # importing the files again changes nothing
