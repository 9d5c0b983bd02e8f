"""On the pages: what is typed is what is stored ("6,70" is refused next to the field), a large
move is confirmed on the card, a saved check-in can be undone for 5 minutes, and the objective
page's history corrects or withdraws a check-in with a reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from django.test import Client

from tandem.checkins.models import CheckIn, CheckInRevision
from tests.web.test_checkin import HTMX, body

CHECK_IN = "/key-results/SR-1.1/check-in"


def _rows() -> int:
    return CheckIn.objects.filter(key_result_id="SR-1.1").count()


def _value_error(html: str) -> str:
    found = re.search(r'id="checkin-SR-1\.1-value-error">([^<]*)<', html)
    assert found, html
    return found.group(1)


def test_a_comma_is_refused_next_to_the_field_with_what_was_typed(
    web_as: Callable[[str], Client],
) -> None:
    client = web_as("member")
    before = _rows()
    response = client.post(CHECK_IN, {"value": "6,70", "page": "home"}, headers=HTMX)
    assert response.status_code == 422
    html = body(response)
    assert _value_error(html) == (
        "“6,70” is ambiguous: write 6.70 or 670: Tandem reads a dot as the decimal point"
    )
    assert 'value="6,70"' in html
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
    # Without JavaScript: the page again, the message next to the field.
    page = client.post(CHECK_IN, {"value": "1,234", "page": "home"})
    assert page.status_code == 422
    assert "write 1.234 or 1234" in _value_error(body(page))
    assert _rows() == before


def test_a_large_move_is_confirmed_on_the_card(web_as: Callable[[str], Client]) -> None:
    client = web_as("member")
    before = _rows()
    response = client.post(CHECK_IN, {"value": "67", "page": "home"}, headers=HTMX)
    assert response.status_code == 409
    html = body(response)
    assert "67 ms? The last check-in was 680 ms." in html
    assert '<button type="submit" name="confirm" value="67" class="primary">' in html
    assert "Yes, record 67 ms</button>" in html
    assert _rows() == before
    # Confirming another value than the one typed asks again.
    again = client.post(CHECK_IN, {"value": "66", "confirm": "67", "page": "home"}, headers=HTMX)
    assert again.status_code == 409
    assert "66 ms? The last check-in was 680 ms." in body(again)
    saved = client.post(CHECK_IN, {"value": "67", "confirm": "67", "page": "home"}, headers=HTMX)
    assert saved.status_code == 200
    assert "Check-in saved" in body(saved)
    assert CheckIn.objects.filter(key_result_id="SR-1.1").last().value == 67  # type: ignore[union-attr]
    # Without JavaScript, the same question on the page.
    page = client.post(CHECK_IN, {"value": "990", "page": "objective"})
    assert page.status_code == 409
    assert "990 ms? The last check-in was 67 ms." in body(page)


def test_undo_within_five_minutes_and_not_after(web_as: Callable[[str], Client]) -> None:
    client = web_as("member")
    saved = body(client.post(CHECK_IN, {"value": "650", "page": "home"}, headers=HTMX))
    row = CheckIn.objects.filter(key_result_id="SR-1.1").order_by("id").last()
    assert row is not None
    assert row.value == 650
    assert f'action="/check-ins/{row.pk}/undo"' in saved
    undone = client.post(f"/check-ins/{row.pk}/undo", {"page": "home"}, headers=HTMX)
    assert undone.status_code == 200
    assert "Check-in undone" in body(undone)
    assert "680 ms" in body(undone)
    row.refresh_from_db()
    assert row.withdrawn
    assert CheckInRevision.objects.get(checkin=row).reason == "undone"

    client.post(CHECK_IN, {"value": "640", "page": "home"})
    late = CheckIn.objects.filter(key_result_id="SR-1.1").order_by("id").last()
    assert late is not None
    CheckIn.objects.filter(pk=late.pk).update(created_at=late.created_at - timedelta(minutes=6))
    refused = client.post(f"/check-ins/{late.pk}/undo", {"page": "home"}, headers=HTMX)
    assert "for 5 minutes after saving it" in body(refused)
    late.refresh_from_db()
    assert not late.withdrawn
    # Someone else's check-in is not theirs to undo, within the window or not.
    client.post(CHECK_IN, {"value": "630", "page": "home"})
    mine = CheckIn.objects.filter(key_result_id="SR-1.1").order_by("id").last()
    assert mine is not None
    lead = web_as("lead")
    response = lead.post(f"/check-ins/{mine.pk}/undo", {"page": "home"})
    assert response.status_code == 303
    mine.refresh_from_db()
    assert not mine.withdrawn


def test_correct_and_withdraw_from_the_objective_history(web_as: Callable[[str], Client]) -> None:
    client = web_as("member")
    row = CheckIn.objects.filter(key_result_id="SR-1.1", value=680).get()
    page = body(client.get("/objectives/SR-1"))
    assert f'href="/check-ins/{row.pk}/correct"' in page
    assert f'href="/check-ins/{row.pk}/withdraw"' in page
    form = client.get(f"/check-ins/{row.pk}/correct")
    assert form.status_code == 200
    assert 'value="680"' in body(form)
    missing = client.post(f"/check-ins/{row.pk}/correct", {"value": "6,80", "reason": ""})
    assert missing.status_code == 422
    html = body(missing)
    assert "Say why it is corrected." in html
    refused = client.post(f"/check-ins/{row.pk}/correct", {"value": "6,80", "reason": "typo"})
    assert refused.status_code == 422
    assert "write 6.80 or 680" in body(refused)
    done = client.post(
        f"/check-ins/{row.pk}/correct",
        {"value": "660", "confidence": "5", "note": "measured again", "reason": "wrong run"},
    )
    assert done.status_code == 303
    assert done["Location"] == "/objectives/SR-1#history-heading"
    page = body(client.get(done["Location"]))
    assert "corrected the check-in of 20 Nov 2026: value 680 → 660" in page
    assert "wrong run" in page
    assert "660 ms" in page
    withdrawn = client.post(f"/check-ins/{row.pk}/withdraw", {"reason": "wrong key result"})
    assert withdrawn.status_code == 303
    page = body(client.get("/objectives/SR-1"))
    assert "withdrew the check-in of 20 Nov 2026" in page
    assert "(withdrawn)" in page
    assert f'href="/check-ins/{row.pk}/correct"' not in page
    assert "690 ms" in page


def test_who_sees_correct_and_withdraw(web_as: Callable[[str], Client]) -> None:
    row = CheckIn.objects.filter(key_result_id="SR-1.1", value=680).get()
    # Infrastructure contributes to SR-1.1; dan neither wrote it nor may change SR-1.
    other = web_as("other_team")
    assert f"/check-ins/{row.pk}/correct" not in body(other.get("/objectives/SR-1"))
    assert other.get(f"/check-ins/{row.pk}/correct").status_code == 403
    assert other.post(f"/check-ins/{row.pk}/withdraw", {"reason": "x"}).status_code == 403
    hidden = CheckIn.objects.filter(key_result_id="BEN-1.1").first()
    assert hidden is not None
    assert web_as("outsider").get(f"/check-ins/{hidden.pk}/correct").status_code == 404
    assert web_as("lead").get(f"/check-ins/{row.pk}/withdraw").status_code == 200


def test_without_javascript_the_page_offers_undo(web_as: Callable[[str], Client]) -> None:
    client = web_as("member")
    response = client.post(CHECK_IN, {"value": "650", "page": "objective"})
    row = CheckIn.objects.filter(key_result_id="SR-1.1").order_by("id").last()
    assert row is not None
    page = body(client.get(response["Location"]))
    assert page.count(f'action="/check-ins/{row.pk}/undo"') == 1
    # Not for someone else, and not once withdrawn.
    assert "/undo" not in body(web_as("lead").get(response["Location"]))
    back = client.post(f"/check-ins/{row.pk}/undo", {"page": "objective"})
    assert back.status_code == 303
    assert back["Location"] == "/objectives/SR-1#kr-SR-1.1"
    page = body(client.get(back["Location"]))
    assert "Check-in on SR-1.1 undone." in page
    assert "/undo" not in body(client.get(response["Location"]))
