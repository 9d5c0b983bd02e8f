"""Single sign-on with OpenID Connect, end to end against node-oidc-provider on 127.0.0.1."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import User

from tandem.people.models import Membership, Person
from tandem.people.services import person_archive, person_password_set
from tests.oidc_provider import free_port, provider_mode
from tests.sso.conftest import form_of, sso_sign_in


def signed_in_as(browser: requests.Session, base: str) -> str | None:
    """The name on the page a browser sees at Tandem's home (``None``: sent to sign in)."""
    page = browser.get(f"{base}/", timeout=30)
    if urlsplit(page.url).path == "/login":
        return None
    return page.text


def counts() -> tuple[int, int, int]:
    return Person.objects.count(), User.objects.count(), Membership.objects.count()


def assert_refused(
    last: requests.Response, reason: str, browser: requests.Session, base: str, before: object
) -> None:
    """Refused with a page that says why; nobody signed in and nothing created."""
    assert last.status_code == 403
    assert "Sign-in refused" in last.text
    assert reason in last.text
    assert counts() == before
    assert signed_in_as(browser, base) is None


def test_ana_signs_in_by_email_with_pkce_and_her_groups_apply(sso: str) -> None:
    browser = requests.Session()
    last = sso_sign_in(sso, "ana", browser)
    assert last.status_code == 200, last.text
    assert urlsplit(last.url).path == "/"
    # The way out went with a PKCE challenge (S256), a state and a nonce.
    start = browser.get(f"{sso}/sso/start", allow_redirects=False, timeout=30)
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert {"code_challenge", "state", "nonce"} <= query.keys()
    page = signed_in_as(browser, sso)
    assert page is not None
    assert "Ana Lima" in page
    ana = Person.objects.select_related("user").get(id="ana")
    assert ana.user is not None
    assert ana.user.username == "ana"
    assert not ana.user.has_usable_password()
    # okr-admins makes her an admin; mobile-team a member of Mobile (her other teams stay).
    assert ana.user.is_superuser
    assert ana.user.is_staff
    assert set(ana.teams.values_list("id", flat=True)) >= {"mobile", "search"}


def test_groups_are_applied_again_on_each_sign_in(sso: str) -> None:
    ben = Person.objects.get(id="ben")
    Membership.objects.create(team_id="mobile", person=ben, position=9)
    sso_sign_in(sso, "ben")
    ben.refresh_from_db()
    assert ben.user is not None
    ben.user.is_superuser = ben.user.is_staff = True
    ben.user.save()
    sso_sign_in(sso, "ben")  # in no group now: neither admin nor in Mobile; Search stays
    ben.user.refresh_from_db()
    assert not ben.user.is_superuser
    assert set(ben.teams.values_list("id", flat=True)) == {"search"}


def test_an_unknown_email_is_refused_and_nothing_is_created(sso: str) -> None:
    before = counts()
    browser = requests.Session()
    last = sso_sign_in(sso, "newcomer", browser)
    assert_refused(
        last, "No one in Tandem has the e-mail newcomer@northwind.test", browser, sso, before
    )


def test_an_unknown_email_creates_a_person_when_set(sso: str, settings: Any) -> None:
    settings.TANDEM_OIDC_UNKNOWN_EMAIL = "create"
    browser = requests.Session()
    assert sso_sign_in(sso, "newcomer", browser).status_code == 200
    person = Person.objects.select_related("user").get(email="newcomer@northwind.test")
    assert (person.id, person.name) == ("newcomer", "Nia Newcomer")
    assert person.user is not None
    assert not person.user.is_superuser
    assert list(person.teams.values_list("id", flat=True)) == ["mobile"]
    page = signed_in_as(browser, sso)
    assert page is not None
    assert "Nia Newcomer" in page


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("tamper", "ID token failed its check (Signature verification failed)"),
        ("other-key", "ID token failed its check (Signature verification failed)"),
        ("audience", "ID token was issued to another application"),
        ("expired", "ID token has expired"),
    ],
)
def test_a_bad_id_token_is_refused_and_nothing_is_created(
    sso: str, settings: Any, mode: str, reason: str
) -> None:
    before = counts()
    provider_mode(settings.TANDEM_OIDC_ISSUER, mode)
    browser = requests.Session()
    last = sso_sign_in(sso, "ana", browser)
    assert_refused(last, reason, browser, sso, before)


def test_a_replayed_id_token_fails_on_its_nonce(sso: str, settings: Any) -> None:
    sso_sign_in(sso, "ben")  # the provider keeps ben's ID token, with that sign-in's nonce
    before = counts()
    provider_mode(settings.TANDEM_OIDC_ISSUER, "replay")
    browser = requests.Session()
    last = sso_sign_in(sso, "ana", browser)
    assert_refused(last, "ID token belongs to another sign-in (its nonce)", browser, sso, before)


def test_a_replayed_callback_is_refused(sso: str) -> None:
    browser = requests.Session()
    last = sso_sign_in(sso, "ben", browser)
    callback = next(r for r in last.history if urlsplit(r.url).path == "/sso/callback")
    again = requests.Session().get(callback.url, timeout=30)
    assert again.status_code == 403
    assert "already used" in again.text


@pytest.mark.parametrize(
    ("login", "reason"),
    [
        ("outsider", "E-mail addresses at elsewhere.test may not sign in to Tandem"),
        ("unverified", "says the e-mail dan@northwind.test is not verified"),
    ],
)
def test_a_disallowed_email_is_refused_and_nothing_is_created(
    sso: str, settings: Any, login: str, reason: str
) -> None:
    settings.TANDEM_OIDC_UNKNOWN_EMAIL = "create"
    settings.TANDEM_OIDC_EMAIL_DOMAINS = ["northwind.test"]
    before = counts()
    browser = requests.Session()
    last = sso_sign_in(sso, login, browser)
    assert_refused(last, reason, browser, sso, before)


def test_an_archived_person_is_refused_and_no_login_is_made(sso: str) -> None:
    person_archive(person_id="ana")  # ana has no login yet
    before = counts()
    browser = requests.Session()
    last = sso_sign_in(sso, "ana", browser)
    assert_refused(last, "Your Tandem account is archived. Ask an admin.", browser, sso, before)


def test_the_sign_in_page_offers_the_provider_and_can_refuse_passwords(
    sso: str, settings: Any
) -> None:
    page = requests.get(f"{sso}/login", timeout=30)
    assert "Sign in with Northwind ID" in page.text
    assert 'name="password"' in page.text
    settings.TANDEM_PASSWORD_SIGN_IN = False
    browser = requests.Session()
    page = browser.get(f"{sso}/login", timeout=30)
    assert "Sign in with Northwind ID" in page.text
    assert 'name="password"' not in page.text
    ben = person_password_set(person_id="ben", password="a-long-enough-Passw0rd")
    ben.is_staff = True  # may use the admin site, with a password that works when allowed
    ben.save()
    token = browser.cookies["csrftoken"]
    answer = browser.post(
        f"{sso}/login",
        data={"csrfmiddlewaretoken": token, "username": "ben", "password": "x"},
        headers={"Referer": f"{sso}/login"},
        timeout=30,
    )
    assert answer.status_code == 403
    assert "Signing in with a password is switched off here" in answer.text
    # The right password opens no session anywhere, the admin site's sign-in included.
    admin = browser.get(f"{sso}/admin/login/", timeout=30)
    answer = browser.post(
        admin.url,
        data={
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "username": "ben",
            "password": "a-long-enough-Passw0rd",
        },
        headers={"Referer": admin.url},
        timeout=30,
    )
    assert "sessionid" not in browser.cookies
    assert signed_in_as(browser, sso) is None


def test_sign_out_ends_the_session_here_and_at_the_provider(sso: str) -> None:
    browser = requests.Session()
    home = sso_sign_in(sso, "ana", browser)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home.text)
    assert token
    out = browser.post(
        f"{sso}/logout",
        data={"csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{sso}/"},
        allow_redirects=False,
        timeout=30,
    )
    end = urlsplit(out.headers["Location"])
    assert end.path == "/session/end"
    assert set(parse_qs(end.query)) == {"id_token_hint", "post_logout_redirect_uri"}
    assert signed_in_as(browser, sso) is None
    confirm = browser.get(out.headers["Location"], timeout=30)  # the provider asks first
    action, fields = form_of(confirm)
    back = browser.post(action, data=fields | {"logout": "yes"}, timeout=30)
    assert back.url == f"{sso}/login"
    # Signed out at the provider too: the next sign-in asks for the account again.
    again = browser.get(f"{sso}/sso/start", timeout=30)
    assert 'name="login"' in again.text


def test_a_deactivated_login_is_signed_out_and_refused(sso: str) -> None:
    browser = requests.Session()
    sso_sign_in(sso, "ana", browser)
    assert signed_in_as(browser, sso) is not None
    User.objects.filter(username="ana").update(is_active=False)
    assert signed_in_as(browser, sso) is None
    before = counts()
    other = requests.Session()  # signed in at the provider still: the next would not ask
    last = sso_sign_in(sso, "ana", other)
    assert_refused(last, "Your sign-in to Tandem is switched off", other, sso, before)


def test_a_provider_out_of_reach_is_said_so(sso: str, settings: Any) -> None:
    from tandem.people.oidc import discovery_forget  # noqa: PLC0415

    settings.TANDEM_OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    discovery_forget()
    page = requests.get(f"{sso}/sso/start", timeout=30)
    assert page.status_code == 403
    assert "Tandem cannot reach the identity provider" in page.text
