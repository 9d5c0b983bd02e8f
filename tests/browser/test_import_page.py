"""An admin imports a spreadsheet from the settings in a real browser: upload, the run's page
waiting for its plan (polled by HTMX), the plan, confirm, the import's result. It adds one
person with no team, which no other browser test looks for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import axe_violations, run_import_jobs, sign_in
from tests.browser.test_content_security import violations, watched_page


def test_an_admin_uploads_sees_the_plan_and_confirms(
    new_page: Any, server_data: Path, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text("Email,Name\nquinn@example.com,Quinn Importer\n", encoding="utf-8")
    page, problems = watched_page(new_page)
    sign_in(page, "zoe")
    page.goto("/settings")
    page.get_by_role("link", name="Import").click()
    page.wait_for_url("**/settings/import")
    page.get_by_label("File").set_input_files(str(people))
    page.get_by_role("button", name="See the plan").click()
    page.wait_for_url("**/settings/import/*")
    page.locator("#import-progress progress").wait_for()
    assert axe_violations(page) == []
    run_import_jobs(server_data)  # the page polls until the plan is ready
    plan = page.locator("#import-plan")
    plan.get_by_text("What importing people.csv would change").wait_for()
    assert "People\t1\t0\t15" in plan.locator("table").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Import 1 change").click()
    page.locator("#import-progress").wait_for()
    run_import_jobs(server_data)
    page.get_by_role("status").get_by_text("Imported: 1 change.").wait_for()
    assert violations(page) == []
    assert problems == []
