"""Personal API tokens: created once, stored hashed, checked on every API call, revoked.

A token reads ``tdm_<8 characters>_<43 characters>``: the first 12 characters are its public
prefix, shown in lists to tell tokens apart; the rest is 256 random bits. Only the SHA-256 of
the whole token is kept. A slow password hasher would add nothing against guessing 256 random
bits, and the API checks a token on every request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tandem.access.models import ApiToken
from tandem.errors import InvalidError, NotFoundError
from tandem.people.models import Person

TOKEN_START = "tdm_"  # noqa: S105 - the mark every token starts with, not a secret
PREFIX_LENGTH = len(TOKEN_START) + 8
TOKEN_PATTERN = re.compile(r"tdm_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}")
DEFAULT_NAME = "API token"
NAME_MAX_LENGTH = 100
MAX_EXPIRES_DAYS = 3650
# Recording each use would cost a write on every API call; once a minute says enough.
LAST_USE_PRECISION = timedelta(seconds=60)
LIST_COMMAND = "`tandem token list` shows the tokens"


@transaction.atomic
def token_create(
    *,
    person_id: str,
    scope: str = "read",
    name: str | None = None,
    expires_days: int | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``person_id``, and the token itself: it is never available again."""
    person = Person.objects.select_related("user").filter(id=person_id).first()
    if person is None:
        raise _unknown_person(person_id)
    clean_scope = _clean_scope(scope)
    if clean_scope == ApiToken.Scope.SCIM and not _is_active_admin(person):
        raise InvalidError(
            f"only an organisation admin may have a SCIM token, and {person_id} is not one "
            "(or their login is switched off); name an admin (`tandem createadmin` makes one)",
            field="person_id",
        )
    now = now or timezone.now()
    prefix, raw = _new_token()
    token = ApiToken.objects.create(
        person=person,
        name=_clean_name(name),
        scope=clean_scope,
        prefix=prefix,
        token_hash=_digest(raw),
        created_at=now,
        expires_at=_expiry(expires_days, now),
    )
    return token, raw


def token_list(*, person_id: str | None = None) -> list[ApiToken]:
    """Every token (of ``person_id`` when given), oldest first, with its person."""
    tokens = ApiToken.objects.select_related("person").order_by("created_at", "id")
    if person_id is None:
        return list(tokens)
    found = list(tokens.filter(person_id=person_id))
    if not found and not Person.objects.filter(id=person_id).exists():
        raise _unknown_person(person_id)
    return found


@transaction.atomic
def token_revoke(*, token_id_or_prefix: str, now: datetime | None = None) -> ApiToken:
    """Revoke a token, named by its id, its prefix (with or without ``tdm_``) or itself.

    Revoking a revoked token changes nothing: its ``revoked_at`` stays the first revocation.
    """
    token = _token_find(token_id_or_prefix)
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The live token ``raw`` is (not revoked, not expired) with its person, or None.

    A token whose person is archived, or whose person's login is deactivated (``is_active``
    false), is refused like an unknown one, for as long as that lasts. A person without a login
    may still have tokens: an admin makes them for scripts.

    Records the use in ``last_used_at``, to the minute: the column is written only when it is
    empty or older than ``LAST_USE_PRECISION`` (60 seconds), so a client calling many times a
    second costs one write a minute, not one per call. The UPDATE repeats that condition, so
    concurrent requests write at most once between them and never move the time backwards.
    """
    if not TOKEN_PATTERN.fullmatch(raw):
        return None  # not a Tandem token: no need to ask the database
    now = now or timezone.now()
    token = (
        ApiToken.objects.select_related("person", "person__user")
        .filter(token_hash=_digest(raw), revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(Q(person__user__isnull=True) | Q(person__user__is_active=True))
        .filter(person__archived_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    stale_before = now - LAST_USE_PRECISION
    if token.last_used_at is None or token.last_used_at < stale_before:
        _record_use(token.pk, now, stale_before)
        token.last_used_at = now
    return token


@dataclass(frozen=True, slots=True)
class TokenHolder:
    """What the API needs to know of a live token: whose it is, what it may do."""

    token_id: int
    person_id: str
    scope: str
    # The person's login is an active superuser: an org admin.
    admin: bool


def token_holder(raw: str, *, now: datetime | None = None) -> TokenHolder | None:
    """:func:`token_authenticate` for the API: the same answer and the same record of use, in
    one plain query (the API checks a token on every request, and compiling the ORM's query
    cost more than running it)."""
    if not TOKEN_PATTERN.fullmatch(raw):
        return None
    now = now or timezone.now()
    stale_before = now - LAST_USE_PRECISION
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(_HOLDER_SQL, [adapt(stale_before), _digest(raw), adapt(now), True])
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, person_id, scope, stale, is_superuser = row
    if stale:
        _record_use(token_id, now, stale_before)
    # The query keeps only active logins (or none): is_superuser is an active admin's.
    return TokenHolder(token_id, person_id, scope, bool(is_superuser))


_HOLDER_SQL = (
    "SELECT t.id, t.person_id, t.scope, "
    "CASE WHEN t.last_used_at IS NULL OR t.last_used_at < %s THEN 1 ELSE 0 END, "
    "u.is_superuser "
    "FROM access_apitoken t JOIN people_person p ON p.id = t.person_id "
    "LEFT JOIN auth_user u ON u.id = p.user_id "
    "WHERE t.token_hash = %s AND t.revoked_at IS NULL "
    "AND (t.expires_at IS NULL OR t.expires_at > %s) "
    # An archived person's tokens are refused, and so are a deactivated login's, as its
    # sessions are.
    "AND p.archived_at IS NULL "
    "AND (u.id IS NULL OR u.is_active = %s)"
)


def _record_use(token_id: int, now: datetime, stale_before: datetime) -> None:
    # The condition again: concurrent requests write at most once between them, and a
    # request that started earlier never moves the time back.
    ApiToken.objects.filter(pk=token_id).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale_before)
    ).update(last_used_at=now)


def _new_token() -> tuple[str, str]:
    """A fresh (prefix, token) whose prefix no other token has."""
    while True:
        prefix = TOKEN_START + secrets.token_urlsafe(6)  # 8 characters, 48 bits
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _token_find(token_id_or_prefix: str) -> ApiToken:
    value = token_id_or_prefix.strip()
    tokens = ApiToken.objects.select_for_update(of=("self",)).select_related("person")
    if value.isascii() and value.isdigit() and len(value) <= 18:
        token = tokens.filter(pk=int(value)).first()
        if token is not None:
            return token
    if TOKEN_PATTERN.fullmatch(value):
        prefix = value[:PREFIX_LENGTH]  # the whole token, pasted
    elif value.startswith(TOKEN_START):
        prefix = value
    else:
        prefix = TOKEN_START + value
    token = tokens.filter(prefix=prefix).first()
    if token is None:
        raise NotFoundError(
            f"there is no API token '{value}' (give its id or its prefix, like 'tdm_AbC123xy'); "
            f"{LIST_COMMAND}",
            field="token",
        )
    return token


def _unknown_person(person_id: str) -> NotFoundError:
    return NotFoundError(
        f"there is no person with id '{person_id}' (ids are case-sensitive; the People page "
        "of the admin site and `tandem export` list them)",
        field="person_id",
    )


def _is_active_admin(person: Person) -> bool:
    return person.user is not None and person.user.is_active and person.user.is_superuser


def _clean_scope(scope: str) -> ApiToken.Scope:
    try:
        return ApiToken.Scope(scope)
    except ValueError:
        raise InvalidError(
            f"a token's scope is 'read' (may only read), 'write' (may also change) or 'scim' "
            f"(an identity provider's key to /scim/v2, an admin's only); got '{scope}'",
            field="scope",
        ) from None


def _clean_name(name: str | None) -> str:
    if name is None:
        return DEFAULT_NAME
    name = name.strip()
    if not name:
        raise InvalidError(
            "a token's name is empty; give one that says what uses the token, like 'CI'",
            field="name",
        )
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidError(
            f"a token's name is at most {NAME_MAX_LENGTH} characters (got {len(name)})",
            field="name",
        )
    return name


def _expiry(expires_days: int | None, now: datetime) -> datetime | None:
    if expires_days is None:
        return None
    if not 1 <= expires_days <= MAX_EXPIRES_DAYS:
        raise InvalidError(
            f"a token expires after 1 to {MAX_EXPIRES_DAYS} days (got {expires_days}); "
            "leave the expiry out for a token that does not expire",
            field="expires_days",
        )
    return now + timedelta(days=expires_days)
