"""Who is calling: a personal API token (``Authorization: Bearer``) or the web session.

Both resolve to a :class:`tandem.access.policy.Caller`, available to handlers as
``request.auth``. Read-scoped tokens are refused on any method that writes. A request with a
bad token (unknown, revoked, expired, or its person's login deactivated) is counted against
its address: past ``TANDEM_API_TOKEN_FAILURE_LIMIT`` such requests the answer is 429
(:mod:`tandem.access.throttle`); a valid token is never counted nor refused for it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from tandem.access.policy import Caller, audience_get
from tandem.access.throttle import bad_token_record
from tandem.access.tokens import token_holder
from tandem.errors import PermissionDeniedError, TooManyRequestsError
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
        # A SCIM token is an identity provider's key to /scim/v2, not a personal API token.
        if found is not None and found.scope == "scim":
            return None
        if found is None:
            wait = bad_token_record(request)
            if wait is not None:
                raise TooManyRequestsError(
                    "too many requests with an unknown, revoked or expired API token from this "
                    f"address; wait {_minutes(wait)} (each further one starts the wait "
                    "again), then send a valid token (`tandem token list` shows them)",
                    retry_after=wait,
                )
            return None
        return _caller(
            request, person_id=found.person_id, admin=found.admin, may_write=found.scope == "write"
        )


class SessionCallerAuth(SessionAuth):
    """The signed-in web user; writes need the CSRF token, as for any form."""

    def __call__(self, request: HttpRequest) -> Caller | None:
        # ninja checks the CSRF token before it looks for a session, so a write with no (or a
        # bad) token and no session was refused 403 "CSRF check failed" instead of 401. The
        # check protects a session's cookie from being used by another site; without a
        # signed-in session there is nothing to protect, and the answer is 401.
        user: Any = request.user
        if not user.is_authenticated:
            return None
        result: Caller | None = super().__call__(request)
        return result

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        user: Any = request.user
        if not user.is_authenticated:
            return None
        person_id = Person.objects.filter(user_id=user.pk).values_list("id", flat=True).first()
        return _caller(request, person_id=person_id, admin=user.is_superuser, may_write=True)


def _minutes(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute" + ("" if minutes == 1 else "s")


def caller_of(request: HttpRequest) -> Caller:
    caller = request.auth  # type: ignore[attr-defined]
    assert isinstance(caller, Caller)
    return caller
