from __future__ import annotations

from tests.provisioning.conftest import ScimClient, user_body


def test_create_and_read(scim: ScimClient) -> None:
    created = scim.post("/Users", user_body("ana@example.com", name={"givenName": "Ana", "familyName": "Lima"}))
    assert created.status_code == 201, created.json_body
    got = scim.get(f"/Users/{created.json_body['id']}")
    assert got.status_code == 200, got.json_body
    print(got.json_body)
    listed = scim.get("/Users?filter=userName%20eq%20%22ANA@example.com%22")
    print(listed.json_body)
    assert listed.json_body["totalResults"] == 1
    g = scim.post("/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Search", "members": [{"value": created.json_body["id"]}]})
    print(g.json_body)
    assert g.status_code == 201
    assert scim.get("/ServiceProviderConfig").status_code == 200
