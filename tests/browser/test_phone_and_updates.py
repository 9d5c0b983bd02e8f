"""Every main page on a phone (375 x 812): nothing wider than the screen, the navigation in a
menu, tables stacked as cards with their status and due date in sight, charts whose labels fit
and, in place of the graph, the list of links. Then what an answer given in place changes
around it, where the keyboard focus goes, and where the graph's nodes lead.

The tests share one demo server, so each changes different objects (here: ana accepts DEP-3).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_content_security import WATCH

PHONE = {"width": 375, "height": 812}
PHONE_PAGES = [
    "/",
    "/objectives/SR-1",
    "/alignment",
    "/dependencies",
    "/dashboard",
    "/teams/search",
    "/cycles/2026-Q4/review",
]


def in_sight(page: Any, locator: Any) -> bool:
    """Whether the element is shown and lies within the phone's width."""
    box = locator.bounding_box()
    return bool(
        locator.is_visible() and box and box["x"] >= 0 and box["x"] + box["width"] <= 375 + 0.5
    )


@pytest.mark.parametrize("url", PHONE_PAGES)
def test_every_main_page_fits_a_phone_and_its_menu_reaches_every_page(
    new_page: Any, url: str
) -> None:
    page = new_page(**PHONE)
    sign_in(page, "ana")
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The links are folded in a menu (a <details>), not in a strip cut at the edge.
    nav = page.get_by_role("navigation", name="Main")
    links = nav.locator(".nav-menu .nav-links a")
    assert links.count() >= 5
    assert not links.first.is_visible()
    nav.locator(".nav-menu summary").click()
    names = []
    for index in range(links.count()):
        link = links.nth(index)
        assert in_sight(page, link), link.inner_text()
        names.append(link.inner_text())
    assert {"My OKRs", "Dashboard", "Alignment", "Dependencies", "Search", "Review"} <= set(names)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_dependencies_keep_their_status_and_due_date_in_sight_on_a_phone(
    new_page: Any,
) -> None:
    page = new_page(**PHONE)
    sign_in(page, "ana")
    page.goto("/dependencies")
    card = page.locator("article.dependency").first
    for fact in ("Due", "State"):
        assert in_sight(page, card.locator("dt", has_text=fact).first), fact
    # The graph gives way to the links between teams, each a card with its worst status.
    assert not page.locator("#dependency-graph").is_visible()
    row = page.locator("#links-table tbody tr").first
    assert in_sight(page, row)
    status = row.locator('td[data-label="Worst status"]')
    assert in_sight(page, status)
    assert re.search(r"Off track|At risk|On track|Delivered", status.inner_text())
    # The objective page's tables of requests, stacked: status and due date in sight.
    page.goto("/objectives/SR-1")
    for column in ("Status", "Due"):
        cell = page.locator(f'#deps-heading ~ div td[data-label="{column}"]').first
        assert in_sight(page, cell), column


def test_charts_labels_fit_a_phone(new_page: Any) -> None:
    page = new_page(**PHONE)
    sign_in(page, "ana")
    page.goto("/objectives/SR-1")
    page.wait_for_load_state("networkidle")
    labels = page.evaluate(
        """() => {
        const chart = Chart.getChart(document.querySelector("canvas[data-chart]"));
        return chart.scales.x.ticks.map((tick) => tick.label);
    }"""
    )
    assert 2 <= len(labels) <= 5, labels
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", label) for label in labels), labels
    page.goto("/dashboard")
    page.wait_for_load_state("networkidle")
    fits = page.evaluate(
        """() => {
        const chart = Chart.getChart(document.getElementById("team-chart"));
        const scale = chart.scales.y;
        const lines = scale.ticks.map((tick) => [].concat(tick.label));
        return {lines, left: scale.left, width: scale.width, chart: chart.width};
    }"""
    )
    assert fits["left"] >= 0
    assert fits["width"] < fits["chart"] / 2
    assert all(len(line) <= 16 for label in fits["lines"] for line in label), fits["lines"]


def test_accepting_a_request_updates_the_counts_around_it_and_keeps_the_focus(
    new_page: Any,
) -> None:
    page = new_page()
    page.add_init_script(WATCH)  # what the Content Security Policy refuses, if anything
    sign_in(page, "ana")
    page.goto("/dependencies")
    page.evaluate("window.notReloaded = true")
    waiting = page.locator("#waiting-heading .pill")
    accepted = page.locator("#accepted-heading .pill")
    assert (waiting.inner_text(), accepted.inner_text()) == ("1", "0")
    card = page.locator('[id="incoming-DEP-3"]')
    card.get_by_label("Key result of Search that delivers it").select_option("SR-2.1")
    card.get_by_role("button", name="Accept", exact=True).click()
    page.locator("#accepted-heading .pill", has_text="1").wait_for()
    assert waiting.inner_text() == "0"
    assert page.evaluate("window.notReloaded") is True
    assert "Nothing waits for an answer." in page.locator("#incoming-section").inner_text()
    # The card is now among the accepted requests, and its heading has the focus.
    focused = page.evaluate("document.activeElement.id")
    assert focused == "incoming-DEP-3-title"
    assert page.evaluate(
        "document.activeElement.closest('ul.cards') !== null"
        " && document.getElementById('accepted-heading').compareDocumentPosition("
        "document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert "Accepted." in page.locator('[id="incoming-DEP-3"]').inner_text()
    # The links between teams were brought back too, and the graph drawn again.
    page.locator("#dependency-graph.graph-ready canvas").first.wait_for()
    row = page.locator('[id="link-cs-search"]')
    assert "DEP-3" in row.inner_text()
    # htmx carries no style attribute over to the new graph (an inline style, refused).
    assert page.evaluate("window.policyViolations") == []


def test_needs_a_check_in_opens_the_form_with_the_cursor_in_it(new_page: Any) -> None:
    page = new_page(**PHONE)
    sign_in(page, "ana")
    link = page.locator(".due-list a[href^='#kr-']").first
    target = (link.get_attribute("href") or "").removeprefix("#")
    link.click()
    details = page.locator(f'[id="{target}"] details.checkin')
    assert details.evaluate("(details) => details.open") is True
    first = details.locator("form input:not([type=hidden]), form select, form textarea").first
    assert first.evaluate("(field) => field === document.activeElement") is True
    assert page.evaluate("location.hash") == f"#{target}"
    # Saving replaces the card: the focus goes to its heading, not back to the top of the page.
    form = details.locator("form")
    form.get_by_label("Note").fill("checked from the list")
    form.get_by_role("button", name="Save check-in").click()
    page.locator(f'[id="{target}"]', has_text="checked from the list").first.wait_for()
    from playwright.sync_api import expect  # noqa: PLC0415 (as conftest: only with a browser)

    expect(page.locator(f'[id="{target}-title"]')).to_be_focused()


def test_clicking_a_team_in_the_graph_opens_its_page(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "ana")
    page.goto("/dependencies")
    graph = page.locator("#dependency-graph")
    graph.locator("canvas").first.wait_for()
    graph.scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # Cytoscape notes where its container went after the scroll
    position = page.evaluate(
        """() => document.getElementById("dependency-graph")._cyreg.cy
            .$id("infra").renderedPosition()"""
    )
    box = graph.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + position["x"], box["y"] + position["y"])
    page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    page.wait_for_url("**/teams/infra")


def test_clicking_a_link_in_the_graph_goes_to_its_row_in_the_table(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "ana")
    page.goto("/dependencies")
    graph = page.locator("#dependency-graph")
    graph.locator("canvas").first.wait_for()
    graph.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    middle = page.evaluate(
        """() => document.getElementById("dependency-graph")._cyreg.cy
            .$id("search->infra").renderedMidpoint()"""
    )
    box = graph.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + middle["x"], box["y"] + middle["y"])
    page.mouse.click(box["x"] + middle["x"], box["y"] + middle["y"])
    page.wait_for_url("**/dependencies#link-search-infra")
    assert "DEP-1" in page.locator('[id="link-search-infra"]').inner_text()
