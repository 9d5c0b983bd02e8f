"""An admin with a SCIM token, and a client that speaks SCIM to /scim/v2 with it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

SCIM = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@dataclass
class ScimClient:
    """Django's test client, with the token and the SCIM media type on every request."""

    client: Client
    token: str

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        data = body if isinstance(body, bytes | str) else json.dumps(body) if body else ""
        response = self.client.generic(
            method,
            "/scim/v2" + path,
            data,
            content_type=SCIM,
            headers={"Authorization": f"Bearer {self.token}", **headers},
        )
        response.json_body = json.loads(response.content) if response.content else None
        return response

    def get(self, path: str, **headers: str) -> Any:
        return self.call("GET", path, **headers)

    def post(self, path: str, body: Any) -> Any:
        return self.call("POST", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.call("PUT", path, body)

    def patch(self, path: str, *operations: dict[str, Any]) -> Any:
        return self.call("PATCH", path, {"schemas": [PATCH_OP], "Operations": list(operations)})

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)


def admin_with_token(person_id: str = "root-admin") -> str:
    from tandem.access.tokens import token_create  # noqa: PLC0415
    from tandem.people.models import Person  # noqa: PLC0415

    user = User.objects.create(username=person_id, is_superuser=True, is_staff=True)
    Person.objects.create(id=person_id, name="Root Admin", user=user)
    _token, raw = token_create(person_id=person_id, scope="scim", name="Entra ID")
    return raw


@pytest.fixture
def scim_token(db: None) -> str:
    return admin_with_token()


@pytest.fixture
def scim(scim_token: str) -> ScimClient:
    return ScimClient(Client(), scim_token)


def user_body(user_name: str, **extra: Any) -> dict[str, Any]:
    return {"schemas": [USER_SCHEMA], "userName": user_name, "active": True, **extra}
