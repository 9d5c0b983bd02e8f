"""Who may call the API: bad tokens are 401 (429 once an address sends too many), a
deactivated login's tokens are refused, and only a signed-in session needs the CSRF token."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tandem.access.throttle import API_TOKEN_ID
from tandem.access.tokens import token_create, token_revoke
from tandem.core import model as m
from tandem.people.models import Person
from tandem.people.services import person_archive, person_restore
from tests.api.conftest import ApiClient
from tests.web.conftest import login_client

UNKNOWN = "tdm_AbCdEfGh_" + "x" * 43  # the shape of a token, but no one's
UNAUTHORIZED = {
    "type": "about:blank",
    "title": "Unauthorized",
    "status": 401,
    "detail": "sign in, or send a personal API token as `Authorization: Bearer <token>` "
    "(`tandem token create PERSON` makes one)",
}


def api(token: str | None, address: str = "127.0.0.1", *, csrf: bool = True) -> ApiClient:
    """A client as a script would be: CSRF checks on, as in production, from ``address``."""
    return ApiClient(Client(enforce_csrf_checks=csrf, REMOTE_ADDR=address), token)


def assert_unauthorized(response: object) -> None:
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
    assert response.json() == UNAUTHORIZED  # type: ignore[attr-defined]
    assert response["WWW-Authenticate"].startswith("Bearer")  # type: ignore[index]


# -- F12: a write without a valid token is 401, not a CSRF failure --


@pytest.mark.parametrize("token", [None, UNKNOWN, "revoked"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/objectives/SR-2/archive"),
        ("PATCH", "/objectives/SR-2"),
        ("DELETE", "/objectives/SR-2/alignment"),
    ],
)
def test_a_write_without_a_valid_token_is_401_not_a_csrf_failure(
    demo_in_db: m.Organization, token: str | None, method: str, path: str
) -> None:
    if token == "revoked":
        made, token = token_create(person_id="ben", scope="write")
        token_revoke(token_id_or_prefix=made.prefix)
    response = api(token).send(method, path, {"kind": "committed"})
    assert_unauthorized(response)


def test_a_signed_in_session_still_needs_the_csrf_token_to_write(
    demo_in_db: m.Organization,
) -> None:
    client = login_client("member")
    client.handler.enforce_csrf_checks = True  # type: ignore[attr-defined]
    browser = ApiClient(client, None)

    refused = browser.post("/objectives/SR-2/archive")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("the CSRF check failed")

    client.get("/")  # a page sets the csrftoken cookie
    csrf = {"X-CSRFToken": client.cookies["csrftoken"].value}
    assert browser.post("/objectives/SR-2/archive", headers=csrf).status_code == 204


# -- F4: a deactivated login's tokens are refused --


def test_a_deactivated_logins_tokens_are_refused_like_unknown_ones(
    demo_in_db: m.Organization,
) -> None:
    user = User.objects.create(username="ana")
    Person.objects.filter(id="ana").update(user=user)
    _made, raw = token_create(person_id="ana", scope="write")
    client = api(raw)
    assert client.get("/me").status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)
    assert_unauthorized(client.get("/me"))
    assert_unauthorized(client.post("/objectives/SR-2/archive"))

    # Reactivated, the same tokens work again; revoke them to end them for good.
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert client.get("/me").status_code == 200


def test_a_deactivated_admins_token_is_refused_too(demo_in_db: m.Organization) -> None:
    admin = User.objects.create(username="zoe", is_staff=True, is_superuser=True)
    Person.objects.filter(id="zoe").update(user=admin)
    _made, raw = token_create(person_id="zoe", scope="write")
    assert api(raw).get("/me").json()["admin"] is True
    User.objects.filter(pk=admin.pk).update(is_active=False)
    assert_unauthorized(api(raw).get("/me"))


def test_an_archived_persons_tokens_are_refused_until_they_are_restored(
    demo_in_db: m.Organization,
) -> None:
    _made, raw = token_create(person_id="ben", scope="write")  # ben has no login to switch off
    client = api(raw)
    assert client.get("/me").status_code == 200
    person_archive(person_id="ben")
    assert_unauthorized(client.get("/me"))
    assert_unauthorized(client.post("/objectives/SR-2/archive"))
    person_restore(person_id="ben")
    assert client.get("/me").status_code == 200


def test_a_person_without_a_login_keeps_their_tokens(demo_in_db: m.Organization) -> None:
    _made, raw = token_create(person_id="ben")  # ben has no login in the demo
    assert api(raw).get("/me").json()["person"]["id"] == "ben"


# -- F3: bad tokens from one address are throttled; valid tokens never are --


def test_an_address_sending_bad_tokens_gets_429_after_the_limit(
    demo_in_db: m.Organization,
) -> None:
    limit = 20  # TANDEM_API_TOKEN_FAILURE_LIMIT's default
    for _ in range(limit - 1):
        assert_unauthorized(api(UNKNOWN).get("/me"))

    refused = api(UNKNOWN).get("/me")  # a new client: the count is not in a cookie
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["Retry-After"] == "900"  # TANDEM_LOGIN_COOLOFF_MINUTES' 15 minutes
    problem = refused.json()
    assert (problem["title"], problem["status"]) == ("Too many requests", 429)
    assert "wait 15 minutes" in problem["detail"]
    assert api("tdm_garbled").get("/me").status_code == 429  # any bad token counts
    assert api(UNKNOWN).post("/objectives/SR-2/archive").status_code == 429

    # A valid token from the same address is never slowed down...
    _made, raw = token_create(person_id="ben", scope="write")
    assert api(raw).get("/me").status_code == 200
    assert api(raw).post("/objectives/SR-2/archive").status_code == 204
    # ... no token at all is still a plain 401, and another address is not concerned.
    assert_unauthorized(api(None).get("/me"))
    assert_unauthorized(api(UNKNOWN, "203.0.113.9").get("/me"))


def test_the_count_is_kept_in_the_database_for_every_app_server(
    demo_in_db: m.Organization,
) -> None:
    api(UNKNOWN, "203.0.113.7").get("/me")
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        API_TOKEN_ID,
        "203.0.113.7",
        1,
    )


def test_the_refusal_ends_after_the_cool_off_or_when_an_admin_lifts_it(
    demo_in_db: m.Organization, settings: Any
) -> None:
    settings.TANDEM_API_TOKEN_FAILURE_LIMIT = 2
    assert api(UNKNOWN).get("/me").status_code == 401
    assert api(UNKNOWN).get("/me").status_code == 429
    # 15 minutes after the last bad token, the address may try again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert api(UNKNOWN).get("/me").status_code == 401
    assert api(UNKNOWN).get("/me").status_code == 429
    # `tandem manage axes_reset` (or axes_reset_ip ADDRESS) lifts it at once.
    call_command("axes_reset", stdout=io.StringIO())
    assert api(UNKNOWN).get("/me").status_code == 401
