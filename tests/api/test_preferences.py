"""The preferences API: the caller's own (GET/PUT /me/preferences) and the organisation's
defaults (admins only), with If-Match versions, validation at the boundary and locks refused
as problem responses that say why."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.notifications.preferences import EMAIL, readers_get

ME = "/me/preferences"
ORG = "/organisation/notification-defaults"


def put(client: Any, path: str, body: Any, version: str | None = '"1"') -> Any:
    headers = {"If-Match": version} if version else {}
    return client.send("PUT", path, body, headers=headers)


def test_a_person_reads_and_replaces_their_preferences(as_persona: Any) -> None:
    ben = as_persona("member")
    read = ben.get(ME)
    assert read.status_code == 200
    assert read["ETag"] == '"1"'
    body = read.json()
    assert body["time_zone"] == ""
    assert body["time_zone_in_force"] == "UTC"
    assert {(c["category"], c["channel"], c["on"]) for c in body["channels"]} >= {
        ("digest", "email", True)
    }
    changed = put(
        ben,
        ME,
        {
            "time_zone": "Europe/Paris",
            "quiet_hours": {"start": "22:00", "end": "07:00"},
            "reminder_cap_own": True,
            "reminder_cap": 4,
            "channels": [{"category": "digest", "channel": "email", "on": False}],
        },
    )
    assert changed.status_code == 200, changed.json()
    assert changed["ETag"] == '"2"'
    after = changed.json()
    assert after["quiet_hours_in_force"] == {"start": "22:00:00", "end": "07:00:00"}
    assert after["reminder_cap_in_force"] == 4
    reader = readers_get(["ben"])["ben"]
    assert not reader.wants("digest", EMAIL)
    assert str(reader.time_zone) == "Europe/Paris"


def test_a_stale_or_missing_version_is_refused(as_persona: Any) -> None:
    ben = as_persona("member")
    assert put(ben, ME, {"time_zone": "Asia/Tokyo"}).status_code == 200
    stale = put(ben, ME, {"time_zone": "Europe/Paris"})
    assert stale.status_code == 412
    assert stale.json()["current"] == {"version": 2}
    assert put(ben, ME, {}, version=None).status_code == 428
    assert readers_get(["ben"])["ben"].time_zone.key == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "x" * 65}, "time_zone"),
        ({"reminder_cap_own": True, "reminder_cap": 101}, "reminder_cap"),
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours.start"),
        ({"quiet_hours": {"start": "22:00", "end": None}}, "quiet_hours"),
        ({"paused": True, "paused_until": "2020-01-01"}, "paused_until"),
        ({"channels": [{"category": "digest", "channel": "inbox", "on": False}]}, "channels"),
    ],
)
def test_invalid_input_is_a_problem_naming_the_field(
    as_persona: Any, body: dict[str, Any], field: str
) -> None:
    refused = put(as_persona("member"), ME, body)
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in refused.json()["errors"]]


def test_a_locked_setting_is_refused_with_why(as_persona: Any) -> None:
    zoe = as_persona("admin")
    lock = {"category": "reminder", "channel": "email", "on": True, "locked": True}
    locked = put(zoe, ORG, {"channels": [{**lock, "reason": "our weekly rhythm"}]})
    assert locked.status_code == 200, locked.json()
    ben = as_persona("member")
    channels = {(c["category"], c["channel"]): c for c in ben.get(ME).json()["channels"]}
    assert channels["reminder", "email"]["locked"]
    assert channels["reminder", "email"]["reason"] == "our weekly rhythm"
    refused = put(
        ben, ME, {"channels": [{"category": "reminder", "channel": "email", "on": False}]}
    )
    assert refused.status_code == 403
    assert "set by your organisation" in refused.json()["detail"]
    assert "our weekly rhythm" in refused.json()["detail"]


@pytest.mark.parametrize("persona", ["lead", "member", "outsider"])
def test_only_admins_read_and_set_the_organisations_defaults(as_persona: Any, persona: str) -> None:
    assert as_persona(persona).get(ORG).status_code == 403
    assert put(as_persona(persona), ORG, {}).status_code == 403


def test_anonymous_callers_are_told_to_sign_in(as_persona: Any) -> None:
    assert as_persona("anonymous").get(ME).status_code == 401
    assert as_persona("anonymous").get(ORG).status_code == 401


def test_a_read_only_token_reads_but_never_writes(as_persona: Any) -> None:
    read_only = as_persona("read_only")
    assert read_only.get(ME).status_code == 200
    assert put(read_only, ME, {}).status_code == 403


def test_an_admin_sets_the_defaults(as_persona: Any) -> None:
    zoe = as_persona("admin")
    assert zoe.get(ORG).json()["time_zone_in_force"] == "UTC"
    changed = put(
        zoe,
        ORG,
        {"time_zone": "Europe/Paris", "quiet_hours": {"start": "21:00", "end": "08:00"}},
    )
    assert changed.status_code == 200
    assert changed.json()["time_zone_in_force"] == "Europe/Paris"
    assert readers_get(["ben"])["ben"].quiet_start is not None
    assert put(zoe, ORG, {"reminder_cap": -1}, version='"2"').status_code == 422
    long_reason = {"category": "digest", "channel": "email", "on": True, "reason": "x" * 301}
    assert put(zoe, ORG, {"channels": [long_reason]}, version='"2"').status_code == 422
    assert put(zoe, ORG, {}, version='"1"').status_code == 412
