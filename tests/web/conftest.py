"""Personas for the web page tests, on the demo organisation signed in through the session.

The same people as the API's permission matrix (tests/api/conftest.py):

- ``admin``: zoe, an org admin;
- ``lead``: ana, who leads Search and manages ben;
- ``member``: ben, in Search, owner of the private BEN-1;
- ``other_team``: dan, in Infrastructure;
- ``outsider``: tom, in Payments, outside ben's manager chain and the Mobile team;
- ``anonymous``: not signed in.

Pages are shown as of the demo's today (2026-11-21), whatever the machine's clock says.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tandem.core import model as m
from tandem.people.models import Person
from tests.api.conftest import HIDDEN
from tests.conftest import TODAY

PERSONAS: dict[str, tuple[str, bool] | None] = {
    "admin": ("zoe", True),
    "lead": ("ana", False),
    "member": ("ben", False),
    "other_team": ("dan", False),
    "outsider": ("tom", False),
    "anonymous": None,
}
SIGNED_IN = [p for p, spec in PERSONAS.items() if spec is not None]

__all__ = ["HIDDEN", "PERSONAS", "SIGNED_IN"]


@pytest.fixture(autouse=True)
def _demo_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tandem.clock.today", lambda: TODAY)


def login_client(persona: str) -> Client:
    client = Client()
    spec = PERSONAS[persona]
    if spec is None:
        return client
    person_id, admin = spec
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
    """``web_as(persona)``: a browser-like client signed in as one of :data:`PERSONAS`."""
    made: dict[str, Client] = {}

    def get(persona: str) -> Client:
        if persona not in made:
            made[persona] = login_client(persona)
        return made[persona]

    return get
