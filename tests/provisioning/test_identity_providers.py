"""The requests Microsoft Entra ID and Okta send, as their SCIM documentation shows them
(quirks included: capitalised ops, "False" as a string, the manager as a bare id, PATCH
with no path, PUT for every profile change)."""

from __future__ import annotations

from typing import Any

from tandem.people.models import Membership, Person
from tandem.provisioning.models import ScimResource
from tests.provisioning.conftest import ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA, ScimClient

ENTRA_GROUP_SCHEMA = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"


def entra_user(user_name: str, email: str, external_id: str = "0a21f0f2") -> dict[str, Any]:
    return {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "externalId": external_id,
        "userName": user_name,
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": email}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Ana Lima", "familyName": "Lima", "givenName": "Ana"},
        "roles": [],
    }


def okta_user(user_name: str) -> dict[str, Any]:
    return {
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": "Test User",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    }


def test_entra_creates_finds_and_updates_a_user(scim: ScimClient) -> None:
    assert scim.get('/Users?filter=userName eq "ana@contoso.com"').json_body["totalResults"] == 0
    created = scim.post("/Users", entra_user("ana@contoso.com", "ana@contoso.com"))
    assert created.status_code == 201, created.json_body
    ana = created.json_body["id"]
    assert Person.objects.get(id=ana).name == "Ana Lima"
    found = scim.get('/Users?filter=userName eq "Ana@Contoso.com"')
    assert [user["id"] for user in found.json_body["Resources"]] == [ana]
    patched = scim.patch(
        f"/Users/{ana}",
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ana.lima@contoso.com"},
        {"op": "Replace", "path": "name.familyName", "value": "Lima-Souza"},
    )
    assert patched.status_code == 200, patched.json_body
    assert Person.objects.get(id=ana).email == "ana.lima@contoso.com"


def test_entra_deactivates_with_the_string_false(scim: ScimClient) -> None:
    ana = scim.post("/Users", entra_user("ana@contoso.com", "ana@contoso.com")).json_body["id"]
    patched = scim.patch(f"/Users/{ana}", {"op": "Replace", "path": "active", "value": "False"})
    assert patched.status_code == 200, patched.json_body
    assert patched.json_body["active"] is False
    assert Person.objects.get(id=ana).archived_at is not None
    scim.patch(f"/Users/{ana}", {"op": "Replace", "path": "active", "value": "True"})
    assert Person.objects.get(id=ana).archived_at is None


def test_entra_sends_the_manager_as_a_bare_id(scim: ScimClient) -> None:
    boss = scim.post("/Users", entra_user("sofia@contoso.com", "sofia@contoso.com", "b1"))
    ana = scim.post("/Users", entra_user("ana@contoso.com", "ana@contoso.com", "a1"))
    manager_path = f"{ENTERPRISE}:manager"
    added = scim.patch(
        f"/Users/{ana.json_body['id']}",
        {"op": "Add", "path": manager_path, "value": boss.json_body["id"]},
    )
    assert added.status_code == 200, added.json_body
    assert added.json_body[ENTERPRISE]["manager"]["value"] == boss.json_body["id"]
    assert Person.objects.get(id=ana.json_body["id"]).manager_id == boss.json_body["id"]
    removed = scim.patch(f"/Users/{ana.json_body['id']}", {"op": "Remove", "path": manager_path})
    assert removed.status_code == 200, removed.json_body
    assert Person.objects.get(id=ana.json_body["id"]).manager_id is None


def test_entra_groups_and_their_members(scim: ScimClient) -> None:
    ana = scim.post("/Users", entra_user("ana@contoso.com", "ana@contoso.com")).json_body["id"]
    group = scim.post(
        "/Groups",
        {
            "schemas": [GROUP_SCHEMA, ENTRA_GROUP_SCHEMA],
            "externalId": "8aa1a0c0",
            "displayName": "Search",
            "meta": {"resourceType": "Group"},
        },
    )
    assert group.status_code == 201, group.json_body
    team = group.json_body["id"]
    found = scim.get('/Groups?excludedAttributes=members&filter=displayName eq "search"')
    assert [found_group["id"] for found_group in found.json_body["Resources"]] == [team]
    member = [{"$ref": None, "value": ana}]
    added = scim.patch(f"/Groups/{team}", {"op": "Add", "path": "members", "value": member})
    assert added.status_code == 200, added.json_body
    assert list(Membership.objects.filter(team_id=team).values_list("person_id", flat=True)) == [
        ana
    ]
    removed = scim.patch(f"/Groups/{team}", {"op": "Remove", "path": "members", "value": member})
    assert removed.status_code == 200, removed.json_body
    assert not Membership.objects.filter(team_id=team).exists()


def test_okta_creates_updates_by_put_and_deactivates(scim: ScimClient) -> None:
    body = okta_user("test.user@example.com")
    created = scim.post("/Users", body)
    assert created.status_code == 201, created.json_body
    user_id = created.json_body["id"]
    assert "password" not in created.json_body
    assert "password" not in ScimResource.objects.get(person_id=user_id).payload
    replaced = scim.put(
        f"/Users/{user_id}", {**body, "id": user_id, "name": {"givenName": "T", "familyName": "U"}}
    )
    assert replaced.status_code == 200, replaced.json_body
    assert Person.objects.get(id=user_id).name == "Test User"  # displayName wins
    deactivated = scim.patch(f"/Users/{user_id}", {"op": "replace", "value": {"active": False}})
    assert deactivated.status_code == 200, deactivated.json_body
    assert Person.objects.get(id=user_id).archived_at is not None
    listed = scim.get('/Users?filter=userName eq "test.user@example.com"&startIndex=1&count=100')
    assert listed.json_body["Resources"][0]["active"] is False


def test_okta_group_push(scim: ScimClient) -> None:
    first = scim.post("/Users", okta_user("a@example.com")).json_body["id"]
    second = scim.post("/Users", okta_user("b@example.com") | {"externalId": "x2"}).json_body["id"]
    group = scim.post(
        "/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "Test SCIMv2", "members": []}
    )
    assert group.status_code == 201, group.json_body
    team = group.json_body["id"]
    added = scim.patch(
        f"/Groups/{team}",
        {"op": "add", "path": "members", "value": [{"value": first, "display": "a@example.com"}]},
    )
    assert added.status_code == 200, added.json_body
    swapped = scim.patch(
        f"/Groups/{team}",
        {"op": "remove", "path": f'members[value eq "{first}"]'},
        {"op": "add", "path": "members", "value": [{"value": second, "display": "b@example.com"}]},
    )
    assert swapped.status_code == 200, swapped.json_body
    assert [member["value"] for member in swapped.json_body["members"]] == [second]
    renamed = scim.patch(
        f"/Groups/{team}",
        {"op": "replace", "value": {"id": team, "displayName": "Search squad"}},
    )
    assert renamed.status_code == 200, renamed.json_body
    assert renamed.json_body["displayName"] == "Search squad"


def test_entra_legacy_bodies(scim: ScimClient) -> None:
    """Without Entra's `aadOptscim062020` flag: the manager as a string in a POST, and a
    PATCH with no path whose value holds "active": "False"."""
    boss = scim.post("/Users", entra_user("sofia@contoso.com", "sofia@contoso.com", "b1"))
    body = entra_user("ana@contoso.com", "ana@contoso.com", "a1")
    body[ENTERPRISE] = {"manager": boss.json_body["id"], "department": "Search"}
    ana = scim.post("/Users", body)
    assert ana.status_code == 201, ana.json_body
    assert ana.json_body[ENTERPRISE]["department"] == "Search"
    assert Person.objects.get(id=ana.json_body["id"]).manager_id == boss.json_body["id"]
    patched = scim.patch(
        f"/Users/{ana.json_body['id']}", {"op": "Replace", "value": {"active": "False"}}
    )
    assert patched.status_code == 200, patched.json_body
    assert Person.objects.get(id=ana.json_body["id"]).archived_at is not None


def test_entra_replaces_a_work_email_the_user_did_not_have(scim: ScimClient) -> None:
    body = entra_user("ana@contoso.com", "ana@contoso.com")
    body["emails"] = [{"type": "other", "value": "ana@home.example.com"}]
    ana = scim.post("/Users", body).json_body["id"]
    patched = scim.patch(
        f"/Users/{ana}",
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ana@contoso.com"},
    )
    assert patched.status_code == 200, patched.json_body
    emails = {email["type"]: email["value"] for email in patched.json_body["emails"]}
    assert emails == {"other": "ana@home.example.com", "work": "ana@contoso.com"}
    assert Person.objects.get(id=ana).email == "ana@contoso.com"
