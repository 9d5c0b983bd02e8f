"""``ETag`` / ``If-Match``: updates say which version they were based on, so none is lost."""

from __future__ import annotations

import re

from django.http import HttpRequest

from tandem.errors import TandemError


class PreconditionRequiredError(TandemError):
    status = 428
    title = "Precondition required"


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
    found = re.fullmatch(r'\s*(?:W/)?"?(\d+)"?\s*', header)
    if found is None:
        raise PreconditionRequiredError(f'If-Match must be an ETag such as "3" (got {header!r})')
    return int(found.group(1))
