"""Settings > Provisioning: admins see the SCIM base URL, create a token (shown once) and
revoke one after confirming; nobody else may."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from tandem.access.models import ApiToken
from tandem.access.tokens import token_authenticate

pytestmark = pytest.mark.django_db
URL = "/settings/provisioning"


def test_only_admins_may_open_it(web_as: Callable[[str], Client]) -> None:
    assert web_as("member").get(URL).status_code == 403
    assert web_as("lead").post(URL, {"name": "Okta"}).status_code == 403
    assert not ApiToken.objects.exists()
    assert "Provisioning (SCIM)" in web_as("admin").get("/settings").content.decode()


def test_an_admin_creates_a_token_shown_once_and_revokes_it(
    web_as: Callable[[str], Client],
) -> None:
    zoe = web_as("admin")
    page = zoe.get(URL).content.decode()
    assert "http://testserver/scim/v2" in page
    assert "No SCIM token yet." in page
    created = zoe.post(URL, {"name": "Entra ID"}).content.decode()
    raw = re.search(r"<code>(tdm_[^<]+)</code>", created)
    assert raw is not None
    token = token_authenticate(raw.group(1))
    assert token is not None
    assert (token.scope, token.person_id, token.name) == ("scim", "zoe", "Entra ID")
    listed = zoe.get(URL).content.decode()
    assert raw.group(1) not in listed  # shown once
    assert token.prefix in listed
    confirm = zoe.get(f"{URL}?revoke={token.pk}").content.decode()
    assert f"Revoke {token.prefix}" in confirm
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None  # asking revokes nothing
    done = zoe.post(URL, {"action": "revoke", "token": token.pk}, follow=True).content.decode()
    assert "Revoked the SCIM token" in done
    assert token_authenticate(raw.group(1)) is None


def test_personal_tokens_are_not_listed_nor_revoked_here(
    web_as: Callable[[str], Client],
) -> None:
    from tandem.access.tokens import token_create  # noqa: PLC0415

    personal, _raw = token_create(person_id="ben", scope="write")
    zoe = web_as("admin")
    assert personal.prefix not in zoe.get(URL).content.decode()
    assert zoe.post(URL, {"action": "revoke", "token": personal.pk}).status_code == 404
    assert ApiToken.objects.get(pk=personal.pk).revoked_at is None
