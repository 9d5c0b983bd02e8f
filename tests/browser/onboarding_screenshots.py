"""Take docs/onboarding.md's screenshots by running its two walk-throughs for real
(``make screenshots`` runs this after tests/browser/screenshots.py).

1. Identity provider and spreadsheets: an empty ``tandem serve`` with single sign-on through
   the test OpenID provider (node-oidc-provider, tests/oidc_provider); the first admin signs
   in, uploads docs/examples/people-and-teams.xlsx and okrs.csv on /settings/import, a person
   checks in, and the alignment map shows it.
2. A Viva Goals customer: another empty ``tandem serve`` with an admin made by ``tandem
   createadmin``; the organisation export (a ZIP built from the shapes in tests/importers) is
   uploaded, and its history shows on the alignment map and an objective's page.

It also rebuilds docs/examples/people-and-teams.xlsx from people.csv and teams.csv (a test
checks they agree).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from tests.browser.conftest import _free_port, chromium_path, demo_server, launch_chromium
from tests.browser.onboarding_files import example_workbook, guide_export
from tests.importers.files import write_viva_zip
from tests.oidc_provider import free_port, oidc_provider, tandem_sso_env

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
EXAMPLES = ROOT / "docs" / "examples"
ADMIN_PASSWORD = "first-admin-password"
# The provider's accounts: the first admin (in the okr-admins group) and one person.
ACCOUNTS = {
    "zoe": {
        "email": "zoe@acme.example",
        "email_verified": True,
        "name": "Zoe Adams",
        "groups": ["okr-admins"],
    },
    **{
        login: {"email": f"{login}@acme.example", "email_verified": True, "groups": []}
        for login in ("ben", "cai", "dev", "eli")
    },
}
# Each person's first check-ins: key result, value, confidence, note, the progress it makes.
CHECK_INS = {
    "cai": [
        ("PL-1.2", "8", "7", "Deploys are now one click", "42%"),
        ("CO-1.2", "1900", "5", "Images lazily loaded", "42%"),
    ],
    "dev": [("PL-1.1", "99.7", "6", "Two incidents in October", "44%")],
    "eli": [
        ("CO-1.1", "21", "6", "The new filters help", "43%"),
        ("PR-1.1", "49", "4", "Ranking tests start next week", "42%"),
    ],
    "ben": [("SE-1.1", "650", "7", "New index live in one region", "30%")],
}


def shot(page: Any, name: str, *, full_page: bool = False, height: int | None = None) -> None:
    """The window (or the whole page, or its top ``height`` pixels) as docs/screenshots/NAME.png."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(400)  # charts finish their animation
    clip = {"x": 0, "y": 0, "width": 1280, "height": height} if height else None
    page.screenshot(path=OUT / f"{name}.png", full_page=full_page, clip=clip)
    print(f"{name}.png  {page.url}")


def upload(page: Any, path: Path, name: str) -> None:
    """Upload ``path`` on the import page, screenshot the plan as ``name``, confirm."""
    page.goto("/settings/import")
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="See the plan").click()
    page.locator("#import-plan").wait_for()  # planned by the server's worker; the page polls
    shot(page, name, full_page=True)
    page.locator("#import-plan button[type=submit]").click()
    page.get_by_text("Imported:").wait_for()


def sso_sign_in(page: Any, login: str) -> None:
    """Through the provider's own sign-in form (any password; the login picks the account)."""
    page.goto("/login")
    page.get_by_role("link", name="Sign in with Acme ID").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/")


def check_in(page: Any, check_in: tuple[str, str, str, str, str]) -> None:
    key_result, value, confidence, note, progress = check_in
    card = page.locator(f'[id="kr-{key_result}"]')
    card.locator("summary", has_text=f"Check in on {key_result}").click()
    card.get_by_label("New value").fill(value)
    card.get_by_label("Confidence").fill(confidence)
    card.get_by_label("Note").fill(note)
    card.get_by_role("button", name="Save check-in").click()
    # The card is swapped for the saved one, its progress moved.
    card = page.locator(f'[id="kr-{key_result}"]')
    card.locator(".progress-text", has_text=progress).first.wait_for()


def identity_provider_walk_through(browser: Any, data: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with oidc_provider(free_port(), base, ACCOUNTS) as issuer:
        env = tandem_sso_env(
            issuer,
            "Acme ID",
            TANDEM_OIDC_UNKNOWN_EMAIL="create",
            TANDEM_QUEUE_EMBEDDED="true",  # the imports are planned and run by jobs
        )
        with demo_server(data, port=port, env_extra=env, demo=False):
            admin = new_page(browser, base)
            admin.goto("/login")
            shot(admin, "onboarding-sign-in", height=280)
            sso_sign_in(admin, "zoe")
            shot(admin, "onboarding-get-started", full_page=True)
            upload(admin, EXAMPLES / "people-and-teams.xlsx", "onboarding-import-people")
            admin.goto("/")
            shot(admin, "onboarding-people-in")
            upload(admin, EXAMPLES / "okrs.csv", "onboarding-import-okrs")
            for login, check_ins in CHECK_INS.items():
                person = new_page(browser, base)
                sso_sign_in(person, login)
                for one in check_ins:
                    check_in(person, one)
            person.goto("/")
            shot(person, "onboarding-my-okrs")
            admin.goto("/alignment")
            shot(admin, "onboarding-alignment")


def viva_walk_through(browser: Any, data: Path) -> None:
    env = os.environ | {"TANDEM_DATA_DIR": str(data), "TANDEM_LOG_LEVEL": "WARNING"}
    subprocess.run(
        [sys.executable, "-m", "tandem", "createadmin", "--password", ADMIN_PASSWORD],
        env=env,
        check=True,
    )
    export = write_viva_zip(data / "export.zip", guide_export())
    worker = {"TANDEM_QUEUE_EMBEDDED": "true"}  # the import is planned and run by jobs
    with demo_server(data, demo=False, env_extra=worker) as base:
        page = new_page(browser, base)
        page.goto("/login")
        page.get_by_label("Your id or e-mail").fill("admin")
        page.get_by_label("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        page.locator("#coming-from-viva").screenshot(path=OUT / "onboarding-viva-get-started.png")
        upload(page, export, "onboarding-viva-plan")
        page.goto("/alignment")
        shot(page, "onboarding-viva-alignment")
        page.goto("/objectives/viva-200")
        shot(page, "onboarding-viva-objective")


def new_page(browser: Any, base: str) -> Any:
    context = browser.new_context(
        base_url=base, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(20_000)
    return context.new_page()


def main() -> None:
    executable = chromium_path()
    if executable is None:
        sys.exit("Debian's chromium is needed: apt-get install chromium")
    if shutil.which("node") is None:
        sys.exit("Node.js is needed for the test OpenID provider (tests/oidc_provider)")
    example_workbook()
    with (
        tempfile.TemporaryDirectory() as first,
        tempfile.TemporaryDirectory() as second,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright, executable)
        identity_provider_walk_through(browser, Path(first))
        viva_walk_through(browser, Path(second))
        browser.close()


if __name__ == "__main__":
    main()
