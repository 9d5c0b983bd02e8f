"""The pickers of people and teams in a real browser, on an organisation large enough to have
them (the demo's lists are short enough for selects): search as you type, choose with the
keyboard, add and remove several, save; and the page passes axe-core's checks with the
matches open.

Its own server (``tandem serve`` on a generated organisation of 80 people), as the demo's
server is shared by the other browser tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tandem.core import model as m
from tandem.okrfile import load_path
from tests.browser.conftest import TODAY, axe_violations, demo_server, sign_in

PASSWORD = "pickers-test-password"


def _tandem(data: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TANDEM_DATABASE_URL"}
    env |= {"TANDEM_DATA_DIR": str(data), "TANDEM_TODAY": TODAY, "TANDEM_LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, "-m", "tandem", *args], env=env, check=True, text=True)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, m.Organization]]:
    """A server on a generated organisation of 80 people (more than a select lists) whose
    company lead may sign in; its base URL and the organisation."""
    data = tmp_path_factory.mktemp("pickers-data")
    source = data / "org.yaml"
    _tandem(data, "generate", "--people", "80", "--seed", "3", "--as-of", TODAY, "-o", str(source))
    _tandem(data, "manage", "migrate", "--verbosity", "0")
    _tandem(data, "import", str(source))
    org = load_path(source).organization
    root = org.root_team
    assert root is not None
    assert root.lead is not None
    _tandem(data, "passwd", root.lead, "--password", PASSWORD)
    # demo_server adds --demo, which leaves a database that holds an organisation alone.
    with demo_server(data) as base:
        yield base, org


@pytest.fixture
def page(browser: Any, large: tuple[str, m.Organization]) -> Iterator[Any]:
    base, org = large
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    lead = org.root_team.lead if org.root_team else None
    assert lead is not None
    sign_in(opened, lead, PASSWORD)
    yield opened
    context.close()


def a_key_result_of_the_company(org: m.Organization) -> m.KeyResult:
    root = org.root_team
    assert root is not None
    for objective in org.objectives.values():
        if objective.owner == root.id and objective.key_results:
            return org.key_results[objective.key_results[0]]
    raise AssertionError("no key result of the company")


def test_choose_an_owner_and_contributors_with_the_keyboard(
    page: Any, large: tuple[str, m.Organization]
) -> None:
    _base, org = large
    key_result = a_key_result_of_the_company(org)
    person = next(p for p in org.people.values() if p.id != key_result.owner)
    team = next(t for t in org.teams.values() if t.id not in key_result.contributors)
    page.goto(f"/key-results/{key_result.id}/edit")
    assert page.locator("select[name=owner]").count() == 0

    owner = page.get_by_label("Owner", exact=True)
    owner.fill(person.email or person.id)
    option = page.locator(f'#id_owner_results [data-pick="{person.id}"]')
    option.wait_for()
    status = page.locator("[data-directory-picker]:has(#id_owner) [data-picker-status]")
    assert status.text_content() == "1 match. Choose one:"  # read out, not the whole list
    owner.press("ArrowDown")
    page.keyboard.press("Enter")
    assert owner.input_value() == f"{person.name} ({person.id})"
    assert status.text_content() == f"Chosen: {person.name} ({person.id})."
    assert page.locator("#id_owner_results [data-pick]").count() == 0

    adding = page.get_by_label("Add a person or team")
    adding.fill(team.name)
    page.locator(f'#id_contributors_results [data-pick="{team.id}"]').click()
    chosen = page.get_by_label(f"{team.name} ({team.id})", exact=True)
    assert chosen.is_checked()
    assert adding.input_value() == ""
    for contributor in key_result.contributors:  # untick the ones it had
        page.locator(f'input[name=contributors][value="{contributor}"]').uncheck()

    # Escape puts back the owner chosen, and Enter while searching does not submit.
    owner.fill("zz")
    owner.press("Enter")
    owner.press("Escape")
    assert owner.input_value() == f"{person.name} ({person.id})"

    page.get_by_role("button", name=f"Save {key_result.id}").click()
    page.wait_for_url(f"**/objectives/{key_result.objective}")
    page.goto(f"/key-results/{key_result.id}/edit")
    assert page.get_by_label("Owner", exact=True).input_value() == f"{person.name} ({person.id})"
    boxes = page.locator("input[name=contributors]:checked")
    assert [boxes.nth(i).get_attribute("value") for i in range(boxes.count())] == [team.id]


def test_the_pickers_pass_the_accessibility_checks(
    page: Any, large: tuple[str, m.Organization]
) -> None:
    _base, org = large
    key_result = a_key_result_of_the_company(org)
    page.goto(f"/key-results/{key_result.id}/edit")
    page.get_by_label("Add a person or team").fill("a")
    page.locator("#id_contributors_results [data-pick]").first.wait_for()
    assert axe_violations(page) == []
    page.goto("/objectives/new")
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
