"""The cadence settings page in a real browser: accessible, a team's change asks first and
goes through only when confirmed, and the page says what was saved.

It changes the Search team's digest cadence only (no other browser test reads it)."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import axe_violations, sign_in


def test_the_cadence_page_has_no_serious_accessibility_violations(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "zoe")
    page.goto("/settings/cadence")
    assert axe_violations(page) == []


def test_a_teams_change_is_saved_only_once_confirmed(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "ana")
    page.locator("details.account summary").click()  # the account menu
    page.get_by_role("link", name="Reminders and digests").click()
    form = page.locator("form", has=page.locator('input[name="kind"][value="digest"]')).filter(
        has=page.locator('input[name="scope"][value="team:search"]')
    )
    form.get_by_label("Day").select_option("Friday")
    form.get_by_label("Time").fill("16:30")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    form.get_by_role("button", name="Save").click()
    assert "Team Search" in asked[0]
    assert "Saved" not in page.content()  # dismissed: nothing sent
    assert "Not set here" in form.inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="Save").click()
    page.get_by_text("Saved Search's digests: Friday at 16:30, every week.").wait_for()
