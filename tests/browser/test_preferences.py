"""The notification settings in a real browser: the admin locks a category's e-mail with a
reason; a person finds the settings from the account menu, turns a category's e-mail off,
sets their time zone and quiet hours, saves and finds them kept after a reload, the locked
setting disabled with its reason. The tests share one demo server: only this one changes
preferences (Ines's, and the lock on Tandem's own notices)."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import axe_violations, sign_in
from tests.browser.test_content_security import violations, watched_page


def lock_notices(new_page: Any) -> None:
    admin = new_page()
    sign_in(admin, "zoe")
    admin.goto("/settings")
    admin.get_by_role("link", name="The organisation's notification defaults").click()
    admin.get_by_label("Notices from Tandem by email: locked").check()
    admin.get_by_label("Notices from Tandem by email: why locked").fill("failing channels")
    admin.get_by_role("button", name="Save the defaults").click()
    admin.get_by_role("status").get_by_text("notification defaults are saved").wait_for()


def test_a_person_sets_their_notifications_and_finds_them_kept(new_page: Any) -> None:
    lock_notices(new_page)
    page, problems = watched_page(new_page)
    sign_in(page, "ines")
    page.locator("details.account summary").click()
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Notifications").click()
    page.wait_for_url("**/settings/notifications")

    page.get_by_label("Weekly digests by email").uncheck()
    page.get_by_label("Time zone").fill("Europe/Paris")
    page.get_by_label("My own, from … to …").check()
    page.get_by_label("From", exact=True).fill("22:00")
    page.get_by_label("To", exact=True).fill("07:00")
    page.get_by_role("button", name="Save my preferences").click()
    page.get_by_role("status").get_by_text("Your notification preferences are saved.").wait_for()

    page.reload()
    assert not page.get_by_label("Weekly digests by email").is_checked()
    assert page.get_by_label("Risk from other teams by email").is_checked()
    assert page.get_by_label("Time zone").input_value() == "Europe/Paris"
    assert page.get_by_label("My own, from … to …").is_checked()
    assert page.get_by_label("From", exact=True).input_value() == "22:00"
    assert page.get_by_label("To", exact=True).input_value() == "07:00"
    locked = page.get_by_label("Notices from Tandem by email")
    assert locked.is_disabled()
    assert locked.is_checked()
    assert "Set by your organisation: failing channels" in page.locator("table").inner_text()
    assert axe_violations(page) == []
    assert violations(page) == []
    assert problems == []
