"""Check-ins that store what was meant, in a real browser: "6,70" is refused next to the field,
a large move is confirmed on the card, a saved check-in is undone in place, and a check-in is
corrected from the objective's history.

It changes SR-1.1's check-ins only (other browser tests record confidences on it, never values).
"""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import axe_violations, sign_in


def test_confirm_undo_and_correct_a_check_in(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "ben")
    card = page.locator('[id="kr-SR-1.1"]')
    card.locator("summary", has_text="Check in on SR-1.1").click()
    card.get_by_label("New value").fill("6,70")
    card.get_by_role("button", name="Save check-in").click()
    error = page.locator('[id="checkin-SR-1.1-value-error"]')
    error.wait_for()
    assert "write 6.70 or 670" in error.inner_text()

    # 67 ms after 680 ms: asked first, recorded once confirmed, then undone in place.
    card = page.locator('[id="kr-SR-1.1"]')
    card.get_by_label("New value").fill("67")
    card.get_by_role("button", name="Save check-in").click()
    question = page.locator('[id="checkin-SR-1.1-confirm"]')
    question.wait_for()
    assert "67 ms? The last check-in was 680 ms." in question.inner_text()
    question.get_by_role("button", name="Yes, record 67 ms").click()
    card = page.locator('[id="kr-SR-1.1"]')
    card.get_by_text("Check-in saved").wait_for()
    assert "67 ms" in card.inner_text()
    card.get_by_role("button", name="Undo the check-in on SR-1.1").click()
    card = page.locator('[id="kr-SR-1.1"]')
    card.get_by_text("Check-in undone").wait_for()
    assert "680 ms" in card.inner_text()

    # Corrected from the objective's history, with a reason; the card follows.
    page.goto(re.sub(r"(https?://[^/]+).*", r"\1/objectives/SR-1", page.url))
    page.get_by_role(
        "link", name=re.compile(r"^Correct the check-in of .* on SR-1\.1$")
    ).first.click()
    assert axe_violations(page) == []
    page.get_by_label("Value (ms)").fill("675")
    page.get_by_label("Why is it corrected?").fill("measured again on all EU nodes")
    page.get_by_role("button", name="Save the correction").click()
    history = page.locator("ol.history")
    history.get_by_text(
        re.compile(r"corrected the check-in of \d+ \w+ \d{4}: value .* → 675")
    ).wait_for()
    assert "measured again on all EU nodes" in history.inner_text()
    assert "withdrew the check-in of" in history.inner_text()  # the undo
    assert "675 ms" in page.locator('[id="kr-SR-1.1"]').inner_text()
