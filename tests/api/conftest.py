"""Personas for the API tests, on the demo organisation.

- ``admin``: zoe, an org admin;
- ``lead``: ana, who leads Search and manages ben;
- ``member``: ben, in Search, owner of the private BEN-1;
- ``other_team``: dan, in Infrastructure;
- ``outsider``: tom, in Payments, outside ben's manager chain and the Mobile team;
- ``read_only``: ben with a read-scoped token;
- ``anonymous``: no token at all.

The demo hides two objectives: BEN-1 (private to ben and his manager chain: ana, sofia, zoe)
and MO-1 (visible to the Mobile team, kenji and ines, and the company's lead).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tandem.access.tokens import token_create
from tandem.core import model as m
from tandem.people.models import Person

PERSONAS: dict[str, tuple[str, bool, str] | None] = {
    "admin": ("zoe", True, "write"),
    "lead": ("ana", False, "write"),
    "member": ("ben", False, "write"),
    "other_team": ("dan", False, "write"),
    "outsider": ("tom", False, "write"),
    "read_only": ("ben", False, "read"),
    "anonymous": None,
}

# Ids only some personas may see, and who may see them.
HIDDEN = {
    "BEN-1": {"admin", "lead", "member", "read_only"},
    "BEN-1.1": {"admin", "lead", "member", "read_only"},
    "MO-1": {"admin"},
    "MO-1.1": {"admin"},
    "MO-1.2": {"admin"},
    "DEP-4": {"admin"},
}


@dataclass
class ApiClient:
    client: Client
    token: str | None

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self._headers())

    def send(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Any:
        return self.client.generic(
            method,
            f"/api/v1{path}",
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=self._headers(headers),
        )

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.send("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.send("PATCH", path, body, **kwargs)


def make_client(persona: str) -> ApiClient:
    spec = PERSONAS[persona]
    if spec is None:
        return ApiClient(Client(), None)
    person_id, admin, scope = spec
    person = Person.objects.get(id=person_id)
    if admin and person.user is None:
        person.user = User.objects.create(username=person_id, is_staff=True, is_superuser=True)
        person.save(update_fields=["user"])
    _token, raw = token_create(person_id=person_id, scope=scope)
    return ApiClient(Client(), raw)


@pytest.fixture
def as_persona(demo_in_db: m.Organization):  # type: ignore[no-untyped-def]
    """``as_persona(name)``: an API client for one of :data:`PERSONAS`."""
    made: dict[str, ApiClient] = {}

    def get(persona: str) -> ApiClient:
        if persona not in made:
            made[persona] = make_client(persona)
        return made[persona]

    return get
