"""The bell and the inbox in a real browser: a request for help reaches the provider team's
lead, whose bell counts it; the inbox shows it with its link, and marking all read takes the
count to nothing. The tests share one demo server: here Leo (Customer Success) asks Mobile
(Kenji leads it), which no other browser test touches."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import axe_violations, sign_in
from tests.browser.test_content_security import violations, watched_page


def test_the_bell_counts_a_new_request_and_the_inbox_marks_it_read(new_page: Any) -> None:
    requester = new_page()
    sign_in(requester, "leo")
    requester.goto("/dependencies/new?from=CS-2.1")
    requester.get_by_label("Team you ask").select_option("mobile")
    requester.get_by_label("What you need from them").fill("an invoice preview in the app")
    requester.get_by_role("button", name="Send the request").click()
    sent = requester.get_by_role("status").inner_text()
    dependency = re.search(r"DEP-\d+", sent)
    assert dependency is not None, sent
    assert requester.locator(".bell-count").count() == 0  # the asker hears nothing of it

    page, problems = watched_page(new_page)
    sign_in(page, "kenji")
    bell = page.get_by_role("link", name="Inbox 1 unread", exact=True)
    assert bell.locator(".bell-count").inner_text() == "1"
    bell.click()
    page.wait_for_url("**/inbox")
    item = page.locator(".inbox-item", has_text=dependency.group(0))
    assert "an invoice preview in the app" in item.inner_text()
    assert item.get_by_role("link").get_attribute("href") == "/dependencies"
    assert axe_violations(page) == []
    page.get_by_role("button", name="Mark all read").click()
    page.get_by_role("status").get_by_text("Marked 1 notification read.").wait_for()
    assert page.locator("a.bell .bell-count").count() == 0
    page.get_by_role("link", name="Inbox", exact=True).wait_for()
    assert page.locator(".inbox-item.unread").count() == 0
    assert violations(page) == []
    assert problems == []
