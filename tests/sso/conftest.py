"""Single sign-on against a real OpenID provider (tests/oidc_provider) and Tandem in Django's
live server, on the demo organisation; each test signs in as a browser would, with ``requests``
following the redirects and filling in the provider's sign-in form."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, free_port, oidc_provider, provider_mode


@pytest.fixture(scope="session")
def issuer(live_server: Any) -> Iterator[str]:
    with oidc_provider(free_port(), live_server.url) as url:
        yield url


@pytest.fixture
def sso(
    issuer: str, live_server: Any, transactional_db: None, settings: Any, demo_organization: Any
) -> str:
    """Tandem at the live server's URL, with the demo and single sign-on set up; yields its URL."""
    from tandem.organization.imports import organization_import  # noqa: PLC0415
    from tandem.people.oidc import discovery_forget  # noqa: PLC0415
    from tests.conftest import TODAY  # noqa: PLC0415

    organization_import(org=demo_organization, source="northwind.yaml", today=TODAY)
    settings.TANDEM_OIDC_ISSUER = issuer
    settings.TANDEM_OIDC_CLIENT_ID = CLIENT_ID
    settings.TANDEM_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.TANDEM_OIDC_SCOPES = "openid email profile groups"
    settings.TANDEM_OIDC_GROUPS_CLAIM = "groups"
    settings.TANDEM_OIDC_PROVIDER_NAME = "Northwind ID"
    settings.TANDEM_OIDC_ADMIN_GROUPS = ["okr-admins"]
    settings.TANDEM_OIDC_TEAM_GROUPS = {"mobile-team": "mobile"}
    discovery_forget()
    provider_mode(issuer, "normal")
    return str(live_server.url)


def form_of(page: requests.Response) -> tuple[str, dict[str, str]]:
    """The first form of a page: its absolute action and its hidden fields."""
    action = re.search(r'<form[^>]*action="([^"]*)"', page.text)
    assert action, f"no form on {page.url}:\n{page.text[:2000]}"
    hidden = dict(
        re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.text)
    )
    return urljoin(page.url, html.unescape(action.group(1))), hidden


def sso_sign_in(
    base: str, login: str, browser: requests.Session | None = None
) -> requests.Response:
    """Sign in to Tandem at ``base`` through the provider as ``login``; the last page."""
    browser = browser or requests.Session()
    at_provider = browser.get(f"{base}/sso/start", timeout=30)
    action, fields = form_of(at_provider)
    return browser.post(action, data=fields | {"login": login, "password": "any"}, timeout=30)
