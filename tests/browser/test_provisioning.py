"""An admin sets up SCIM provisioning in a real browser: the tenant URL, a token created and
shown once, the identity provider's first call with it, and the token revoked after
confirming."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import axe_violations, sign_in
from tests.browser.test_content_security import violations, watched_page


def test_an_admin_creates_a_scim_token_an_idp_uses_it_and_the_admin_revokes_it(
    new_page: Any, server: str
) -> None:
    page, problems = watched_page(new_page)
    sign_in(page, "zoe")
    page.goto("/settings")
    page.get_by_role("link", name="Provisioning").click()
    page.wait_for_url("**/settings/provisioning")
    assert page.locator("#scim-base-url code").first.inner_text() == f"{server}/scim/v2"
    page.get_by_text("No SCIM token yet.").wait_for()
    assert axe_violations(page) == []

    page.get_by_label("What uses it").fill("Entra ID")
    page.get_by_role("button", name="Create").click()
    shown = page.locator("#scim-new-token code")
    raw = shown.inner_text()
    assert page.get_by_role("status").get_by_text("the only time it is shown").count() == 1
    row = page.locator("#scim-tokens tbody tr")
    assert row.count() == 1
    assert "Entra ID" in row.inner_text()
    assert axe_violations(page) == []
    page.goto("/settings/provisioning")  # shown once: not on the next visit
    assert page.locator("#scim-new-token").count() == 0
    assert raw not in page.content()

    # The identity provider's first call, with the token the page showed.
    bearer = {"Authorization": f"Bearer {raw}"}
    users = page.request.get("/scim/v2/Users?count=1", headers=bearer)
    assert users.status == 200
    # A SCIM list (of the people it provisions: none yet, the demo's came from its file).
    assert users.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]

    page.get_by_role("link", name="Revoke…").click()
    confirm = page.locator("#scim-revoke-confirm")
    confirm.get_by_text("Your identity provider can no longer provision with it").wait_for()
    confirm.get_by_role("button", name="Revoke").click()
    page.locator("#scim-tokens tbody tr").get_by_text("revoked").wait_for()
    assert page.get_by_role("link", name="Revoke…").count() == 0
    assert page.request.get("/scim/v2/Users?count=1", headers=bearer).status == 401
    assert violations(page) == []
    assert problems == []
