"""Sign-in with a person's id or their e-mail, and the password set with ``tandem passwd``."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest

# The name the API's failed tokens count under (tandem.access.throttle). Not a possible sign-in
# name (no person id or username has brackets or spaces), so the API's count never mixes with a
# person's. It lives here, below the access app, because the lockout name below must know it.
API_TOKEN_ID = "(api token)"  # noqa: S105 - a name to count under, not a secret


def account_for(username: str) -> User | None:
    """The account a sign-in name names: a username, or an e-mail exactly one account has."""
    user = User.objects.filter(username=username).first()
    if user is None and "@" in username:
        matches = list(User.objects.filter(email__iexact=username)[:2])
        user = matches[0] if len(matches) == 1 else None
    return user


def lockout_name(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The name failed sign-ins count against (``AXES_USERNAME_CALLABLE``): the account's
    username when the name typed is one of its names, so that an id and an e-mail (in any
    letter case) share one count; otherwise what was typed."""
    typed = (credentials or {}).get("username") if credentials else request.POST.get("username")
    if not isinstance(typed, str) or not typed:
        return None
    if typed == API_TOKEN_ID:
        return typed  # the API's count of bad tokens (tandem.access.throttle)
    user = account_for(typed)
    return user.username if user is not None else typed


class SignInPauseBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """django-axes' check, first among the backends: a sign-in paused after too many failures
    is refused before any password is checked (tandem/access/throttle.py).

    A check without a request (a script or a test calling ``authenticate()``) has no address
    to count against and passes; every sign-in over HTTP has one.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is not None:
            super().authenticate(request, username=username, password=password, **kwargs)


class PersonIdOrEmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        if not settings.TANDEM_PASSWORD_SIGN_IN:
            return None  # single sign-on only: no password opens a session, the admin site's too
        user = account_for(username)
        if user is None:
            User().set_password(password)  # same time as a real check: no user enumeration
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
