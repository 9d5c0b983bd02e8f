"""The permission matrix: every endpoint by every persona, the status each gets, and that
nothing hidden from a persona appears in any response they get.

Statuses: 200/201/204 allowed, 401 no token, 403 may see but not do (or a read-only token
writing), 404 may not see (hidden objects do not exist for you).
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from tandem.okrs.key_results import key_result_archive
from tandem.okrs.services import objective_archive
from tests.api.conftest import ApiClient
from tests.conftest import TODAY
from tests.personas import HIDDEN, PERSONAS
from tests.web.conftest import login_client

# persona order: admin, lead, member, other_team, outsider, read_only, anonymous
ALL_OK = (200, 200, 200, 200, 200, 200, 401)
PERSONA_NAMES = list(PERSONAS)

# (method, path, body, statuses per persona in PERSONA_NAMES order)
MATRIX: list[tuple[str, str, Any, tuple[int, ...]]] = [
    ("GET", "/me", None, ALL_OK),
    ("GET", "/people", None, ALL_OK),
    ("GET", "/people/ben", None, ALL_OK),
    ("GET", "/teams", None, ALL_OK),
    ("GET", "/teams/search", None, ALL_OK),
    ("GET", "/cycles", None, ALL_OK),
    ("GET", "/cycles/2026-Q4", None, ALL_OK),
    ("GET", "/report?cycle=all", None, ALL_OK),
    ("GET", "/report?team=search", None, ALL_OK),
    ("GET", "/lint", None, ALL_OK),
    ("GET", "/alignment", None, ALL_OK),
    ("GET", "/objectives?cycle=all", None, ALL_OK),
    ("GET", "/objectives?team=search&q=cache", None, ALL_OK),
    ("GET", "/objectives/SR-1", None, ALL_OK),
    ("GET", "/objectives/SR-1/key-results", None, ALL_OK),
    ("GET", "/key-results/SR-1.1", None, ALL_OK),
    ("GET", "/key-results/SR-1.1/check-ins", None, ALL_OK),
    ("GET", "/calibration?cycles=0", None, ALL_OK),
    ("GET", "/critical-providers?cycle=all", None, ALL_OK),
    ("GET", "/key-results/IN-1.1/blast-radius", None, ALL_OK),
    ("GET", "/key-results/BEN-1.1/blast-radius", None, (200, 200, 200, 404, 404, 200, 401)),
    ("GET", "/key-results/MO-1.1/blast-radius", None, (200, 404, 404, 404, 404, 404, 401)),
    # The private objective: ben, his manager chain (ana, zoe) and admins.
    ("GET", "/objectives/BEN-1", None, (200, 200, 200, 404, 404, 200, 401)),
    ("GET", "/key-results/BEN-1.1", None, (200, 200, 200, 404, 404, 200, 401)),
    ("GET", "/key-results/BEN-1.1/check-ins", None, (200, 200, 200, 404, 404, 200, 401)),
    # The Mobile team's objective.
    ("GET", "/objectives/MO-1", None, (200, 404, 404, 404, 404, 404, 401)),
    ("GET", "/dependencies/DEP-4", None, (200, 404, 404, 404, 404, 404, 401)),
    ("GET", "/dependencies/DEP-1", None, ALL_OK),
    ("GET", "/teams/infra/dependencies/incoming", None, ALL_OK),
    ("GET", "/teams/search/dependencies/outgoing", None, ALL_OK),
    # Writes. Search's objective: its members and the leads above it.
    (
        "POST",
        "/objectives",
        {"cycle": "2026-Q4", "title": "Grow organic search sessions", "owner": "search"},
        (201, 201, 201, 403, 403, 403, 401),
    ),
    (
        "POST",
        "/objectives/SR-2/key-results",
        {"title": "Keep relevance above 0.8", "form": "keep_above", "threshold": 0.8},
        (201, 201, 201, 403, 403, 403, 401),
    ),
    ("PATCH", "/objectives/SR-2", {"kind": "committed"}, (200, 200, 200, 403, 403, 403, 401)),
    ("PATCH", "/key-results/SR-1.2", {"weight": 2}, (200, 200, 200, 403, 403, 403, 401)),
    ("PATCH", "/objectives/BEN-1", {"kind": "committed"}, (200, 403, 200, 404, 404, 403, 401)),
    (
        "PUT",
        "/objectives/SR-2/alignment",
        {"target": "NW-1.1"},
        (200, 200, 200, 403, 403, 403, 401),
    ),
    ("DELETE", "/objectives/SR-2/alignment", None, (200, 200, 200, 403, 403, 403, 401)),
    ("POST", "/objectives/SR-2/archive", None, (204, 204, 204, 403, 403, 403, 401)),
    ("POST", "/objectives/SR-2/restore", None, (200, 200, 200, 403, 403, 403, 401)),
    ("POST", "/key-results/SR-1.2/archive", None, (204, 204, 204, 403, 403, 403, 401)),
    ("POST", "/key-results/SR-1.2/restore", None, (200, 200, 200, 403, 403, 403, 401)),
    # Check-ins: the owner (ben), contributors (cai, the Infrastructure team: dan), the team.
    (
        "POST",
        "/key-results/SR-1.1/check-ins",
        {"confidence": 6},
        (201, 201, 201, 201, 403, 403, 401),
    ),
    (
        "POST",
        "/key-results/BEN-1.1/check-ins",
        {"confidence": 6},
        (201, 403, 201, 404, 404, 403, 401),
    ),
    # Requests: asked by whoever may change the objective, answered by the provider team.
    (
        "POST",
        "/dependencies",
        {"from": "SR-1.2", "provider": "payments", "need": "A refund search API"},
        (201, 201, 201, 403, 403, 403, 401),
    ),
    ("POST", "/dependencies/DEP-3/accept", {}, (200, 200, 200, 403, 403, 403, 401)),
    (
        "POST",
        "/dependencies/DEP-3/decline",
        {"reason": "no time"},
        (200, 200, 200, 403, 403, 403, 401),
    ),
    ("POST", "/dependencies/DEP-7/deliver", {}, (200, 403, 403, 403, 200, 403, 401)),
    ("POST", "/dependencies/DEP-1/cancel", {}, (200, 200, 200, 403, 403, 403, 401)),
    # A read-only token is refused before anything is looked up: it learns nothing.
    ("POST", "/dependencies/DEP-4/cancel", {}, (200, 404, 404, 404, 404, 403, 401)),
]


# Done before the call, as an admin would: restoring needs something archived.
SETUP = {
    "/objectives/SR-2/restore": lambda: objective_archive(objective_id="SR-2"),
    "/key-results/SR-1.2/restore": lambda: key_result_archive(key_result_id="SR-1.2"),
}


def _id(entry: tuple[str, str, Any, tuple[int, ...]]) -> str:
    return f"{entry[0]} {entry[1]}"


@pytest.mark.parametrize("entry", MATRIX, ids=[_id(e) for e in MATRIX])
def test_permission_matrix(entry: tuple[str, str, Any, tuple[int, ...]], as_persona) -> None:  # type: ignore[no-untyped-def]
    method, path, body, expected = entry
    path, _, query = path.partition("?")
    headers = {"If-Match": "*"} if method == "PATCH" else {}
    got = {}
    for persona, _status in zip(PERSONA_NAMES, expected, strict=True):
        # Each persona acts on a fresh copy of the data: one's write must not change the next's.
        from django.db import transaction  # noqa: PLC0415

        with transaction.atomic():
            client = as_persona(persona)
            if path in SETUP:
                SETUP[path]()
            full = f"{path}?{query}" if query else path
            if method == "GET":
                response = client.client.get(f"/api/v1{full}", headers=client._headers())
            else:
                response = client.send(method, full, body, headers=headers)
            got[persona] = response.status_code
            text = response.content.decode()
            # What the caller named themselves may be echoed back ("there is no objective X").
            asked = full + str(body)
            leaked = [
                h
                for h, allowed in HIDDEN.items()
                if persona not in allowed and h in text and h not in asked
            ]
            assert not leaked, f"{persona} sees {leaked} in {method} {full}: {text[:300]}"
            if response.status_code >= 400:
                assert response["Content-Type"] == "application/problem+json"
            transaction.set_rollback(True)
        from tandem.organization.cache import cache_clear  # noqa: PLC0415

        cache_clear()
    assert got == dict(zip(PERSONA_NAMES, expected, strict=True))


# --- what a refusal tells about hidden ids (F6) ----------------------------------------------

# tom (outsider) may change Payments' PA-1 but may not see ben's private BEN-1 and BEN-1.1.
# Each write names a hidden id in one field; the same write naming an id that does not exist
# must get the same answer, word for word.
HIDDEN_ID_WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/dependencies", {"from": "PA-1.1", "provider": "{id}", "need": "Help"}),
    ("POST", "/dependencies", {"from": "{id}", "provider": "infra", "need": "Help"}),
    ("POST", "/objectives", {"cycle": "{id}", "title": "T", "owner": "payments"}),
    ("POST", "/objectives", {"cycle": "2026-Q4", "title": "T", "owner": "{id}"}),
    (
        "POST",
        "/objectives",
        {"cycle": "2026-Q4", "title": "T", "owner": "payments", "aligns_to": "{id}"},
    ),
    (
        "POST",
        "/objectives",
        {"cycle": "2026-Q4", "title": "T", "owner": "payments", "umbrella": {"owner": "{id}"}},
    ),
    (
        "POST",
        "/objectives",
        {"cycle": "2026-Q4", "title": "T", "owner": "payments", "umbrella": {"teams": ["{id}"]}},
    ),
    ("POST", "/objectives/PA-1/key-results", {"title": "T", "form": "boolean", "owner": "{id}"}),
    (
        "POST",
        "/objectives/PA-1/key-results",
        {"title": "T", "form": "boolean", "contributors": ["{id}"]},
    ),
    ("PUT", "/objectives/PA-1/alignment", {"target": "{id}"}),
    ("PATCH", "/key-results/PA-1.1", {"owner": "{id}"}),
    ("PATCH", "/objectives/PA-1", {"umbrella": {"owner": "{id}"}}),
]


def _with_id(value: Any, object_id: str) -> Any:
    """``value`` with every ``{id}`` made ``object_id``."""
    return json.loads(json.dumps(value).replace("{id}", object_id))


@pytest.mark.parametrize("hidden", ["BEN-1", "BEN-1.1", "DEP-4"])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    HIDDEN_ID_WRITES,
    ids=[f"{m} {p} {b}" for m, p, b in HIDDEN_ID_WRITES],
)
def test_a_hidden_id_in_a_field_is_refused_as_a_missing_one(  # type: ignore[no-untyped-def]
    as_persona, method: str, path: str, body: dict[str, Any], hidden: str
) -> None:
    tom: ApiClient = as_persona("outsider")
    headers = {"If-Match": "*"}
    answers = {}
    for object_id in (hidden, "NOPE-9"):
        response = tom.send(method, path, _with_id(body, object_id), headers=headers)
        assert response.status_code >= 400, response.content
        answers[object_id] = (response.status_code, response.content.decode())
    status, text = answers[hidden]
    assert (status, text.replace(hidden, "NOPE-9")) == answers["NOPE-9"]


def test_an_explicit_id_taken_by_something_hidden_is_refused_as_a_visible_one(as_persona) -> None:  # type: ignore[no-untyped-def]
    """Ids are one namespace: a taken id cannot be given again, so creating with one is refused
    (409) whatever has it, seen or hidden, in the same words; a free one is taken (201)."""
    tom: ApiClient = as_persona("outsider")
    answers = {}
    for object_id in ("BEN-1", "BEN-1.1", "DEP-4", "SR-1", "PA-1.1", "DEP-1", "ana", "FREE-1"):
        body = {"cycle": "2026-Q4", "title": "Faster refunds", "owner": "payments", "id": object_id}
        with transaction.atomic():
            response = tom.post("/objectives", body)
            answers[object_id] = (response.status_code, response.content.decode())
            transaction.set_rollback(True)
    assert answers.pop("FREE-1")[0] == 201
    assert answers["BEN-1"][0] == 409
    assert json.loads(answers["BEN-1"][1])["detail"] == (
        "the id 'BEN-1' is taken; ids are unique across people, teams, cycles, objectives, key "
        "results and dependencies (those you may not see included): choose another one, or "
        "leave the id out to get a free one"
    )
    same = {(status, text.replace(object_id, "X")) for object_id, (status, text) in answers.items()}
    assert len(same) == 1, same
    # The same for a key result's and a dependency's id.
    for path, body in (
        ("/objectives/PA-1/key-results", {"title": "T", "form": "boolean"}),
        ("/dependencies", {"from": "PA-1.1", "provider": "infra", "need": "Help"}),
    ):
        texts = set()
        for object_id in ("BEN-1.1", "SR-1.1"):
            response = tom.post(path, {**body, "id": object_id})
            assert response.status_code == 409
            texts.add(response.content.decode().replace(object_id, "X"))
        assert len(texts) == 1


# --- what a change to a hidden objective shows: nothing (inference) --------------------------

# What dan (Infrastructure), who may not see ben's private BEN-1, reads: the lists, reports and
# exports a change to BEN-1 would move if anything of it leaked (a count, a figure, an ETag).
OBSERVED_API = [
    "/objectives?cycle=all",
    "/objectives",
    "/objectives?team=search&cycle=all",
    "/objectives?owner=ben&cycle=all",
    "/report?cycle=all",
    "/report",
    "/report?team=search",
    "/lint?cycle=all",
    "/alignment",
    "/teams/search/dependencies/outgoing",
    "/teams/search/dependencies/incoming",
    "/objectives/SR-1",
    "/key-results/SR-1.1",
]
OBSERVED_WEB = ["/report.csv", "/report.csv?cycle=all&team=search", "/report.xlsx?cycle=all"]
# What ben does to his BEN-1, through the API.
HIDDEN_CHANGES: dict[str, tuple[str, str, Any]] = {
    "a check-in on its key result": (
        "POST",
        "/key-results/BEN-1.1/check-ins",
        # From 58% to 95% of a 35-to-70% range: a large move, confirmed.
        {
            "value": 95,
            "confidence": 2,
            "note": "cache hit rate fell",
            "date": "2026-11-21",
            "confirm": True,
        },
    ),
    "a title edit": ("PATCH", "/objectives/BEN-1", {"title": "Make EU caching pay off twice"}),
    "a key result edit": ("PATCH", "/key-results/BEN-1.1", {"weight": 3}),
    "archiving it": ("POST", "/objectives/BEN-1/archive", None),
}


class _Clock(datetime):
    """xlsxwriter's clock (a workbook records when it was made), stopped: two exports of the
    same data are then the same bytes."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _Clock:
        return cls(2026, 11, 21, 12, 0, tzinfo=tz)


def _observed(api: ApiClient, web: Client) -> dict[str, tuple[int, str | None, bytes]]:
    seen = {}
    for path in OBSERVED_API:
        response = api.client.get(f"/api/v1{path}", headers=api._headers())
        seen[path] = (response.status_code, response.get("ETag"), response.content)
    for path in OBSERVED_WEB:
        response = web.get(path)
        seen[path] = (response.status_code, response.get("ETag"), response.content)
    return seen


@pytest.mark.parametrize("change", HIDDEN_CHANGES)
def test_a_change_to_a_hidden_objective_changes_nothing_its_outsiders_read(  # type: ignore[no-untyped-def]
    as_persona, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    monkeypatch.setattr("tandem.clock.today", lambda: TODAY)
    monkeypatch.setattr("xlsxwriter.core.datetime", _Clock)
    dan, web, ana = as_persona("other_team"), login_client("other_team"), as_persona("lead")

    def seen_by_ana() -> list[bytes]:
        return [ana.get(path).content for path in ("/objectives/BEN-1", "/key-results/BEN-1.1")]

    ana_before = seen_by_ana()
    before = _observed(dan, web)
    assert all(status == 200 for status, _etag, _body in before.values())
    assert json.loads(before["/objectives?cycle=all"][2])["count"] > 0
    assert before["/report.xlsx?cycle=all"][2].startswith(b"PK")  # a workbook, not a page
    method, path, body = HIDDEN_CHANGES[change]
    response = as_persona("member").send(method, path, body, headers={"If-Match": "*"})
    assert response.status_code in (200, 201, 204), response.content
    # ...which ana, ben's manager, sees (so what dan reads next is not merely stale).
    assert seen_by_ana() != ana_before
    after = _observed(dan, web)
    changed = [path for path in OBSERVED_API + OBSERVED_WEB if after[path] != before[path]]
    assert not changed, f"{change} to BEN-1 shows in what dan reads: {changed}"
