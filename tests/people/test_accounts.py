"""Sign-in accounts: `tandem passwd`, `tandem createadmin`, and signing in by id or e-mail."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from tandem.organization.demo import DEMO_PASSWORD, demo_load
from tandem.people.models import Person
from tests.conftest import TODAY
from tests.dbstate import tandem

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-42"


def test_passwd_lets_a_person_sign_in_with_their_id_or_email(demo_in_db) -> None:
    code, _out, err = tandem("passwd", "ana", "--password", PASSWORD)
    assert code == 0, err
    assert "ana can now sign in as ana or ana@northwind.test" in err
    by_id = authenticate(username="ana", password=PASSWORD)
    by_email = authenticate(username="ANA@northwind.test", password=PASSWORD)
    assert by_id is not None
    assert by_id == by_email == Person.objects.get(id="ana").user
    assert authenticate(username="ana", password="wrong-password-123") is None


def test_passwd_asks_twice_when_no_password_is_given(demo_in_db) -> None:
    code, _out, err = tandem("passwd", "ben", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0, err
    assert authenticate(username="ben", password=PASSWORD) is not None


def test_passwd_refuses_unknown_people_and_weak_passwords(demo_in_db) -> None:
    code, _out, err = tandem("passwd", "nobody", "--password", PASSWORD)
    assert code == 2
    assert "there is no person with id 'nobody'" in err
    code, _out, err = tandem("passwd", "ana", "--password", "12345")
    assert code == 2
    assert "too weak" in err
    assert not User.objects.filter(username="ana").exists()


def test_createadmin_makes_a_superuser_who_can_open_the_admin(demo_in_db, client) -> None:
    code, _out, err = tandem(
        "createadmin", "--username", "root", "--password", PASSWORD, "--person", "zoe"
    )
    assert code == 0, err
    user = User.objects.get(username="root")
    assert user.is_superuser
    assert user.is_staff
    assert Person.objects.get(id="zoe").user == user
    assert client.login(username="root", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    code, _out, err = tandem("createadmin", "--username", "root", "--password", PASSWORD)
    assert code == 2
    assert "is taken" in err


def test_the_demo_loads_once_with_a_login_for_everyone(db) -> None:
    result = demo_load(today=TODAY)
    assert result.loaded
    assert result.logins == Person.objects.count() == 15
    assert authenticate(username="tom", password=DEMO_PASSWORD) is not None
    again = demo_load(today=TODAY)
    assert not again.loaded
    assert again.organization == "Northwind"
    assert User.objects.count() == 15


def test_people_sign_in_and_out_on_the_login_page(demo_in_db, client) -> None:
    tandem("passwd", "ana", "--password", PASSWORD)
    page = client.get("/login")
    assert page.status_code == 200
    assert b"Your id or e-mail" in page.content
    wrong = client.post("/login", {"username": "ana", "password": "nope-nope-nope"})
    assert b"do not match" in wrong.content
    signed_in = client.post("/login", {"username": "ana@northwind.test", "password": PASSWORD})
    assert signed_in.status_code == 302
    home = client.get("/")
    assert b"Ana Lima" in home.content  # her name in the account menu
    assert b"Administration" not in home.content  # not an admin
    client.post("/logout")
    assert b"Sign in to Tandem" in client.get("/", follow=True).content


def test_the_demo_ceo_is_an_admin_and_the_others_are_not(db, client) -> None:
    demo_load(today=TODAY)
    assert client.login(username="ana", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 302  # to the admin's own sign-in
    assert client.login(username="zoe", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
