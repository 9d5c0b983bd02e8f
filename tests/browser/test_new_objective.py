"""Create an objective from My OKRs, in a real browser: the link is where people look, the form
is prefilled with the person's team and the quarter under way, and saving goes on to its key
results, with a searchable picker for contributors.

Tom (Payments) creates it: the other browser tests leave Payments' objectives alone.
"""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import axe_violations, sign_in


def test_create_an_objective_from_my_okrs(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "tom")
    page.get_by_role("link", name="New objective", exact=True).click()
    page.wait_for_url("**/objectives/new")
    # Prefilled: his team (not himself) and the quarter under way.
    assert page.get_by_label("Owner", exact=True).input_value() == "payments"
    assert page.get_by_label("Cycle", exact=True).input_value() == "2026-Q4"
    page.get_by_label("Title", exact=True).fill("Renewals succeed on the first try")
    page.get_by_role("button", name="Create the objective").click()

    page.wait_for_url(re.compile(r"/objectives/[^/]+/key-results/new$"))
    created = re.search(r"/objectives/([^/]+)/key-results/new$", page.url)
    assert created is not None
    objective_id = created.group(1)
    assert f"{objective_id} is created: now add its key results." in (
        page.get_by_role("status").first.inner_text()
    )
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"New key result for {objective_id}"
    )
    # A team's key result is owned by whoever adds it; contributors are a searchable picker,
    # not a Ctrl-click list.
    assert page.locator("select[multiple]").count() == 0
    assert page.get_by_label("Owner", exact=True).input_value() == "tom"
    page.get_by_label("Title", exact=True).fill("First-try renewal success from 82% to 95%")
    page.get_by_label("Start", exact=True).fill("82")
    page.get_by_label("Target", exact=True).fill("95")
    page.get_by_role("button", name="Add the key result").click()

    page.wait_for_url(f"**/objectives/{objective_id}")
    assert "First-try renewal success from 82% to 95%" in page.locator("main").inner_text()
    assert axe_violations(page) == []
