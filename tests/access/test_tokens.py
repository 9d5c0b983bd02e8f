"""Personal API tokens: created once, kept only as a hash, checked, throttled, revoked."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tandem.access.models import ApiToken
from tandem.access.tokens import (
    PREFIX_LENGTH,
    TOKEN_PATTERN,
    token_authenticate,
    token_create,
    token_holder,
    token_list,
    token_revoke,
)
from tandem.errors import InvalidError, NotFoundError
from tandem.people.models import Person
from tests.dbstate import tandem

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.fixture
def people(db: None) -> None:
    user = User.objects.create_user("ana", password="a long enough passphrase")
    Person.objects.create(id="ana", name="Ana Lima", user=user, position=1)
    Person.objects.create(id="ben", name="Ben Okafor", position=2)


@pytest.fixture
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich tables keep each row on one line


def every_stored_value() -> list[str]:
    """Every value of every column of every table, as text."""
    values: list[str] = []
    for model in apps.get_models():
        for row in model._default_manager.values_list():
            values.extend(str(value) for value in row)
    return values


# -- creating and checking --


def test_a_new_token_authenticates_as_its_person(people: None) -> None:
    token, raw = token_create(person_id="ana", now=NOW)
    assert TOKEN_PATTERN.fullmatch(raw)
    assert raw.startswith(token.prefix + "_")
    assert (token.name, token.scope, token.created_at, token.expires_at) == (
        "API token",
        ApiToken.Scope.READ,
        NOW,
        None,
    )

    found = token_authenticate(raw, now=NOW)
    assert found is not None
    assert found.pk == token.pk
    assert found.person.user is not None  # loaded with the token: no query per API call
    assert found.person.user.username == "ana"


def secret_of(raw: str) -> str:
    """The part after the public prefix and its underscore (the secret may hold underscores)."""
    return raw[PREFIX_LENGTH + 1 :]


def test_only_a_hash_of_the_token_is_stored(people: None) -> None:
    _token, raw = token_create(person_id="ana", scope="write", name="CI", now=NOW)
    secret = secret_of(raw)
    stored = every_stored_value()
    assert not [value for value in stored if raw in value or secret in value]


def test_the_person_and_user_come_with_the_token(
    people: None, django_assert_num_queries: Any
) -> None:
    _token, raw = token_create(person_id="ana", now=NOW)
    token_authenticate(raw, now=NOW)  # the first use is recorded
    with django_assert_num_queries(1):
        found = token_authenticate(raw, now=NOW + timedelta(seconds=1))
        assert found is not None
        assert found.person.name == "Ana Lima"
        assert found.person.user is not None


def test_the_scope_is_read_unless_write_is_asked_for(people: None) -> None:
    read, _ = token_create(person_id="ana")
    write, _ = token_create(person_id="ana", scope="write", name="deploy bot")
    assert ApiToken.objects.get(pk=read.pk).scope == ApiToken.Scope.READ
    assert ApiToken.objects.get(pk=write.pk).scope == ApiToken.Scope.WRITE
    assert ApiToken.objects.get(pk=write.pk).name == "deploy bot"


def test_prefixes_and_tokens_differ_every_time(people: None) -> None:
    made = [token_create(person_id="ana") for _ in range(20)]
    assert len({token.prefix for token, _raw in made}) == 20
    assert len({raw for _token, raw in made}) == 20


def test_an_expired_token_does_not_authenticate(people: None) -> None:
    token, raw = token_create(person_id="ana", expires_days=30, now=NOW)
    assert token.expires_at == NOW + timedelta(days=30)
    assert token_authenticate(raw, now=NOW + timedelta(days=30, seconds=-1)) is not None
    assert token_authenticate(raw, now=NOW + timedelta(days=30)) is None
    assert token.state(NOW + timedelta(days=30)) == ApiToken.State.EXPIRED


def test_a_deactivated_logins_token_does_not_authenticate(people: None) -> None:
    _token, raw = token_create(person_id="ana", now=NOW)
    User.objects.filter(username="ana").update(is_active=False)
    assert token_authenticate(raw, now=NOW) is None
    assert token_holder(raw, now=NOW) is None
    # For as long as the login stays deactivated: reactivated, its tokens work again.
    User.objects.filter(username="ana").update(is_active=True)
    assert token_authenticate(raw, now=NOW) is not None
    assert token_holder(raw, now=NOW) is not None


def test_a_revoked_token_does_not_authenticate(people: None) -> None:
    token, raw = token_create(person_id="ana", now=NOW)
    revoked = token_revoke(token_id_or_prefix=token.prefix, now=NOW + timedelta(hours=1))
    assert revoked.revoked_at == NOW + timedelta(hours=1)
    assert token_authenticate(raw, now=NOW + timedelta(hours=2)) is None
    assert revoked.state(NOW + timedelta(hours=2)) == ApiToken.State.REVOKED


@pytest.mark.parametrize(
    ("how", "name_of"),
    [
        (lambda token, raw: str(token.pk), "its id"),
        (lambda token, raw: token.prefix, "its prefix"),
        (lambda token, raw: token.prefix.removeprefix("tdm_"), "its prefix without tdm_"),
        (lambda token, raw: f" {raw} ", "the token itself"),
    ],
)
def test_a_token_is_revoked_by_id_prefix_or_itself(
    people: None, how: Callable[[ApiToken, str], str], name_of: str
) -> None:
    token, raw = token_create(person_id="ana", now=NOW)
    _other, other_raw = token_create(person_id="ana", now=NOW)
    token_revoke(token_id_or_prefix=how(token, raw), now=NOW)
    assert token_authenticate(raw, now=NOW) is None, name_of
    assert token_authenticate(other_raw, now=NOW) is not None


def test_revoking_twice_keeps_the_first_revocation(people: None) -> None:
    token, _raw = token_create(person_id="ana", now=NOW)
    token_revoke(token_id_or_prefix=token.prefix, now=NOW)
    again = token_revoke(token_id_or_prefix=token.prefix, now=NOW + timedelta(days=1))
    assert again.revoked_at == NOW
    assert ApiToken.objects.get(pk=token.pk).revoked_at == NOW


GARBLED: list[tuple[str, Callable[[str], str]]] = [
    ("empty", lambda raw: ""),
    ("blank", lambda raw: "   "),
    ("with the scheme", lambda raw: f"Bearer {raw}"),
    ("another product's mark", lambda raw: "ghp" + raw[3:]),
    ("without its mark", lambda raw: raw.removeprefix("tdm_")),
    ("truncated", lambda raw: raw[:-1]),
    ("only the prefix", lambda raw: raw[:12]),
    ("one character longer", lambda raw: raw + "A"),
    ("one character changed", lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B")),
    ("upper-cased", lambda raw: raw.upper()),
    ("random, in the right shape", lambda raw: f"tdm_{raw[4:12]}_{secrets.token_urlsafe(32)}"),
    ("random", lambda raw: secrets.token_urlsafe(40)),
    ("not ASCII", lambda raw: raw[:-1] + "é"),
]


@pytest.mark.parametrize(("kind", "garble"), GARBLED, ids=[kind for kind, _ in GARBLED])
def test_a_wrong_or_garbled_token_does_not_authenticate(
    people: None, kind: str, garble: Callable[[str], str]
) -> None:
    _token, raw = token_create(person_id="ana", now=NOW)
    wrong = garble(raw)
    assert wrong != raw
    assert token_authenticate(wrong, now=NOW) is None
    assert token_authenticate(raw, now=NOW) is not None


# -- recording the last use --


def last_used(token: ApiToken) -> datetime | None:
    return ApiToken.objects.get(pk=token.pk).last_used_at


def test_the_first_use_is_recorded(people: None) -> None:
    token, raw = token_create(person_id="ana", now=NOW)
    assert last_used(token) is None
    found = token_authenticate(raw, now=NOW + timedelta(minutes=5))
    assert found is not None
    assert found.last_used_at == NOW + timedelta(minutes=5)
    assert last_used(token) == NOW + timedelta(minutes=5)


def test_uses_within_a_minute_write_nothing(people: None, django_assert_num_queries: Any) -> None:
    token, raw = token_create(person_id="ana", now=NOW)
    token_authenticate(raw, now=NOW)
    for seconds in (1, 30, 59):
        with django_assert_num_queries(1):  # the look-up only, no UPDATE
            found = token_authenticate(raw, now=NOW + timedelta(seconds=seconds))
        assert found is not None
        assert found.last_used_at == NOW
    assert last_used(token) == NOW

    token_authenticate(raw, now=NOW + timedelta(seconds=61))
    assert last_used(token) == NOW + timedelta(seconds=61)


def test_the_last_use_never_moves_backwards(people: None) -> None:
    token, raw = token_create(person_id="ana", now=NOW)
    token_authenticate(raw, now=NOW + timedelta(hours=1))
    token_authenticate(raw, now=NOW)  # a request that started earlier, checked later
    assert last_used(token) == NOW + timedelta(hours=1)


# -- listing --


def test_tokens_are_listed_oldest_first_and_by_person(people: None) -> None:
    first, _ = token_create(person_id="ben", now=NOW)
    second, _ = token_create(person_id="ana", now=NOW + timedelta(days=1))
    third, _ = token_create(person_id="ben", now=NOW + timedelta(days=2))
    assert [t.pk for t in token_list()] == [first.pk, second.pk, third.pk]
    assert [t.pk for t in token_list(person_id="ben")] == [first.pk, third.pk]
    assert token_list(person_id="ana")[0].person.name == "Ana Lima"


# -- mistakes --


def test_a_token_for_an_unknown_person_is_refused(people: None) -> None:
    with pytest.raises(NotFoundError, match="there is no person with id 'Ana'") as caught:
        token_create(person_id="Ana")
    assert "tandem export" in caught.value.message
    assert caught.value.field == "person_id"
    with pytest.raises(NotFoundError, match="there is no person with id 'nobody'"):
        token_list(person_id="nobody")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "value", ["999", "tdm_AAAAAAAA", "AAAAAAAA", "", "tdm_", "99999999999999999999"]
)
def test_an_unknown_token_is_refused_with_where_to_look(people: None, value: str) -> None:
    token_create(person_id="ana")
    with pytest.raises(NotFoundError, match="`tandem token list` shows the tokens"):
        token_revoke(token_id_or_prefix=value)
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"expires_days": 0}, "expires_days", "expires after 1 to 3650 days (got 0)"),
        ({"expires_days": -5}, "expires_days", "expires after 1 to 3650 days (got -5)"),
        ({"expires_days": 10**9}, "expires_days", "expires after 1 to 3650 days"),
        (
            {"scope": "admin"},
            "scope",
            "'read' (may only read), 'write' (may also change) or 'scim'",
        ),
        ({"name": "  "}, "name", "name is empty"),
        ({"name": "x" * 101}, "name", "at most 100 characters"),
    ],
)
def test_invalid_settings_are_refused(
    people: None, arguments: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(InvalidError, match=message.replace("(", r"\(").replace(")", r"\)")) as e:
        token_create(person_id="ana", **arguments)
    assert e.value.field == field
    assert not ApiToken.objects.exists()


# -- the command line --


def test_token_create_prints_the_token_once_and_how_to_use_it(people: None) -> None:
    code, out, err = tandem("token", "create", "ana", "--scope", "write", "--name", "CI")
    assert code == 0, err
    raw = out.strip()
    assert TOKEN_PATTERN.fullmatch(raw)  # stdout is the token alone: TOKEN=$(tandem token ...)
    assert "only time the token is shown" in err
    assert "Authorization: Bearer <token>" in err
    assert raw not in err
    token = token_authenticate(raw)
    assert token is not None
    assert (token.person_id, token.scope, token.name) == ("ana", "write", "CI")
    assert f"write token {token.prefix} ('CI') for Ana Lima (ana); it does not expire" in err


def test_token_create_with_an_expiry(people: None) -> None:
    code, out, err = tandem("token", "create", "ben", "--expires", "7")
    assert code == 0, err
    token = token_authenticate(out.strip())
    assert token is not None
    assert token.scope == "read"
    assert token.expires_at is not None
    assert f"it expires on {token.expires_at:%Y-%m-%d %H:%M}" in err


def test_token_list_shows_every_token_but_never_a_secret(people: None, wide_terminal: None) -> None:
    active, active_raw = token_create(person_id="ana", name="CI [bold]", scope="write")
    expired, expired_raw = token_create(
        person_id="ben", expires_days=1, now=NOW - timedelta(days=2)
    )
    revoked, revoked_raw = token_create(person_id="ben", name="old laptop")
    token_revoke(token_id_or_prefix=revoked.prefix)
    used = token_authenticate(active_raw)
    assert used is not None
    assert used.last_used_at is not None

    code, out, err = tandem("token", "list")
    assert code == 0, err
    rows = {line.split()[0]: " ".join(line.split()) for line in out.splitlines() if "tdm_" in line}
    assert rows[active.prefix].split()[1:5] == ["ana", "CI", "[bold]", "write"]
    assert rows[active.prefix].endswith(f"never {used.last_used_at:%Y-%m-%d %H:%M} active")
    assert rows[expired.prefix].endswith("2026-11-20 never expired")
    assert rows[revoked.prefix].endswith("never never revoked")  # expires, last used
    for raw in (active_raw, expired_raw, revoked_raw):
        assert secret_of(raw) not in out

    code, out, err = tandem("token", "list", "--person", "ana")
    assert code == 0, err
    assert active.prefix in out
    assert expired.prefix not in out


def test_token_list_says_when_there_are_none(people: None) -> None:
    code, out, err = tandem("token", "list", "--person", "ben")
    assert (code, out) == (0, "")
    assert "No API tokens for ben yet" in err


def test_token_revoke_by_prefix_then_again(people: None) -> None:
    token, raw = token_create(person_id="ana", name="CI")
    code, _out, err = tandem("token", "revoke", token.prefix)
    assert code == 0, err
    assert f"The token {token.prefix} ('CI') of ana is revoked" in err
    assert token_authenticate(raw) is None
    code, _out, err = tandem("token", "revoke", str(token.pk))
    assert code == 0, err
    assert "was already revoked on" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "nobody"], "Error: there is no person with id 'nobody'"),
        (["create", "ana", "--expires", "0"], "Error: a token expires after 1 to 3650 days"),
        (["create", "ana", "--name", ""], "Error: a token's name is empty"),
        (["list", "--person", "nobody"], "Error: there is no person with id 'nobody'"),
        (["revoke", "tdm_nothere"], "`tandem token list` shows the tokens"),
    ],
)
def test_token_commands_explain_mistakes(people: None, args: list[str], message: str) -> None:
    code, out, err = tandem("token", *args)
    assert code == 2
    assert out == ""
    assert message in err
    assert not ApiToken.objects.exists()


def test_token_create_refuses_an_unknown_scope(people: None, wide_terminal: None) -> None:
    code, _out, err = tandem("token", "create", "ana", "--scope", "admin")
    assert code == 2
    assert "'admin' is not one of 'read', 'write', 'scim'" in err


def test_token_create_scim_for_an_admin_only(people: None) -> None:
    code, _out, err = tandem("token", "create", "ana", "--scope", "scim")
    assert code != 0
    assert "only an organisation admin may have a SCIM token" in err
    login = User.objects.create(username="ana-login", is_superuser=True, is_staff=True)
    Person.objects.filter(id="ana").update(user=login)
    code, out, err = tandem("token", "create", "ana", "--scope", "scim", "--name", "Entra ID")
    assert code == 0, err
    token = token_authenticate(out.strip())
    assert token is not None
    assert token.scope == "scim"
    assert "/scim/v2" in err


# -- the admin site --


def test_admins_see_tokens_but_never_their_hashes_and_cannot_edit_them(
    people: None, admin_client: Client
) -> None:
    token, raw = token_create(person_id="ana", name="CI")
    stored_hash = ApiToken.objects.values_list("token_hash", flat=True).get(pk=token.pk)
    changelist = reverse("admin:access_apitoken_changelist")
    change = reverse("admin:access_apitoken_change", args=[token.pk])

    for page in (changelist, change):
        response = admin_client.get(page)
        assert response.status_code == 200
        content = response.content.decode()
        assert token.prefix in content
        assert stored_hash not in content
        assert secret_of(raw) not in content
    assert "active" in admin_client.get(change).content.decode()

    assert admin_client.get(reverse("admin:access_apitoken_add")).status_code == 403
    assert admin_client.post(change, {"scope": "write"}).status_code == 403
    delete = reverse("admin:access_apitoken_delete", args=[token.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ApiToken.objects.get(pk=token.pk).scope == "read"
