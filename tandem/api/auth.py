"""Who is calling: a personal API token (``Authorization: Bearer``) or the web session.

Both resolve to a :class:`tandem.access.policy.Caller`, available to handlers as
``request.auth``. Read-scoped tokens are refused on any method that writes.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from tandem.access.policy import Caller, audience_get
from tandem.access.tokens import token_holder
from tandem.errors import PermissionDeniedError
from tandem.organization.revision import revision_get
from tandem.people.models import Person

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _caller(request: HttpRequest, *, person_id: str | None, admin: bool, may_write: bool) -> Caller:
    if request.method not in SAFE_METHODS and not may_write:
        raise PermissionDeniedError(
            "this token may only read; create one with `tandem token create PERSON "
            "--scope write` to make changes"
        )
    if admin or person_id is None:
        audience = audience_get(person_id=person_id, admin=admin)
    else:
        # Kept in the process while the organisation's structure stays (no query then).
        audience = audience_get(person_id=person_id, structure=revision_get().structure)
    return Caller(audience, may_write=may_write)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = token_holder(token)
        if found is None:
            return None
        return _caller(
            request, person_id=found.person_id, admin=found.admin, may_write=found.scope == "write"
        )


class SessionCallerAuth(SessionAuth):
    """The signed-in web user; writes need the CSRF token, as for any form."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        user: Any = request.user
        if not user.is_authenticated:
            return None
        person_id = Person.objects.filter(user_id=user.pk).values_list("id", flat=True).first()
        return _caller(request, person_id=person_id, admin=user.is_superuser, may_write=True)


def caller_of(request: HttpRequest) -> Caller:
    caller = request.auth  # type: ignore[attr-defined]
    assert isinstance(caller, Caller)
    return caller
