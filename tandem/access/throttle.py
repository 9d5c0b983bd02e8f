"""Throttling failed sign-ins and bad API tokens, with django-axes.

Both count in the database (axes' ``AccessAttempt`` table), so every app server and every
worker sees the same counts, and both are lifted by the same commands (``tandem manage
axes_reset``, ``axes_reset_ip``, ``axes_reset_username``) or in the admin site.

- A web sign-in (``/login``, ``/admin/login/``) counts per id and address: after
  ``TANDEM_LOGIN_FAILURE_LIMIT`` failures that id is paused from that address for
  ``TANDEM_LOGIN_COOLOFF_MINUTES``, even with the right password.
- An API request whose bearer token is unknown, revoked or expired counts per address, under
  the pseudo-id :data:`API_TOKEN_ID`: after ``TANDEM_API_TOKEN_FAILURE_LIMIT`` of them the
  address gets 429 for bad tokens. A valid token is checked first and never counted.

Every further failure during a pause starts it again (axes' default), so the wait to announce
is always the whole cool-off.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest

from tandem.people.auth import API_TOKEN_ID


def client_ip(request: HttpRequest) -> str | None:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``).

    Behind ``TANDEM_PROXY_COUNT`` proxies that each append the address they saw to
    ``X-Forwarded-For``, the client is that many entries from the end; entries further left
    came from the client itself and could say anything, so they are never used.
    """
    remote = request.META.get("REMOTE_ADDR")
    count: int = settings.TANDEM_PROXY_COUNT
    if count:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(addresses) >= count and _is_ip(addresses[-count]):
            return addresses[-count]
    return str(remote) if remote else None


def failure_limit(request: HttpRequest | None, credentials: dict[str, Any] | None) -> int:
    """How many failures pause a sign-in, or an address's bad tokens (``AXES_FAILURE_LIMIT``)."""
    if (credentials or {}).get("username") == API_TOKEN_ID:
        return int(settings.TANDEM_API_TOKEN_FAILURE_LIMIT)
    return int(settings.TANDEM_LOGIN_FAILURE_LIMIT)


def cooloff_seconds() -> int:
    """The wait after the last failure, in seconds (what ``Retry-After`` says)."""
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def bad_token_record(request: HttpRequest) -> int | None:
    """Count a request that sent an unknown, revoked or expired API token.

    Returns the seconds the client must wait when its address has now sent too many (this
    request included), None while it may still try.
    """
    # The signal Django sends for a failed sign-in: axes records it, per address, as for one.
    user_login_failed.send(sender=__name__, credentials={"username": API_TOKEN_ID}, request=request)
    if getattr(request, "axes_locked_out", False):
        return cooloff_seconds()
    return None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
