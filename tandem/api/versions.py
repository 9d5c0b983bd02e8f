"""``ETag`` / ``If-Match``: updates say which version they were based on, so none is lost."""

from __future__ import annotations

import re

from django.db import connection, models
from django.http import HttpRequest

from tandem.errors import TandemError


class PreconditionRequiredError(TandemError):
    status = 428
    title = "Precondition required"


# Versions are positive 32-bit numbers (PositiveIntegerField) that start at 1. A longer one
# (Python refuses to read one of more than 4,300 digits) names no version that can exist: it
# is read as 0, which never matches either, so the write is refused with 412 and the current
# state, as for any version that is not the current one.
VERSION_DIGITS = 10
NO_SUCH_VERSION = 0


def etag(version: int) -> str:
    return f'"{version}"'


def if_match(request: HttpRequest, *, required: bool) -> int | None:
    """The version named by ``If-Match`` (``"3"``, ``W/"3"``); None for ``*`` or no header.

    ``*`` says "whatever the version": the caller accepts overwriting changes made since.
    """
    header = request.headers.get("If-Match")
    if header is not None and header.strip() == "*":
        return None
    if header is None:
        if required:
            raise PreconditionRequiredError(
                'send the version you based this change on as `If-Match: "N"` (the `ETag` '
                "of your last GET), so that no one else's change is overwritten"
            )
        return None
    found = re.fullmatch(r'\s*(?:W/)?"?([0-9]+)"?\s*', header, flags=re.ASCII)
    if found is None:
        shown = header if len(header) <= 40 else f"{header[:40]}..."
        raise PreconditionRequiredError(f'If-Match must be an ETag such as "3" (got {shown!r})')
    digits = found.group(1).lstrip("0")
    return int(digits) if 0 < len(digits) <= VERSION_DIGITS else NO_SUCH_VERSION


def version_of(model: type[models.Model], object_id: str) -> int | None:
    """The stored version of one objective or key result (None when there is none).

    Plain SQL: object reads ask on every request, and compiling the ORM's query (ordered by
    the model's ordering, with a join for a key result's) cost more than running it.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {table} WHERE id = %s", [object_id])  # noqa: S608
        row = cursor.fetchone()
    return None if row is None else int(row[0])
