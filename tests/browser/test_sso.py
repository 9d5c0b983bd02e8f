"""Single sign-on in Chromium: Tandem's sign-in page, the provider's (node-oidc-provider on
127.0.0.1, tests/oidc_provider), back signed in; then signed out of both."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import _free_port, axe_violations, demo_server
from tests.oidc_provider import free_port, oidc_provider, tandem_sso_env


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``tandem serve --demo`` with single sign-on through the test provider; password
    sign-in off."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with oidc_provider(free_port(), base) as issuer:
        env = tandem_sso_env(issuer, "Northwind ID")
        data = tmp_path_factory.mktemp("sso-data")
        with demo_server(data, port=port, env_extra=env) as served:
            yield served


def test_sign_in_with_the_provider_and_out_of_both(browser: Any, sso_server: str) -> None:
    context = browser.new_context(base_url=sso_server, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    page.goto("/")
    assert "/login" in page.url
    assert page.get_by_label("Password").count() == 0  # password sign-in is off
    assert axe_violations(page) == []
    page.get_by_role("link", name="Sign in with Northwind ID").click()
    # The provider's own sign-in form: the login picks the account (tests/oidc_provider).
    page.locator("input[name=login]").fill("ana")
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{sso_server}/")
    page.get_by_text("Ana Lima").first.wait_for()
    page.locator('a[href="/admin/"]').wait_for(state="attached")  # okr-admins: an admin now
    page.locator("details.account summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider asks
    page.wait_for_url(f"{sso_server}/login")
    page.goto("/")
    assert "/login" in page.url
    assert violations == []
    context.close()
