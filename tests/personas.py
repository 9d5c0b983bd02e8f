"""The personas of the API, page and server tests, on the demo organisation: one list for all.

- ``admin``: zoe, an org admin;
- ``lead``: ana, who leads Search and manages ben;
- ``member``: ben, in Search, owner of the private BEN-1;
- ``other_team``: dan, in Infrastructure;
- ``outsider``: tom, in Payments, outside ben's manager chain and the Mobile team;
- ``read_only``: ben with a read-scoped API token (API only: a page session has no scope);
- ``anonymous``: no token, not signed in.

The demo hides two objectives: BEN-1 (private to ben and his manager chain: ana, sofia, zoe)
and MO-1 (visible to the Mobile team, kenji and ines, and the company's lead).

The browser tests (tests/browser) sign in by person id against a running server and need no
persona list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    """Who a persona is: a demo person (``None``: anonymous), an admin flag and an API scope."""

    person: str | None
    admin: bool = False
    scope: str = "write"


# In this order: tests/api/test_permissions.py lists the expected statuses per persona by position.
PERSONAS: dict[str, Persona] = {
    "admin": Persona("zoe", admin=True),
    "lead": Persona("ana"),
    "member": Persona("ben"),
    "other_team": Persona("dan"),
    "outsider": Persona("tom"),
    "read_only": Persona("ben", scope="read"),
    "anonymous": Persona(None),
}

# The personas a page test can be: all but those that differ from another only by token scope.
PAGE_PERSONAS: dict[str, Persona] = {
    name: persona for name, persona in PERSONAS.items() if name != "read_only"
}
SIGNED_IN = [name for name, persona in PAGE_PERSONAS.items() if persona.person is not None]

# Ids only some personas may see, and who may see them.
HIDDEN = {
    "BEN-1": {"admin", "lead", "member", "read_only"},
    "BEN-1.1": {"admin", "lead", "member", "read_only"},
    "MO-1": {"admin"},
    "MO-1.1": {"admin"},
    "MO-1.2": {"admin"},
    "DEP-4": {"admin"},
}
