"""A check-in reminder's link (/objectives/X#kr-X.1) opens that key result's check-in form,
ready to type in, on arrival and when only the address's #kr-... changes.

It records nothing: the other browser tests' check-ins stay as they expect them.
"""

from __future__ import annotations

from typing import Any

from tandem.notifications.reminders import checkin_link
from tests.browser.conftest import sign_in


def test_a_reminders_link_opens_the_check_in_form(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "ben")
    page.goto(checkin_link("SR-1", "SR-1.2"))
    form = page.locator('[id="kr-SR-1.2"] details.checkin')
    assert form.get_attribute("open") is not None
    assert page.evaluate("document.activeElement.closest('[id=\"kr-SR-1.2\"]') !== null")
    others = page.locator('[id="kr-SR-1.1"] details.checkin')
    assert others.get_attribute("open") is None
    page.evaluate("window.location.hash = '#kr-SR-1.1'")
    others.and_(page.locator("[open]")).wait_for()
    assert page.evaluate("document.activeElement.closest('[id=\"kr-SR-1.1\"]') !== null")
