"""Personas for the web page tests, on the demo organisation signed in through the session.

The personas are those of :mod:`tests.personas` but ``read_only`` (a session has no token scope).

Pages are shown as of the demo's today (2026-11-21), whatever the machine's clock says.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tandem.core import model as m
from tandem.people.models import Person
from tests.conftest import TODAY
from tests.personas import PAGE_PERSONAS


@pytest.fixture(autouse=True)
def _demo_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tandem.clock.today", lambda: TODAY)


def login_client(persona: str) -> Client:
    client = Client()
    spec = PAGE_PERSONAS[persona]
    person_id, admin = spec.person, spec.admin
    if person_id is None:
        return client
    person = Person.objects.select_related("user").get(id=person_id)
    if person.user is None:
        person.user = User.objects.create(
            username=person_id, is_staff=admin, is_superuser=admin, email=person.email or ""
        )
        person.save(update_fields=["user"])
    client.force_login(person.user)
    return client


@pytest.fixture
def web_as(demo_in_db: m.Organization) -> Callable[[str], Client]:
    """``web_as(persona)``: a browser-like client signed in as a page persona."""
    made: dict[str, Client] = {}

    def get(persona: str) -> Client:
        if persona not in made:
            made[persona] = login_client(persona)
        return made[persona]

    return get
