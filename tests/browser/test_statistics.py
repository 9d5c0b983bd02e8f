"""The cycle statistics page in Chromium: the trend chart and the histograms drawn, their
tables a click away, nothing serious for axe-core, and no inline style the CSP would refuse."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import axe_violations, sign_in


def test_the_statistics_of_the_closed_q3_are_drawn_and_accessible(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "ben")
    page.goto("/cycles/2026-Q3/review")
    page.get_by_role("link", name="Statistics of 2026-Q3").click()
    page.wait_for_url("**/cycles/2026-Q3/statistics")
    assert page.get_by_role("heading", name="Statistics of 2026-Q3").is_visible()
    chart = page.get_by_role("img", name="Trend of 2026-Q3 and the closed cycles before it")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] > 300
    assert page.locator(".stats-histogram rect").count() == 20
    page.get_by_text("The trend as a table").click()
    assert page.get_by_role("cell", name="0.90").first.is_visible()
    assert axe_violations(page) == []
    page.screenshot(path="/tmp/cs-statistics.png", full_page=True)
