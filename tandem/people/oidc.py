"""Single sign-on with OpenID Connect through mozilla-django-oidc: the provider's endpoints
from its discovery document, and an ID token checked in full before anyone is signed in
(signature with the provider's JWKS, issuer, audience, expiry; the nonce by the library).

mozilla-django-oidc reads its ``OIDC_*`` settings through ``get_settings``; :func:`oidc_setting`
answers them from ``TANDEM_OIDC_*`` and the discovery document, read once per issuer.
"""

from __future__ import annotations

import threading
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from tandem.people.sso import SignInRefusedError, Vouched, sso_sign_in

_discovered: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()
# Seconds of clock difference allowed between Tandem and the provider.
CLOCK_SKEW = 60


def sso_enabled() -> bool:
    return bool(settings.TANDEM_OIDC_ISSUER and settings.TANDEM_OIDC_CLIENT_ID)


def discovery() -> dict[str, Any]:
    """The provider's ``/.well-known/openid-configuration``, fetched on first use and kept."""
    issuer = settings.TANDEM_OIDC_ISSUER
    with _lock:
        if issuer not in _discovered:
            url = f"{issuer}/.well-known/openid-configuration"
            try:
                answer = requests.get(url, timeout=10)
                answer.raise_for_status()
                document = answer.json()
            except (requests.RequestException, ValueError) as exc:
                raise SignInRefusedError(
                    f"Tandem cannot reach the identity provider ({url}: {exc}). Try again "
                    "later, or ask an admin to check TANDEM_OIDC_ISSUER."
                ) from None
            if str(document.get("issuer", "")).rstrip("/") != issuer:
                raise SignInRefusedError(
                    f"The identity provider at {url} names another issuer "
                    f"({document.get('issuer')}). Ask an admin to set TANDEM_OIDC_ISSUER to it."
                )
            _discovered[issuer] = document
        return _discovered[issuer]


def discovery_forget() -> None:
    with _lock:
        _discovered.clear()


_FROM_DISCOVERY = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def oidc_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, from Tandem's."""
    if attr in _FROM_DISCOVERY:
        return discovery().get(_FROM_DISCOVERY[attr], *default)
    fixed: dict[str, Any] = {
        "OIDC_RP_CLIENT_ID": settings.TANDEM_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.TANDEM_OIDC_CLIENT_SECRET,
        "OIDC_RP_SCOPES": settings.TANDEM_OIDC_SCOPES,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc_callback",
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_TIMEOUT": 10,
        "LOGIN_REDIRECT_URL": "home",
    }
    if attr in fixed:
        return fixed[attr]
    return getattr(settings, attr, *default)


class OidcBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Signs in the person whose e-mail a checked ID token carries (tandem.people.sso)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django makes every backend for every sign-in, passwords too: the provider is read
        # only for a sign-in of this kind (in :meth:`authenticate`).
        self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not sso_enabled() or "nonce" not in kwargs or "username" in kwargs:
            return None
        try:
            OIDCAuthenticationBackend.__init__(self)
            return super().authenticate(request, **kwargs)  # type: ignore[no-any-return]
        except requests.RequestException as exc:
            raise SignInRefusedError(
                f"Tandem could not finish the sign-in with the identity provider ({exc})."
            ) from None

    def get_user(self, user_id: int) -> User | None:
        """The signed-in account of a session: none once the login is deactivated (as Django's
        own backend does; the library's would keep it)."""
        return User.objects.filter(pk=user_id, is_active=True).first()

    def get_payload_data(self, token: bytes | str, key: Any) -> dict[str, Any]:
        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"],
                audience=settings.TANDEM_OIDC_CLIENT_ID,
                issuer=discovery()["issuer"],
                leeway=CLOCK_SKEW,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise SignInRefusedError(_token("has expired")) from None
        except jwt.InvalidAudienceError:
            raise SignInRefusedError(_token("was issued to another application")) from None
        except jwt.InvalidIssuerError:
            raise SignInRefusedError(_token("comes from another issuer")) from None
        except jwt.PyJWTError as exc:
            raise SignInRefusedError(_token(f"failed its check ({exc})")) from None
        return payload

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        try:
            return super().verify_token(token, **kwargs)  # type: ignore[no-any-return]
        except SuspiciousOperation as exc:
            if "Nonce" in str(exc):
                raise SignInRefusedError(_token("belongs to another sign-in (its nonce)")) from None
            raise SignInRefusedError(_token(f"failed its check ({exc})")) from None

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        claims = {**self.get_userinfo(access_token, id_token, payload), **payload}
        groups_claim = settings.TANDEM_OIDC_GROUPS_CLAIM
        groups = claims.get(groups_claim) if groups_claim else None
        vouched = Vouched(
            email=str(claims.get(settings.TANDEM_OIDC_EMAIL_CLAIM) or ""),
            name=str(claims.get("name") or ""),
            # Absent (Entra ID sends none): trusted; some providers send the word "false".
            verified=str(claims.get("email_verified", True)).lower() != "false",
            groups=[str(group) for group in groups] if isinstance(groups, list) else None,
        )
        return sso_sign_in(vouched)


def _token(what: str) -> str:
    return (
        f"The identity provider's answer was refused: its ID token {what}. Nothing was "
        "changed; try signing in again."
    )
