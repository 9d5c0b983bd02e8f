"""My OKRs: what each persona sees, what needs a check-in, and a fixed number of queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.okrfile import load_path
from tandem.okrs.models import Cycle
from tandem.organization.cache import cache_clear
from tandem.organization.imports import organization_import
from tandem.people.models import Person, Team
from tests.personas import HIDDEN, SIGNED_IN

# What each persona finds among their own objectives (team or individual) on My OKRs.
MINE = {
    "admin": ["NW-1", "NW-2", "NW-3"],  # zoe: the company's objectives
    "lead": ["SR-1", "SR-2"],
    "member": ["SR-1", "SR-2", "BEN-1"],
    "other_team": ["IN-1", "IN-2"],
    "outsider": ["PA-1", "PA-2"],
}


def body(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined, no-any-return]


def section(html: str, heading_id: str) -> str:
    """The HTML from the heading with ``heading_id`` to the next heading of its level."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2 ", start + 1)
    return html[start : end if end > 0 else len(html)]


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_my_okrs_shows_my_objectives(persona: str, web_as: Callable[[str], Client]) -> None:
    response = web_as(persona).get("/")
    assert response.status_code == 200
    html = body(response)
    assert "<h1>My OKRs</h1>" in html
    mine = section(html, "mine-heading")
    for objective_id in MINE[persona]:
        assert f'href="/objectives/{objective_id}"' in mine
    # Every objective shows its progress and health in words.
    assert re.search(r"(On track|At risk|Off track)", mine)


@pytest.mark.django_db
def test_signed_out_goes_to_the_sign_in_page(demo_in_db: object) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login?next=/"


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_hidden_objectives_never_show(persona: str, web_as: Callable[[str], Client]) -> None:
    html = body(web_as(persona).get("/"))
    for hidden_id, allowed in HIDDEN.items():
        if persona not in allowed:
            assert hidden_id not in html


def test_team_objectives_and_individual_ones_with_their_key_results(
    web_as: Callable[[str], Client],
) -> None:
    html = body(web_as("member").get("/"))
    mine = section(html, "mine-heading")
    assert 'id="kr-BEN-1.1"' in mine
    assert 'id="kr-SR-1.1"' in mine
    # Why SR-1.1 is off track, in words, with the dependency that lowered it.
    assert "Off track because" in mine
    assert "Infrastructure's" in mine
    assert 'href="/objectives/IN-1#kr-IN-1.1">IN-1.1</a> is off track' in mine


def test_key_results_elsewhere_are_listed_with_their_objective(
    web_as: Callable[[str], Client],
) -> None:
    # tom owns UM-1.2 in Customer Success's umbrella objective, and contributes to UM-1.1.
    elsewhere = section(body(web_as("outsider").get("/")), "elsewhere-heading")
    assert 'id="kr-UM-1.2"' in elsewhere
    assert 'id="kr-UM-1.1"' in elsewhere
    assert 'href="/objectives/UM-1"' in elsewhere
    # dan's team contributes to SR-1.1 and PA-1.2.
    elsewhere = section(body(web_as("other_team").get("/")), "elsewhere-heading")
    assert 'id="kr-SR-1.1"' in elsewhere
    assert 'id="kr-PA-1.2"' in elsewhere


def test_requests_waiting_for_my_teams_link_to_the_dependencies_page(
    web_as: Callable[[str], Client],
) -> None:
    html = body(web_as("lead").get("/"))
    waiting = section(html, "waiting-heading")
    assert "DEP-3" in waiting
    assert 'href="/dependencies"' in waiting
    # Infrastructure has no request waiting (DEP-4 is declined, DEP-1 accepted).
    assert "waiting-heading" not in body(web_as("other_team").get("/"))


def test_stale_key_results_come_first_in_needs_a_check_in(
    web_as: Callable[[str], Client],
) -> None:
    due = section(body(web_as("other_team").get("/")), "due-heading")
    ids = re.findall(r'<li id="due-([^"]+)"', due)
    # IN-2.1 has had no update since 2026-10-22: stale, so first.
    assert ids[0] == "IN-2.1"
    assert "Stale: no update for 30 days" in due
    assert set(ids) >= {"IN-1.1", "IN-1.2", "IN-2.2", "SR-1.1", "PA-1.2"}


def test_every_key_result_i_may_check_in_on_has_a_labelled_form(
    web_as: Callable[[str], Client],
) -> None:
    html = body(web_as("member").get("/"))
    forms = re.findall(r'hx-post="/key-results/([^"]+)/check-in"', html)
    assert set(forms) == {"SR-1.1", "SR-1.2", "SR-2.1", "BEN-1.1"}
    for key_result_id in forms:
        assert f'<label for="checkin-{key_result_id}-confidence">' in html
        assert f'<label for="checkin-{key_result_id}-note">' in html
    assert '<label for="checkin-SR-1.1-value">New value (ms)' in html


def test_an_admin_without_a_person_is_told_why_and_where_to_go(demo_in_db: object) -> None:
    client = Client()
    client.force_login(User.objects.create(username="root", is_superuser=True, is_staff=True))
    html = body(client.get("/"))
    assert "not one of the organisation's people" in html
    assert 'href="/dashboard"' in html


def test_someone_with_no_objectives_is_told_how_to_start(demo_in_db: object) -> None:
    user = User.objects.create(username="newbie")
    Person.objects.create(id="newbie", name="New Person", user=user)
    client = Client()
    client.force_login(user)
    html = body(client.get("/"))
    assert 'href="/objectives/new"' in html
    assert "create an objective" in html
    assert "No key result waits for your check-in" in html


# --- a fixed number of queries -----------------------------------------------------------------


def lead_client() -> tuple[Client, str]:
    """A lead of the first team below the company, signed in, and their team's id."""
    root = Team.objects.get(is_root=True)
    team = Team.objects.filter(parent=root, lead__isnull=False).order_by("position").first()
    assert team is not None
    person = Person.objects.get(id=team.lead_id)
    if person.user is None:
        person.user = User.objects.create(username=person.id)
        person.save(update_fields=["user"])
    client = Client()
    client.force_login(person.user)
    return client, team.id


def query_counts(client: Client, path: str) -> tuple[int, int]:
    """(cold, warm): the queries of a request with an empty cache, then a warm one."""
    found = []
    for cold in (True, False):
        if cold:
            cache_clear()
        client.get(path)  # the session's first request may write
        if cold:
            cache_clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, response.content[:500]
        found.append(len(queries))
    return found[0], found[1]


def generated_org(people: int, generated_file: Callable[[int], Path]) -> None:
    """Replace the demo with a generated organisation (the demo's closed cycle reopened, so
    the import may remove it)."""
    Cycle.objects.update(state=Cycle.State.ACTIVE)
    organization = load_path(generated_file(people)).organization
    organization_import(org=organization, source="f", today=date(2026, 9, 1), prune=True)


@pytest.mark.django_db
def test_my_okrs_takes_the_same_queries_at_any_size(
    demo_in_db: object,
    generated_file: Callable[[int], Path],
) -> None:
    client, _team = lead_client()
    small = query_counts(client, "/")
    generated_org(300, generated_file)
    client, _team = lead_client()
    large = query_counts(client, "/")
    print("home queries (cold, warm):", small, large)
    assert 'class="card objective-card"' in body(client.get("/"))
    assert small == large
    assert small[1] <= small[0]


def test_a_key_result_of_an_ended_cycle_is_graded_not_stale(
    web_as: Callable[[str], Client],
) -> None:
    # PA-Q3-1.1's last update is months old, but its cycle (2026-Q3) has ended: it is graded,
    # no longer followed, so no "Stale" nags on its card (as the lint's stale-checkin).
    html = body(web_as("admin").get("/objectives/PA-Q3-1"))
    assert 'id="kr-PA-Q3-1.1"' in html
    assert "Stale: no update" not in html
