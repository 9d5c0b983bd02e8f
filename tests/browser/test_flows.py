"""What people do in Tandem, in a real browser: check in, answer a request, read the map,
grade a cycle; and every main page passes axe-core's accessibility checks.

The tests share one demo server, so each changes different objects.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, sign_in

MAIN_PAGES = [
    "/",
    "/objectives/SR-1",
    "/teams/search",
    "/teams",
    "/alignment",
    "/dependencies",
    "/dashboard",
    "/cycles/2026-Q4/review",
    "/report",
    "/objectives/new",
    "/objectives/SR-2/edit",
    "/key-results/SR-2.1/edit",
    "/dependencies/new?from=SR-2.1",
    "/password",
]


def by_id(page: Any, element_id: str) -> Any:
    return page.locator(f'[id="{element_id}"]')


def test_check_in_updates_progress_in_place_without_a_reload(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "ben")
    card = by_id(page, "kr-BEN-1.1")
    assert card.locator(".progress-text").first.inner_text() == "66%"
    page.evaluate("window.notReloaded = true")
    card.locator("summary", has_text="Check in on BEN-1.1").click()
    card.get_by_label("New value").fill("70")
    card.get_by_label("Confidence").fill("8")
    card.get_by_label("Note").fill("cache warmed for the EU long tail")
    card.get_by_role("button", name="Save check-in").click()
    card = by_id(page, "kr-BEN-1.1")
    card.locator(".progress-text", has_text="100%").first.wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert "cache warmed for the EU long tail" in card.inner_text()


def test_a_refused_check_in_says_why_next_to_the_field(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "ben")
    card = by_id(page, "kr-SR-1.2")
    card.locator("summary", has_text="Check in on SR-1.2").click()
    card.get_by_label("Confidence").fill("11")
    card.get_by_role("button", name="Save check-in").click()
    error = by_id(page, "kr-SR-1.2").locator(".field-error").first
    error.wait_for()
    assert "10" in error.inner_text()


def test_check_in_at_phone_width(new_page: Any) -> None:
    page = new_page(width=375, height=812)
    sign_in(page, "cai")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    card = by_id(page, "kr-SR-1.1")
    summary = card.locator("summary", has_text="Check in on")
    summary.click()
    form = card.locator("form")
    button = form.get_by_role("button", name="Save check-in")
    box = button.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 375
    form.get_by_label("Confidence").fill("6")
    form.get_by_label("Note").fill("checked from my phone")
    button.click()
    page.get_by_text("checked from my phone").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_accepting_a_request_changes_the_requesters_key_result(new_page: Any) -> None:
    # Ben asks Infrastructure for help with SR-2.1 (at risk, not done: a done key result is on
    # track whatever its dependencies); Omar, who leads Infrastructure, accepts and links
    # IN-1.1, which is off track: SR-2.1 now is too.
    requester = new_page()
    sign_in(requester, "ben")
    requester.goto("/objectives/SR-2")
    assert "At risk" in by_id(requester, "kr-SR-2.1").locator(".health").first.inner_text()
    requester.goto("/dependencies/new?from=SR-2.1")
    requester.get_by_label("Team you ask").select_option("infra")
    requester.get_by_label("What you need from them").fill("p99 dashboards for the EU region")
    requester.get_by_role("button", name="Send the request").click()
    sent = requester.get_by_role("status").inner_text()
    dependency = re.search(r"DEP-\d+", sent)
    assert dependency is not None, sent

    provider = new_page()
    sign_in(provider, "omar")
    provider.goto("/dependencies")
    card = provider.locator("article", has_text=dependency.group(0)).first
    card.get_by_label("Key result of Infrastructure that delivers it").select_option("IN-1.1")
    card.get_by_role("button", name="Accept", exact=True).click()
    provider.locator("article", has_text=dependency.group(0)).get_by_text(
        "Accepted"
    ).first.wait_for()

    requester.goto("/objectives/SR-2")
    card = by_id(requester, "kr-SR-2.1")
    assert "Off track" in card.locator(".health").first.inner_text()
    assert f"{dependency.group(0)}: Infrastructure's IN-1.1 is off track" in card.inner_text()


def test_alignment_map_collapses_and_expands_a_branch(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "sofia")
    page.goto("/alignment")
    page.get_by_role("button", name="Collapse all").click()
    child = page.locator(".tree-label", has_text="SR-1").first
    assert not child.is_visible()
    page.locator("summary", has_text="of NW-1").first.click()
    page.locator("summary", has_text="to NW-1.1").first.click()
    child.wait_for(state="visible")


def test_override_a_score_in_the_review(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "ana")
    page.goto("/cycles/2026-Q4/review")
    row = by_id(page, "kr-SR-2.1")
    row.locator("summary", has_text="Override the score").click()
    row.get_by_label("Score (0.0–1.0)").fill("0.7")
    row.get_by_label("Why (required)").fill("the survey moved to December")
    row.get_by_role("button", name="Save the score").click()
    overridden = by_id(page, "kr-SR-2.1").locator(".override")
    overridden.wait_for()
    assert "the survey moved to December" in overridden.inner_text()
    assert "Ana" in overridden.inner_text()


@pytest.mark.parametrize("url", MAIN_PAGES)
def test_main_pages_have_no_serious_accessibility_violations(new_page: Any, url: str) -> None:
    page = new_page()
    sign_in(page, "zoe")
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
