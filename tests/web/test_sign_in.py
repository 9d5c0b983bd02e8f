"""Signing in: paused after too many failures, sessions that end when unused, and what a
password change ends (other sessions) and keeps (API tokens)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tandem.access.tokens import token_create
from tandem.core import model as m
from tandem.people.services import person_password_set
from tandem.server.sessions import SEEN_KEY
from tests.dbstate import tandem

PASSWORD = "a long enough passphrase"
WRONG = "not the passphrase at all"
PAUSED = "signing in is paused for 15 minutes"
MISMATCH = "That id or e-mail and password do not match"


@pytest.fixture
def ana(demo_in_db: m.Organization) -> None:
    person_password_set(person_id="ana", password=PASSWORD)


def sign_in(username: str, password: str, address: str = "127.0.0.1") -> Any:
    client = Client(REMOTE_ADDR=address)
    response = client.post("/login", {"username": username, "password": password})
    response.client = client
    return response


def signed_in(response: Any) -> bool:
    return SESSION_KEY in response.client.session


# -- F3: too many failed sign-ins pause that id from that address --


def test_five_failures_pause_the_id_from_that_address_even_with_the_right_password(
    ana: None,
) -> None:
    for _ in range(4):
        response = sign_in("ana", WRONG)
        assert response.status_code == 200
        assert MISMATCH in response.content.decode()

    paused = sign_in("ana", WRONG)
    assert paused.status_code == 429
    page = paused.content.decode()
    assert PAUSED in page
    assert MISMATCH not in page
    assert 'value="ana"' in page  # the form again, the id kept

    right = sign_in("ana", PASSWORD)
    assert right.status_code == 429
    assert PAUSED in right.content.decode()
    assert not signed_in(right)


def test_the_pause_is_for_that_id_and_that_address_only(ana: None) -> None:
    for _ in range(5):
        sign_in("ana", WRONG)
    # From another address, ana signs in; from this one, another id is not paused.
    other_address = sign_in("ana", PASSWORD, address="203.0.113.5")
    assert other_address.status_code == 302
    assert signed_in(other_address)
    assert MISMATCH in sign_in("ben", WRONG).content.decode()


def test_an_id_and_its_email_in_any_case_share_one_count(ana: None) -> None:
    for name in ["ana", "ana@northwind.test", "ANA@Northwind.Test", "Ana@northwind.test"]:
        assert sign_in(name, WRONG).status_code == 200
    assert PAUSED in sign_in("ana@NORTHWIND.test", WRONG).content.decode()


def test_the_pause_ends_after_the_cool_off(ana: None) -> None:
    for _ in range(5):
        sign_in("ana", WRONG)
    assert sign_in("ana", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert signed_in(sign_in("ana", PASSWORD))


def test_a_successful_sign_in_starts_the_count_again(ana: None) -> None:
    for _ in range(4):
        sign_in("ana", WRONG)
    assert signed_in(sign_in("ana", PASSWORD))
    for _ in range(4):
        assert MISMATCH in sign_in("ana", WRONG).content.decode()


def test_an_admin_lifts_a_pause_with_tandem_manage_axes_reset_username(ana: None) -> None:
    for _ in range(5):
        sign_in("ana", WRONG)
    # The command `tandem manage axes_reset_username ana` runs (called in-process: the CLI's
    # manage ends by closing the connection, which on PostgreSQL holds this test's transaction).
    out = io.StringIO()
    call_command("axes_reset_username", "ana", stdout=out)
    assert "1 attempts removed" in out.getvalue()
    assert signed_in(sign_in("ana", PASSWORD))


def test_the_admin_sign_in_page_is_paused_too(demo_in_db: m.Organization) -> None:
    code, _out, err = tandem(
        "createadmin", "--username", "root", "--password", PASSWORD, "--email", "r@nw.test"
    )
    assert code == 0, err
    client = Client()
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "root", "password": WRONG})
    assert response.status_code == 429
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


# -- F20: sessions end when unused; a password change ends the other sessions --


def session_ends(client: Client) -> Any:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_session_lives_eight_hours_from_its_last_use(ana: None) -> None:
    response = sign_in("ana", PASSWORD)
    assert response.cookies["sessionid"]["max-age"] == 8 * 3600
    ends = session_ends(response.client)
    assert abs(ends - (timezone.now() + timedelta(hours=8))) < timedelta(minutes=1)


def test_a_used_session_is_kept_alive_but_written_at_most_once_a_minute(ana: None) -> None:
    client = sign_in("ana", PASSWORD).client
    first = session_ends(client)
    assert client.get("/").status_code == 200
    assert session_ends(client) == first  # used within the minute of signing in: no write

    session = client.session
    session[SEEN_KEY] -= 61  # as if the last write were more than a minute ago
    session.save()
    before = session_ends(client)
    response = client.get("/")
    assert response.status_code == 200
    assert session_ends(client) > before
    assert response.cookies["sessionid"]["max-age"] == 8 * 3600


def test_an_unused_session_ends(ana: None) -> None:
    client = sign_in("ana", PASSWORD).client
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


def test_a_password_change_ends_the_other_sessions_but_keeps_api_tokens(ana: None) -> None:
    _made, raw = token_create(person_id="ana")
    here = sign_in("ana", PASSWORD).client
    elsewhere = sign_in("ana", PASSWORD, address="203.0.113.5").client
    new = "another long passphrase"
    response = here.post(
        "/password", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").status_code == 302  # the other one is signed out
    # API tokens are not the password's: only an admin makes them, on the server.
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200
