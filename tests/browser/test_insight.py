"""The calibration page and "what if this slipped?" in a real browser: the reliability chart is
drawn without a script and passes the accessibility checks; the what-if answers in place, with
HTMX, on the key result's card. Read-only: it shares the demo server with the other tests."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import axe_violations, sign_in
from tests.browser.test_content_security import violations, watched_page


def test_the_calibration_page_shows_a_reliability_chart_per_team(new_page: Any) -> None:
    page, problems = watched_page(new_page)
    sign_in(page, "ana")
    page.goto("/calibration")
    page.get_by_role("heading", name="Confidence calibration").wait_for()
    table = page.get_by_role("table", name="Calibration by team")
    assert "Search" in table.inner_text()
    chart = page.get_by_role("img", name="Reliability chart of Search")
    assert chart.is_visible()
    assert chart.locator("circle").count() >= 1
    assert axe_violations(page) == []
    assert violations(page) == []
    assert problems == []


def test_what_if_answers_in_place_on_the_key_results_card(new_page: Any) -> None:
    page, problems = watched_page(new_page)
    sign_in(page, "tom")
    page.goto("/objectives/PA-1")
    page.get_by_role("button", name="What if PA-1.2 slipped?").click()
    answer = page.locator("#what-if-PA-1\\.2.what-if")
    answer.wait_for()
    assert "If PA-1.2 slipped off track" in answer.inner_text()
    assert page.url.endswith("/objectives/PA-1")  # answered in place, no new page
    assert axe_violations(page) == []
    assert violations(page) == []
    assert problems == []
