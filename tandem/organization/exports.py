"""``tandem export``: the organisation in the database as an OKR file (YAML) or its JSON twin."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, TextIO

from tandem.okrfile.dump import to_document, write_yaml
from tandem.organization.loading import organization_current


def organization_document_get() -> dict[str, Any]:
    return to_document(organization_current())


def organization_export(*, stream: TextIO, format: str) -> None:
    document = organization_document_get()
    if format == "json":
        json.dump(document, stream, indent=2, ensure_ascii=False, default=_iso)
        stream.write("\n")
    else:
        write_yaml(document, stream)


def _iso(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
