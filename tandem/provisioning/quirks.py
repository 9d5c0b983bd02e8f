"""Request bodies from identity providers made standard before scim2-models reads them, the
rest left as it is (docs/scim.md lists each quirk):

- the manager as the bare id (``"manager": "<id>"``; Entra ID, in PATCH and in POST/PUT)
  where SCIM has a complex attribute (``{"value": "<id>"}``); and without its ``$ref``, which
  the enterprise schema marks required: Tandem fills it from the id;
- the members to remove as the PATCH value with ``"$ref": null`` (Entra ID), which would
  select only members without a reference (none): a null selects nothing and is dropped.

A body that is not JSON, or not an object, is passed on untouched: the service says what is
wrong with it.
"""

from __future__ import annotations

import json
from typing import Any

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MANAGER_PATH = f"{ENTERPRISE}:manager"


def resource_fixed(body: bytes) -> bytes:
    """A POST or PUT body, its enterprise manager made a complex value with a reference."""
    if b"manager" not in body:
        return body
    document = _json(body)
    if not isinstance(document, dict):
        return body
    extension = next(
        (value for key, value in document.items() if key.lower() == ENTERPRISE.lower()), None
    )
    if isinstance(extension, dict) and "manager" in extension:
        extension["manager"] = _manager(extension["manager"])
    return json.dumps(document).encode()


def patch_fixed(body: bytes) -> bytes:
    """A PATCH body with the manager and the removals of members made standard."""
    document = _json(body)
    operations = document.get("Operations") if isinstance(document, dict) else None
    if not isinstance(operations, list):
        return body
    for operation in operations:
        if not isinstance(operation, dict):
            continue
        path, value = str(operation.get("path") or ""), operation.get("value")
        if path.lower() == MANAGER_PATH.lower():
            operation["value"] = _manager(value)
        elif not path and isinstance(value, dict):
            operation["value"] = json.loads(resource_fixed(json.dumps(value).encode()))
        elif str(operation.get("op", "")).lower() == "remove" and isinstance(value, list):
            operation["value"] = [
                {key: item for key, item in entry.items() if item is not None}
                if isinstance(entry, dict)
                else entry
                for entry in value
            ]
    return json.dumps(document).encode()


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _manager(value: Any) -> Any:
    if isinstance(value, str):
        value = {"value": value} if value else None
    if isinstance(value, dict) and isinstance(value.get("value"), str) and not value.get("$ref"):
        value = {**value, "$ref": f"Users/{value['value']}"}
    return value
