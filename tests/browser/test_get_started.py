"""The Get started panel of an empty Tandem in Chromium: plain ``tandem serve`` on an empty
data directory, an admin made by ``tandem createadmin``; accessible, and its links lead on."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, demo_server

PASSWORD = "first-admin-password"


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("empty-data")
    subprocess.run(
        [sys.executable, "-m", "tandem", "createadmin", "--password", PASSWORD],
        env=os.environ | {"TANDEM_DATA_DIR": str(data)},
        check=True,
        capture_output=True,
    )
    with demo_server(data, demo=False) as base:
        yield base


def test_the_first_admin_is_offered_the_steps(browser: Any, empty_server: str) -> None:
    context = browser.new_context(base_url=empty_server, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Your id or e-mail").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{empty_server}/")
    page.get_by_role("heading", name="Get started").wait_for()
    assert page.locator(".set-up-step.to-do").count() == 4
    assert page.get_by_role("heading", name="Coming from Viva Goals?").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="import a spreadsheet").click()
    page.wait_for_url(f"{empty_server}/settings/import")
    page.get_by_role("button", name="See the plan").wait_for()
    context.close()
