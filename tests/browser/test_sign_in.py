"""Signing in and out in a real browser, and the sign-in page's accessibility."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import DEMO_PASSWORD, axe_violations, sign_in


def test_the_browser_tests_know_the_demo_password() -> None:
    from tandem.organization import demo  # noqa: PLC0415

    assert demo.DEMO_PASSWORD == DEMO_PASSWORD


def test_sign_in_page_is_accessible_and_a_wrong_password_says_so(new_page: Any) -> None:
    page = new_page()
    page.goto("/")
    assert "/login" in page.url
    assert axe_violations(page) == []
    page.get_by_label("Your id or e-mail").fill("ana")
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("That id or e-mail and password")


def test_sign_in_then_sign_out(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "ana")
    page.get_by_text("Ana", exact=False).first.wait_for()
    page.locator("details.account summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login*")
    page.goto("/dashboard")
    assert "/login" in page.url
