"""Archived people: their sign-in stops by every road (password, session, single sign-on, API
token), and restoring them opens it again; admins archive and restore them from the command
line and the admin site."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tandem.access.tokens import token_authenticate, token_create, token_holder
from tandem.people.models import Person
from tandem.people.services import person_archive, person_password_set, person_restore
from tandem.people.sso import ARCHIVED_MESSAGE, SignInRefusedError, Vouched, sso_sign_in
from tests.dbstate import tandem

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-42"


def test_an_archived_person_cannot_sign_in_with_their_password(demo_in_db: object) -> None:
    person_password_set(person_id="ana", password=PASSWORD)
    assert authenticate(username="ana", password=PASSWORD) is not None
    person_archive(person_id="ana")
    assert authenticate(username="ana", password=PASSWORD) is None
    assert authenticate(username="ana@northwind.test", password=PASSWORD) is None
    assert not Client().login(username="ana", password=PASSWORD)
    person_restore(person_id="ana")
    assert authenticate(username="ana", password=PASSWORD) is not None


def test_the_sign_in_page_refuses_an_archived_person(demo_in_db: object, client: Client) -> None:
    person_password_set(person_id="ana", password=PASSWORD)
    person_archive(person_id="ana")
    page = client.post("/login", {"username": "ana", "password": PASSWORD})
    assert page.status_code == 200  # the form again, with its error; no session
    assert "_auth_user_id" not in client.session


def test_an_archived_persons_session_ends_on_their_next_request(
    demo_in_db: object, client: Client
) -> None:
    person_password_set(person_id="ana", password=PASSWORD)
    assert client.login(username="ana", password=PASSWORD)
    assert client.get("/").status_code == 200
    person_archive(person_id="ana")
    page = client.get("/")
    assert page.status_code == 302
    assert page["Location"].startswith("/login")


def test_single_sign_on_refuses_an_archived_person_and_makes_no_login(
    demo_in_db: object, settings: LazySettings
) -> None:
    person_archive(person_id="ben")  # ben has no login yet: none may be made
    users = User.objects.count()
    with pytest.raises(
        SignInRefusedError, match=r"Your Tandem account is archived\. Ask an admin\."
    ):
        sso_sign_in(Vouched(email="BEN@northwind.test", name="Ben"))
    assert User.objects.count() == users
    assert Person.objects.get(id="ben").user is None
    # With a login (switched off by archiving), the same message.
    person_restore(person_id="ben")
    assert sso_sign_in(Vouched(email="ben@northwind.test")).is_active
    person_archive(person_id="ben")
    with pytest.raises(SignInRefusedError) as refused:
        sso_sign_in(Vouched(email="ben@northwind.test", groups=["okr-admins"]))
    assert str(refused.value) == ARCHIVED_MESSAGE
    person_restore(person_id="ben")
    assert sso_sign_in(Vouched(email="ben@northwind.test")).username == "ben"


def test_an_archived_persons_tokens_are_refused_even_without_a_login(demo_in_db: object) -> None:
    assert Person.objects.get(id="cai").user is None  # tokens for scripts need no login
    _token, raw = token_create(person_id="cai")
    assert token_authenticate(raw) is not None
    person_archive(person_id="cai")
    assert token_authenticate(raw) is None
    assert token_holder(raw) is None
    person_restore(person_id="cai")
    assert token_authenticate(raw) is not None
    assert token_holder(raw) is not None


# -- the admin's controls: the command line and the admin site --


def test_tandem_person_archive_and_restore(demo_in_db: object) -> None:
    person_password_set(person_id="ana", password=PASSWORD)
    code, _out, err = tandem("person", "archive", "ana")
    assert code == 0, err
    assert "Ana Lima (ana) is archived" in err
    assert "tandem person restore ana" in err
    ana = Person.objects.select_related("user").get(id="ana")
    assert ana.archived_at is not None
    assert ana.user is not None
    assert not ana.user.is_active
    code, _out, err = tandem("person", "archive", "ana")  # again: nothing changes
    assert code == 0, err
    assert Person.objects.get(id="ana").archived_at == ana.archived_at
    code, _out, err = tandem("person", "restore", "ana")
    assert code == 0, err
    assert "Ana Lima (ana) is restored" in err
    assert authenticate(username="ana", password=PASSWORD) is not None


def test_tandem_person_names_an_unknown_person(demo_in_db: object) -> None:
    for command in ("archive", "restore"):
        code, _out, err = tandem("person", command, "nobody")
        assert code == 2
        assert "there is no person with id 'nobody'" in err


def test_the_admin_site_filters_archives_and_restores_people(
    demo_in_db: object, admin_client: Client
) -> None:
    changelist = reverse("admin:people_person_changelist")
    person_archive(person_id="cai")
    archived = admin_client.get(changelist, {"archived": "yes"}).content.decode()
    assert "Cai Wen" in archived
    assert "Ben Okafor" not in archived
    assert "Cai Wen" not in admin_client.get(changelist, {"archived": "no"}).content.decode()
    picked = {"action": "archive", "_selected_action": ["ben", "dan"]}
    answer = admin_client.post(changelist, picked, follow=True)
    assert "Archived 2 people." in answer.content.decode()
    assert set(Person.objects.filter(archived_at__isnull=False).values_list("id", flat=True)) == {
        "ben",
        "cai",
        "dan",
    }
    answer = admin_client.post(
        changelist, {"action": "restore", "_selected_action": ["cai"]}, follow=True
    )
    assert "Restored 1 person." in answer.content.decode()
    assert Person.objects.get(id="cai").archived_at is None
    change = admin_client.get(reverse("admin:people_person_change", args=["ben"]))
    assert "Archived at" in change.content.decode()
