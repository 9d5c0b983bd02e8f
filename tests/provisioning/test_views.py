"""/scim/v2 over HTTP: who may call it, and what bad input gets (a SCIM error, nothing written)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.access.tokens import token_create, token_revoke
from tandem.people.models import Person, Team
from tandem.people.services import person_archive
from tandem.provisioning.models import ScimResource
from tests.provisioning.conftest import SCIM, ScimClient, user_body

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def _person(person_id: str, *, admin: bool) -> None:
    user = User.objects.create(username=person_id, is_superuser=admin, is_staff=admin)
    Person.objects.create(id=person_id, name=person_id.title(), user=user)


def _token(person_id: str, scope: str) -> str:
    return token_create(person_id=person_id, scope=scope)[1]


@pytest.mark.django_db
def test_who_may_call() -> None:
    _person("zoe", admin=True)
    _person("ben", admin=False)
    scim_token = _token("zoe", "scim")
    revoked = _token("zoe", "scim")
    token_revoke(token_id_or_prefix=revoked)
    cases = {
        None: 401,
        "tdm_notatoken": 401,
        _token("zoe", "write"): 401,  # an admin's personal API token is not a SCIM token
        _token("ben", "read"): 401,
        revoked: 401,
        scim_token: 200,
    }
    for token, status in cases.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = Client().get("/scim/v2/Users", headers=headers)
        assert response.status_code == status, (token, response.content)
        assert response["Content-Type"] == SCIM
        if status == 401:
            assert response.json()["schemas"] == [ERROR]
            assert response["WWW-Authenticate"].startswith("Bearer")
    # Anyone may read what the service supports (RFC 7643 section 5).
    assert Client().get("/scim/v2/ServiceProviderConfig").status_code == 200


@pytest.mark.django_db
def test_a_token_whose_admin_is_no_longer_one_is_refused() -> None:
    _person("zoe", admin=True)
    token = _token("zoe", "scim")
    User.objects.filter(username="zoe").update(is_superuser=False)
    response = Client().get("/scim/v2/Users", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert "no longer an admin" in response.json()["detail"]
    person_archive(person_id="zoe")  # their login is switched off: the token is unknown
    response = Client().get("/scim/v2/Users", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


@pytest.mark.django_db
def test_only_an_admin_gets_a_scim_token_and_the_api_refuses_it() -> None:
    from tandem.errors import InvalidError  # noqa: PLC0415

    _person("zoe", admin=True)
    _person("ben", admin=False)
    with pytest.raises(InvalidError, match="only an organisation admin"):
        token_create(person_id="ben", scope="scim")
    token = _token("zoe", "scim")
    response = Client().get("/api/v1/people", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_bad_input_is_refused_and_nothing_is_written(scim: ScimClient) -> None:
    people = Person.objects.count()
    cases = [
        (b"{not json", 400),
        (json.dumps([1, 2]), 400),
        (json.dumps(user_body("x") | {"schemas": ["urn:example:Nope"]}), 400),
        (json.dumps(user_body("ana", displayName="A" * 10_000)), 400),
        (json.dumps(user_body("ana", emails=[{"value": "not-an-email"}])), 400),
        (json.dumps(user_body("")), 400),
    ]
    for body, status in cases:
        response = scim.call("POST", "/Users", body)
        assert response.status_code == status, (body[:80], response.json_body)
        assert response.json_body["schemas"] == [ERROR]
        assert response.json_body["detail"]
    long_name = scim.post("/Users", user_body("ana", displayName="A" * 10_000))
    assert "at most 500" in long_name.json_body["detail"]
    assert Person.objects.count() == people
    assert not ScimResource.objects.exists()


def test_a_huge_body_is_refused_with_413(scim: ScimClient) -> None:
    body = json.dumps(user_body("ana", nickName="x" * (2 * 1024 * 1024)))
    response = scim.call("POST", "/Users", body)
    assert response.status_code == 413
    assert response.json_body["schemas"] == [ERROR]
    assert not Person.objects.filter(scim__isnull=False).exists()


def test_user_names_are_unique_ignoring_case(scim: ScimClient) -> None:
    assert scim.post("/Users", user_body("Ana@Example.com")).status_code == 201
    again = scim.post("/Users", user_body("ana@example.COM"))
    assert again.status_code == 409
    assert again.json_body["scimType"] == "uniqueness"


def test_etags_guard_updates(scim: ScimClient) -> None:
    created = scim.post("/Users", user_body("ana@example.com"))
    user_id, version = created.json_body["id"], created.json_body["meta"]["version"]
    assert created["ETag"] == version
    stale = scim.call(
        "PUT", f"/Users/{user_id}", user_body("ana@example.com"), **{"If-Match": 'W/"old"'}
    )
    assert stale.status_code == 412
    person_archive(person_id=user_id)  # Tandem changed it: the version moves too
    assert scim.get(f"/Users/{user_id}").json_body["meta"]["version"] != version


def test_a_page_of_users_costs_the_same_queries_whatever_its_size(scim: ScimClient) -> None:
    def cost(count: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = scim.get(f"/Users?startIndex=1&count={count}")
        assert len(response.json_body["Resources"]) == count
        return len(queries)

    def groups_cost(count: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = scim.get(f"/Groups?count={count}")
        assert len(response.json_body["Resources"]) == count
        return len(queries)

    ids = [scim.post("/Users", user_body(f"user{n}@example.com")).json_body["id"] for n in range(8)]
    for n in range(4):
        members = [{"value": person_id} for person_id in ids[: n + 1]]
        scim.post(
            "/Groups",
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": f"G{n}",
                "members": members,
            },
        )
    assert cost(4) == cost(8)
    assert groups_cost(2) == groups_cost(4)
    assert Team.objects.filter(is_root=True).count() == 1
