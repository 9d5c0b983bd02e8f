"""Retake the screenshots of the main pages in docs/screenshots/ (``make screenshots``).

Starts ``tandem serve --demo`` in a temporary data directory, signs in as ana (who leads
Search) in Debian's chromium and saves each page as a PNG.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import chromium_path, demo_server, launch_chromium, sign_in

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = {
    "web-my-okrs": "/",
    "web-objective": "/objectives/SR-1",
    "web-team": "/teams/search",
    "web-alignment": "/alignment",
    "web-dependencies": "/dependencies",
    "web-dashboard": "/dashboard",
    "web-review": "/cycles/2026-Q4/review",
    "web-edit-key-result": "/key-results/SR-1.1/edit",
}


def main() -> None:
    executable = chromium_path()
    if executable is None:
        sys.exit("Debian's chromium is needed: apt-get install chromium")
    with (
        tempfile.TemporaryDirectory() as data,
        demo_server(Path(data)) as base,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright, executable)
        context = browser.new_context(
            base_url=base, viewport={"width": 1280, "height": 900}, locale="en-GB"
        )
        page = context.new_page()
        sign_in(page, "ana")
        for name, url in PAGES.items():
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(400)  # charts finish their animation
            page.screenshot(path=OUT / f"{name}.png", full_page=False)
            print(f"{name}.png  {url}")
        phone = browser.new_context(
            base_url=base, viewport={"width": 375, "height": 812}, locale="en-GB"
        )
        small = phone.new_page()
        sign_in(small, "ben")
        small.wait_for_load_state("networkidle")
        card = small.locator("#kr-SR-1\\.1")
        card.locator("summary", has_text="Check in on").click()
        card.scroll_into_view_if_needed()
        small.evaluate("window.scrollBy(0, -60)")
        small.screenshot(path=OUT / "web-phone-check-in.png")
        print("web-phone-check-in.png  / at 375 px")
        browser.close()


if __name__ == "__main__":
    main()
