"""Recording check-ins through the API."""

from __future__ import annotations

import pytest

from tandem import clock
from tandem.checkins.models import CheckIn
from tandem.core import permissions
from tandem.okrs.models import Milestone
from tests.api.conftest import ApiClient


def test_the_owner_records_a_check_in_and_the_report_moves(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("member")
    before = client.get("/key-results/BEN-1.1", as_of="2026-11-21").json()
    response = client.post(
        "/key-results/BEN-1.1/check-ins",
        {"value": 70, "confidence": 9, "note": "warm-up job", "date": "2026-11-21"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["value"] == 70
    assert body["author"] == "ben"
    assert body["confidence"] == 9
    after = client.get("/key-results/BEN-1.1", as_of="2026-11-21").json()
    assert after["current"] == 70
    assert after["progress"] == 1.0 != before["progress"]
    history = client.get("/key-results/BEN-1.1/check-ins").json()
    assert history[-1]["id"] == body["id"]
    assert len(history) == 5


def test_check_ins_are_refused_with_the_reason(as_persona) -> None:  # type: ignore[no-untyped-def]
    count = CheckIn.objects.count()
    # tom may see SR-1.1 but does not work on it.
    response = as_persona("outsider").post("/key-results/SR-1.1/check-ins", {"confidence": 5})
    assert response.status_code == 403
    assert "record its check-ins" in response.json()["detail"]
    # tom may not see BEN-1.1 at all.
    assert (
        as_persona("outsider").post("/key-results/BEN-1.1/check-ins", {"confidence": 5}).status_code
        == 404
    )
    # A read-only token never writes.
    response = as_persona("read_only").post("/key-results/BEN-1.1/check-ins", {"confidence": 5})
    assert response.status_code == 403
    assert "read" in response.json()["detail"]
    assert (
        as_persona("anonymous")
        .post("/key-results/BEN-1.1/check-ins", {"confidence": 5})
        .status_code
        == 401
    )
    # Confidence out of range: the field and the rule.
    response = as_persona("member").post("/key-results/BEN-1.1/check-ins", {"confidence": 11})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "confidence"
    # A closed cycle is read-only.
    response = as_persona("admin").post("/key-results/SR-Q3-1.1/check-ins", {"confidence": 5})
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    # A boolean key result takes true or false.
    response = as_persona("member").post("/key-results/BEN-1.1/check-ins", {"value": True})
    assert response.status_code == 422
    assert CheckIn.objects.count() == count


def test_contributors_record_check_ins(as_persona) -> None:  # type: ignore[no-untyped-def]
    # Infrastructure contributes to SR-1.1, and dan is in it.
    response = as_persona("other_team").post("/key-results/SR-1.1/check-ins", {"confidence": 5})
    assert response.status_code == 201


def test_a_check_in_keeps_the_number_as_entered(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("member")
    client.post("/key-results/BEN-1.1/check-ins", {"value": 60, "date": "2026-11-21"})
    client.post("/key-results/BEN-1.1/check-ins", {"value": 60.5, "date": "2026-11-21"})
    values = [row.value for row in CheckIn.objects.filter(key_result_id="BEN-1.1").order_by("id")]
    assert values[-2:] == [60, 60.5]
    assert isinstance(values[-2], int)


@pytest.mark.parametrize("persona", ["admin", "member"])
@pytest.mark.parametrize("archived", ["SR-1.1", "SR-1"])
def test_the_history_of_an_archived_key_result_is_not_found_like_the_key_result(  # type: ignore[no-untyped-def]
    as_persona, persona: str, archived: str
) -> None:
    """F15: archived (itself or with its objective), a key result is out of every plan: its
    check-ins answer 404 as it does, in the same words as a key result that never was."""
    client: ApiClient = as_persona(persona)
    assert client.get("/key-results/SR-1.1/check-ins").json(), "SR-1.1 has check-ins in the demo"
    kind = "key-results" if archived == "SR-1.1" else "objectives"
    assert as_persona("member").post(f"/{kind}/{archived}/archive").status_code == 204
    assert client.get("/key-results/SR-1.1").status_code == 404
    response = client.get("/key-results/SR-1.1/check-ins")
    assert response.status_code == 404
    assert response.json()["detail"] == "there is no key result 'SR-1.1'"
    # Restored, it is back with its history.
    assert as_persona("member").post(f"/{kind}/{archived}/restore").status_code == 200
    assert client.get("/key-results/SR-1.1/check-ins").status_code == 200
    # ...and, for someone who may not see it, a hidden key result's history stays hidden.
    assert as_persona("outsider").get("/key-results/BEN-1.1/check-ins").status_code == 404


def test_under_a_pretended_today_the_api_dates_as_the_pages_do(as_persona, settings) -> None:  # type: ignore[no-untyped-def]
    """A demo run with TANDEM_TODAY: the API's default date is the pages' date, so a check-in
    and the report land on the day everyone else is shown."""
    from datetime import date  # noqa: PLC0415

    settings.TANDEM_TODAY = date(2026, 10, 2)
    client: ApiClient = as_persona("member")
    # From its start (35) to its target (70) at once: asked, so confirmed.
    response = client.post(
        "/key-results/BEN-1.1/check-ins", {"value": 70, "confidence": 9, "confirm": True}
    )
    assert response.status_code == 201, response.content
    assert response.json()["date"] == "2026-10-02"
    assert client.get("/report").json()["as_of"] == "2026-10-02"


def test_milestones_are_ticked_with_a_check_in_as_on_the_page(as_persona) -> None:  # type: ignore[no-untyped-def]
    client: ApiClient = as_persona("outsider")  # tom: in Payments, which owns PA-1
    response = client.post(
        "/key-results/PA-1.2/check-ins", {"tick": [0, 1, 2], "confidence": 8, "note": "moved"}
    )
    assert response.status_code == 201, response.content
    rows = Milestone.objects.filter(key_result_id="PA-1.2").order_by("position")
    done = [row.done_on for row in rows]
    assert done[2] == clock.today()
    assert done[3] is None
    # Unticking: the milestone is no longer done; the others stay as they are.
    response = client.post("/key-results/PA-1.2/check-ins", {"untick": [2], "confidence": 7})
    assert response.status_code == 201, response.content
    assert [row.done_on for row in rows.all()] == [*done[:2], None, None]


def test_ticking_is_refused_to_contributors_and_nothing_is_recorded(as_persona) -> None:  # type: ignore[no-untyped-def]
    before = list(Milestone.objects.filter(key_result_id="PA-1.2").values_list("done_on"))
    count = CheckIn.objects.count()
    client: ApiClient = as_persona("other_team")  # dan: Infrastructure contributes to PA-1.2
    response = client.post("/key-results/PA-1.2/check-ins", {"tick": [3], "confidence": 6})
    assert response.status_code == 403
    assert response.json()["detail"] == permissions.tick_refused("PA-1")
    assert list(Milestone.objects.filter(key_result_id="PA-1.2").values_list("done_on")) == before
    assert CheckIn.objects.count() == count
    # The same check-in without ticks is his to record.
    response = client.post("/key-results/PA-1.2/check-ins", {"confidence": 6})
    assert response.status_code == 201


def test_a_milestone_that_does_not_exist_is_refused(as_persona) -> None:  # type: ignore[no-untyped-def]
    response = as_persona("outsider").post(
        "/key-results/PA-1.2/check-ins", {"tick": [9], "confidence": 6}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "tick"
    assert "no milestone 9" in response.json()["detail"]
