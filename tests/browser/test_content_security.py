"""The pages work under their Content Security Policy: no script, style or resource of theirs
(vendored htmx, Chart.js and Cytoscape.js included) is refused, and nothing fails in the
console, while the main pages are shown and used."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import sign_in
from tests.browser.test_flows import MAIN_PAGES

# Before any script of the page's own runs: every violation of the policy, as the page saw it.
WATCH = """
window.policyViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.policyViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile}:${event.lineNumber}) ${event.sample}`
  );
});
"""


def watched_page(new_page: Any) -> tuple[Any, list[str]]:
    """A page whose console errors and uncaught exceptions are collected."""
    page = new_page()
    problems: list[str] = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text} ({message.location['url']})")
            # Chromium asks for /favicon.ico by itself; Tandem has none (a 404, policy or not).
            if message.type == "error" and not message.location["url"].endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    # The console says only that a resource failed to load; this says which.
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status}: {response.url}")
            if response.status >= 400
            else None
        ),
    )
    return page, problems


def violations(page: Any) -> list[str]:
    found: list[str] = page.evaluate("window.policyViolations")
    return found


def test_the_main_pages_break_no_rule_of_their_content_security_policy(new_page: Any) -> None:
    page, problems = watched_page(new_page)
    response = page.goto("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert violations(page) == []
    sign_in(page, "zoe")
    seen: dict[str, list[str]] = {}
    for url in [*MAIN_PAGES, "/admin/", "/api/v1/docs"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        seen[url] = violations(page)
    # The charts and the graph drew (their scripts ran), and htmx's swaps work.
    for url in ("/dashboard", "/objectives/SR-1"):
        page.goto(url)
        page.wait_for_function("() => Chart.getChart(document.querySelector('canvas'))")
    page.goto("/dependencies")
    page.locator(".graph.graph-ready canvas").first.wait_for()
    seen["/dependencies (graph)"] = violations(page)
    page.goto("/alignment")
    page.get_by_role("button", name="Collapse all").click()
    page.locator("summary", has_text="of NW-1").first.click()
    page.locator("summary", has_text="to NW-1.1").first.click()
    page.locator(".tree-label", has_text="SR-1").first.wait_for()
    seen["/alignment (a branch opened)"] = violations(page)
    page.goto("/objectives/SR-2/edit")
    page.get_by_label("Title").first.fill("Make search results feel instant to everyone")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)  # the advice comes 500 ms after the last keystroke
    seen["/objectives/SR-2/edit (advice)"] = violations(page)
    assert {url: found for url, found in seen.items() if found} == {}
    assert problems == []
