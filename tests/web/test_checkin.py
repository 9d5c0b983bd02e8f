"""Checking in from a key result's card: in place with HTMX, or a plain form post; the same
permissions as the API; validation messages next to the field with what was typed kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tandem.access.policy import audience_get, may_check_in, may_edit_objective
from tandem.checkins.models import CheckIn
from tandem.core import model as m
from tandem.okrs.models import KeyResult, Milestone
from tandem.organization.cache import view_get
from tandem.web import selectors
from tests.conftest import TODAY
from tests.personas import PERSONAS, SIGNED_IN

HTMX = {"HX-Request": "true"}


def body(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined, no-any-return]


def test_a_check_in_in_place_updates_the_card_and_the_objective(
    web_as: Callable[[str], Client],
) -> None:
    client = web_as("member")
    response = client.post(
        "/key-results/SR-1.1/check-in",
        {"value": "650", "confidence": "6", "note": "new shards live", "page": "home"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = body(response)
    assert html.lstrip().startswith('<article class="card kr-card" id="kr-SR-1.1"')
    assert "Check-in saved" in html
    # 900 → 400 ms, now 650: half way.
    assert 'aria-valuenow="50"' in html
    assert "650 ms" in html
    assert "new shards live" in html
    # The objective's progress row, and the key result's line in "needs a check-in".
    assert 'id="objective-summary-SR-1" class="objective-summary" hx-swap-oob="true"' in html
    assert '<li id="due-SR-1.1" hx-swap-oob="true">' in html
    assert "checked in today" in html
    row = CheckIn.objects.filter(key_result_id="SR-1.1").order_by("id").last()
    assert row is not None
    assert (row.date, row.value, row.confidence, row.note, row.author_id) == (
        TODAY,
        650,
        6,
        "new shards live",
        "ben",
    )


def test_without_javascript_the_form_posts_and_comes_back(
    web_as: Callable[[str], Client],
) -> None:
    client = web_as("member")
    response = client.post("/key-results/SR-1.1/check-in", {"confidence": "4", "page": "home"})
    assert response.status_code == 303
    # The page it came from, whose card offers to undo the check-in just saved.
    saved = CheckIn.objects.order_by("id").last()
    assert saved is not None
    assert response["Location"] == f"/?undo={saved.pk}#kr-SR-1.1"
    page = body(client.get(response["Location"]))
    assert "Check-in on SR-1.1 saved." in page
    response = client.post("/key-results/SR-1.2/check-in", {"value": "1300", "page": "objective"})
    assert response.status_code == 303
    assert response["Location"] == f"/objectives/SR-1?undo={saved.pk + 1}#kr-SR-1.2"


def test_on_the_objective_page_the_card_comes_back_with_its_chart(
    web_as: Callable[[str], Client],
) -> None:
    response = web_as("lead").post(
        "/key-results/SR-2.1/check-in",
        {"value": "63.5", "confidence": "7", "page": "objective"},
        headers=HTMX,
    )
    html = body(response)
    assert response.status_code == 200
    assert 'id="chart-data-SR-2.1"' in html
    assert '"value": 63.5' in html
    assert 'hx-swap-oob="true"' in html


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"value": "fast", "note": "kept"}, "value", "is not a number: write one such as 680"),
        # The services' one rule and message for numbers (tandem.core.numbers), as in the API.
        (
            {"value": "9" * 30, "note": "kept"},
            "value",
            "the value must be a finite number from -10^15 to 10^15 (got a number of 30 digits)",
        ),
        ({"value": "1e400", "note": "kept"}, "value", "a finite number from -10^15 to 10^15"),
        ({"value": "700", "confidence": "11", "note": "kept"}, "confidence", "0 to 10"),
        ({"note": ""}, None, "a check-in needs a value, a confidence or a note"),
    ],
)
def test_mistakes_are_shown_next_to_the_field_with_what_was_typed(
    posted: dict[str, str], field: str | None, message: str, web_as: Callable[[str], Client]
) -> None:
    client = web_as("member")
    before = CheckIn.objects.count()
    response = client.post("/key-results/SR-1.1/check-in", posted | {"page": "home"}, headers=HTMX)
    assert response.status_code == 422
    html = body(response)
    assert message in html
    assert '<details class="checkin" open>' in html
    if field is not None:
        # The message sits right after the field it is about.
        field_at = html.index(f'id="checkin-SR-1.1-{field}"')
        assert html.index(message) > field_at
        assert html.index(message) < html.index("checkin-SR-1.1-note", field_at + 30)
    if posted.get("note"):
        assert "kept</textarea>" in html
    if posted.get("value"):
        assert f'value="{posted["value"]}"' in html
    assert CheckIn.objects.count() == before


def test_a_mistake_without_javascript_shows_the_whole_page_again(
    web_as: Callable[[str], Client],
) -> None:
    response = web_as("member").post(
        "/key-results/SR-1.1/check-in", {"value": "x", "note": "typed", "page": "home"}
    )
    assert response.status_code == 422
    html = body(response)
    assert "<h1>My OKRs</h1>" in html
    assert "is not a number: write one such as 680" in html
    assert "typed</textarea>" in html


def test_a_boolean_key_result_is_checked_in_with_a_done_toggle(
    web_as: Callable[[str], Client],
) -> None:
    client = web_as("outsider")  # tom owns PA-2.1
    page = body(client.get("/"))
    assert 'type="checkbox" name="done"' in page
    assert '<label for="checkin-PA-2.1-done">' in page
    response = client.post(
        "/key-results/PA-2.1/check-in", {"done": "on", "confidence": "9"}, headers=HTMX
    )
    assert response.status_code == 200
    assert 'aria-valuenow="100"' in body(response)
    row = CheckIn.objects.filter(key_result_id="PA-2.1").order_by("id").last()
    assert row is not None
    assert row.value is True


def test_milestones_are_ticked_by_whoever_may_change_the_objective(
    web_as: Callable[[str], Client],
) -> None:
    client = web_as("outsider")  # tom: in Payments, which owns PA-1
    page = body(client.get("/"))
    assert 'name="tick"' in page
    response = client.post(
        "/key-results/PA-1.2/check-in",
        {"tick": ["0", "1", "2"], "confidence": "8", "note": "card volume moved"},
        headers=HTMX,
    )
    assert response.status_code == 200
    done = dict(Milestone.objects.filter(key_result_id="PA-1.2").values_list("title", "done_on"))
    assert done["All card volume on the new gateway"] == TODAY
    assert done["Old gateway switched off"] is None
    # 1 + 2 + 2 of 6.
    assert 'aria-valuenow="83"' in body(response)
    assert CheckIn.objects.filter(key_result_id="PA-1.2", date=TODAY, confidence=8).exists()


def test_a_check_in_from_an_older_page_does_not_undo_someone_elses_tick(
    web_as: Callable[[str], Client],
) -> None:
    client = web_as("outsider")  # tom: in Payments, which owns PA-1
    # Both forms were drawn when milestones 0 and 1 were done.
    shown = {"shown": ["0", "1"], "confidence": "7"}
    ticked = client.post(
        "/key-results/PA-1.2/check-in", {"tick": ["0", "1", "2"], **shown}, headers=HTMX
    )
    assert ticked.status_code == 200
    older = client.post(
        "/key-results/PA-1.2/check-in",
        {"tick": ["0", "1"], "note": "from the page opened this morning", **shown},
        headers=HTMX,
    )
    assert older.status_code == 200
    done = dict(Milestone.objects.filter(key_result_id="PA-1.2").values_list("title", "done_on"))
    assert done["All card volume on the new gateway"] == TODAY
    # What the person did change still applies: unticking milestone 1.
    client.post("/key-results/PA-1.2/check-in", {"tick": ["0"], **shown}, headers=HTMX)
    undone = Milestone.objects.filter(key_result_id="PA-1.2").order_by("position")[1]
    assert undone.done_on is None


def test_contributors_who_may_not_edit_record_only_confidence_and_note(
    web_as: Callable[[str], Client],
) -> None:
    client = web_as("other_team")  # dan: Infrastructure contributes to PA-1.2
    page = body(client.get("/"))
    card = page[page.index('id="kr-PA-1.2"') :]
    card = card[: card.index("</article>")]
    assert 'name="tick"' not in card
    assert "ticked by whoever may change PA-1" in card
    response = client.post(
        "/key-results/PA-1.2/check-in", {"tick": ["0", "1", "2", "3"], "confidence": "6"}
    )
    assert response.status_code == 303
    assert not Milestone.objects.filter(key_result_id="PA-1.2", done_on=TODAY).exists()


@pytest.mark.parametrize(
    ("persona", "key_result_id", "status"),
    [
        ("outsider", "SR-1.1", 403),  # seen (public), not his
        ("member", "MO-1.1", 404),  # hidden from him
        ("member", "NO-SUCH-9", 404),
        ("other_team", "BEN-1.1", 404),
    ],
)
def test_refusals_match_the_api(
    persona: str, key_result_id: str, status: int, web_as: Callable[[str], Client]
) -> None:
    before = CheckIn.objects.count()
    response = web_as(persona).post(f"/key-results/{key_result_id}/check-in", {"confidence": "5"})
    assert response.status_code == status
    assert CheckIn.objects.count() == before


def test_a_closed_cycle_takes_no_check_in(web_as: Callable[[str], Client]) -> None:
    client = web_as("member")
    assert 'hx-post="/key-results/SR-Q3-1.2/check-in"' not in body(
        client.get("/objectives/SR-Q3-1")
    )
    response = client.post("/key-results/SR-Q3-1.2/check-in", {"confidence": "5"}, headers=HTMX)
    assert response.status_code == 409
    assert "closed" in body(response)


def test_signed_out_and_get_requests_change_nothing(web_as: Callable[[str], Client]) -> None:
    response = web_as("anonymous").post("/key-results/SR-1.1/check-in", {"confidence": "5"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login")
    assert web_as("member").get("/key-results/SR-1.1/check-in").status_code == 405


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_the_pages_permission_answers_agree_with_the_policy(
    persona: str, demo_in_db: m.Organization
) -> None:
    spec = PERSONAS[persona]
    assert spec.person is not None
    audience = audience_get(person_id=spec.person, admin=spec.admin)
    view = view_get(audience=audience, as_of=TODAY)
    for key_result in KeyResult.objects.select_related("objective"):
        if key_result.id not in view.org.key_results:
            continue
        plain = view.org.key_results[key_result.id]
        assert selectors.may_check_in(audience, view.org, plain) == may_check_in(
            audience, key_result
        ), key_result.id
        assert selectors.may_edit(
            audience, view.org, view.org.objectives[key_result.objective_id]
        ) == may_edit_objective(audience, key_result.objective), key_result.objective_id
