"""A comment with a mention, in a real browser: Ana comments on SR-1 and mentions Ben, chosen
from the people matching what she typed after "@" (the form is posted with HTMX and the thread
swapped in place); Ben signs in, his bell counts it,
the inbox shows it and its link opens the objective page at the comment. What Ana typed as
markup is shown as text, and no rule of the Content Security Policy is broken."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import axe_violations, sign_in
from tests.browser.test_content_security import violations, watched_page


def unread(page: Any) -> int:
    count = page.locator("a.bell .bell-count")
    return int(count.inner_text()) if count.count() else 0


def test_a_mention_reaches_the_inbox_and_leads_to_the_comment(new_page: Any) -> None:
    reader = new_page()
    sign_in(reader, "ben")
    before = unread(reader)

    page, problems = watched_page(new_page)
    sign_in(page, "ana")
    page.goto("/objectives/SR-1")
    thread = page.locator("section#comments-SR-1")
    box = thread.get_by_label("Add a comment on SR-1")
    box.press_sequentially("@Oka")  # part of Ben Okafor's name: the picker lists him
    thread.get_by_role("button", name=re.compile(r"^Ben Okafor ben")).click()
    assert box.input_value() == "@ben "
    box.press_sequentially(
        "can you check the EU numbers? <b>not bold</b> <script>alert(1)</script>"
    )
    thread.get_by_role("button", name="Comment", exact=True).click()
    page.locator("section#comments-SR-1").get_by_role("status").get_by_text(
        "Comment saved."
    ).wait_for()
    comment = page.locator("section#comments-SR-1 li.comment").last
    assert "<b>not bold</b> <script>alert(1)</script>" in comment.inner_text()
    assert comment.locator("b").count() == 0
    assert comment.get_by_role("link", name="@ben").get_attribute("title") == "Ben Okafor"
    comment_id = comment.get_attribute("id")
    assert comment_id is not None
    assert re.fullmatch(r"comment-\d+", comment_id)
    assert page.url.endswith("/objectives/SR-1")  # swapped in place, no page load
    assert axe_violations(page) == []
    assert violations(page) == []
    assert problems == []

    reader.reload()
    assert unread(reader) == before + 1
    reader.locator("a.bell").click()
    reader.wait_for_url("**/inbox")
    item = reader.locator(".inbox-item", has_text="Ana Lima mentioned you on objective SR-1")
    assert "can you check the EU numbers?" in item.inner_text()
    item.get_by_role("link").first.click()
    reader.wait_for_url(f"**/objectives/SR-1#{comment_id}")
    shown = reader.locator(f"#{comment_id}")
    assert shown.is_visible()
    assert reader.evaluate("document.querySelector(':target')?.id") == comment_id
