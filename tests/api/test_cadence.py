"""The cadence API: the JSON twin of /settings/cadence, with the same permissions."""

from __future__ import annotations

from collections.abc import Callable

from tests.api.conftest import ApiClient

AsPersona = Callable[[str], ApiClient]
TUESDAY = {"weekday": 1, "at": "10:00", "every_weeks": 1}


def test_everyone_reads_and_sets_their_own(as_persona: AsPersona) -> None:
    ben = as_persona("member")
    listed = ben.get("/cadence").json()
    assert [scope["scope"] for scope in listed] == ["me"]
    assert listed[0]["settings"][0]["source"] == "default"
    answer = ben.send("PUT", "/cadence/me/reminder", TUESDAY)
    assert answer.status_code == 200
    assert (
        answer.json()["message"] == "Saved your check-in reminders: Tuesday at 10:00, every week."
    )
    assert answer.json()["scopes"][0]["settings"][0]["own"]["describe"] == (
        "Tuesday at 10:00, every week"
    )
    cleared = ben.send("DELETE", "/cadence/me/reminder")
    assert cleared.json()["scopes"][0]["settings"][0]["own"] is None


def test_the_same_permissions_as_the_page(as_persona: AsPersona) -> None:
    ana = as_persona("lead")
    assert [s["scope"] for s in ana.get("/cadence").json()] == ["me", "team:search"]
    assert ana.send("PUT", "/cadence/team:search/digest", TUESDAY).status_code == 200
    assert ana.send("PUT", "/cadence/team:infra/digest", TUESDAY).status_code == 403
    assert ana.send("PUT", "/cadence/organisation/digest", TUESDAY).status_code == 403
    admin = as_persona("admin")
    assert admin.send("PUT", "/cadence/organisation/digest", TUESDAY).status_code == 200
    assert as_persona("read_only").send("PUT", "/cadence/me/digest", TUESDAY).status_code == 403
    assert as_persona("anonymous").get("/cadence").status_code == 401


def test_mistakes_are_problems_that_say_what_is_wrong(as_persona: AsPersona) -> None:
    ben = as_persona("member")
    wrong = ben.send("PUT", "/cadence/me/reminder", {"weekday": 9, "at": "10:00"})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "weekday"
    assert ben.send("PUT", "/cadence/me/weekly", TUESDAY).status_code == 422
    assert ben.send("PUT", "/cadence/team:nope/reminder", TUESDAY).status_code == 404
    assert ben.send("PUT", "/cadence/everyone/reminder", TUESDAY).status_code == 404
