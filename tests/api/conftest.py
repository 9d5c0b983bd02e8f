"""API clients for the tests, one per persona of :mod:`tests.personas`."""

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
from tests.personas import PERSONAS


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
    person_id = spec.person
    if person_id is None:
        return ApiClient(Client(), None)
    person = Person.objects.get(id=person_id)
    if spec.admin and person.user is None:
        person.user = User.objects.create(username=person_id, is_staff=True, is_superuser=True)
        person.save(update_fields=["user"])
    _token, raw = token_create(person_id=person_id, scope=spec.scope)
    return ApiClient(Client(), raw)


@pytest.fixture
def as_persona(demo_in_db: m.Organization):  # type: ignore[no-untyped-def]
    """``as_persona(name)``: an API client for one of :data:`tests.personas.PERSONAS`."""
    made: dict[str, ApiClient] = {}

    def get(persona: str) -> ApiClient:
        if persona not in made:
            made[persona] = make_client(persona)
        return made[persona]

    return get
