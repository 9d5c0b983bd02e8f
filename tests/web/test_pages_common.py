"""Sign-in, sign-out, password change, and the friendly error pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tandem.core import model as m


@pytest.mark.django_db
def test_signed_out_pages_lead_to_the_sign_in_form(demo_in_db: m.Organization) -> None:
    response = Client().get("/dashboard")
    assert response.status_code == 302
    assert response["Location"] == "/login?next=/dashboard"


@pytest.mark.django_db
def test_sign_in_with_a_person_id_then_sign_out(demo_in_db: m.Organization) -> None:
    from tandem.people.services import person_password_set  # noqa: PLC0415

    person_password_set(person_id="ben", password="a-long-enough-secret-9", validate=False)
    client = Client()
    page = client.get("/login")
    assert "Sign in to Tandem" in page.content.decode()
    wrong = client.post("/login", {"username": "ben", "password": "nope"})
    assert "do not match" in wrong.content.decode()
    signed_in = client.post("/login", {"username": "ben", "password": "a-long-enough-secret-9"})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/"
    assert client.get("/dashboard").status_code != 302
    client.post("/logout")
    assert client.get("/dashboard").status_code == 302


def test_password_change(web_as: Callable[[str], Client]) -> None:
    from django.contrib.auth.models import User  # noqa: PLC0415

    client = web_as("member")
    user = User.objects.get(username="ben")
    user.set_password("old-secret-for-ben-1")
    user.save()
    client.force_login(user)
    page = client.get("/password")
    assert "Change your password" in page.content.decode()
    done = client.post(
        "/password",
        {
            "old_password": "old-secret-for-ben-1",
            "new_password1": "new-secret-for-ben-2",
            "new_password2": "new-secret-for-ben-2",
        },
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("new-secret-for-ben-2")


def test_unknown_page_is_the_friendly_404(web_as: Callable[[str], Client]) -> None:
    response = web_as("member").get("/objectives/NO-SUCH-1")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Nothing here" in body
    assert "not visible to you" in body
