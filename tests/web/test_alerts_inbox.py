"""A risk alert in the inbox page: the chain in words, linked to the key result's card."""

from __future__ import annotations

import html
from collections.abc import Callable

from django.test import Client

from tandem.notifications.alerts.risk import risk_sweep
from tests.notifications.alerts_support import TODAY, check_in

WebAs = Callable[[str], Client]


def test_the_inbox_shows_a_risk_alert_with_its_chain(web_as: WebAs) -> None:
    client = web_as("member")  # ben, who owns SR-1.1
    check_in("SRE-1.1", TODAY, 8, "lena")
    risk_sweep(TODAY)
    check_in("SRE-1.1", TODAY, 3, "lena")
    risk_sweep(TODAY)
    page = html.unescape(client.get("/inbox").content.decode())
    assert (
        "SR-1.1 is now off track because DEP-1: Infrastructure's IN-1.1 is off track because "
        "DEP-2: Site Reliability's SRE-1.1 has confidence 3"
    ) in page
    assert 'href="/objectives/SR-1#kr-SR-1.1"' in page
    card = client.get("/objectives/SR-1").content.decode()
    assert 'id="kr-SR-1.1"' in card
