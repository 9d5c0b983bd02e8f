"""The permission matrix: every endpoint by every persona, the status each gets, and that
nothing hidden from a persona appears in any response they get.

Statuses: 200/201/204 allowed, 401 no token, 403 may see but not do (or a read-only token
writing), 404 may not see (hidden objects do not exist for you).
"""

from __future__ import annotations

from typing import Any

import pytest

from tandem.okrs.services import key_result_archive, objective_archive
from tests.api.conftest import HIDDEN, PERSONAS

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
        from tandem.organization.reporting import cache_clear  # noqa: PLC0415

        cache_clear()
    assert got == dict(zip(PERSONA_NAMES, expected, strict=True))
