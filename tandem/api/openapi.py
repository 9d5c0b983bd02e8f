"""What the OpenAPI document says about a write beyond its handler's signature: the
``If-Match`` header it reads (:func:`tandem.api.versions.if_match`) and the ``428`` it answers
when that header is missing or is not an ETag. Handlers pass :func:`if_match_declared` as
their route's ``openapi_extra``; ninja adds it to the operation.
"""

from __future__ import annotations

from typing import Any


def if_match_declared(*, required: bool) -> dict[str, Any]:
    """The ``If-Match`` parameter and the ``428`` answer of one write (a new dict each time:
    ninja keeps what it is given in the document)."""
    if required:
        header = (
            'The `ETag` of your last read (`"3"`): the change is made only if no one changed '
            "the resource since (else 412). `*` overwrites whatever changed since. Without it "
            "the answer is 428."
        )
        refused = "`If-Match` is missing, or is not an ETag"
    else:
        header = (
            'Optional: the `ETag` of your last read (`"3"`) makes the write conditional: it '
            "is made only if no one changed the resource since (else 412)."
        )
        refused = "`If-Match` is not an ETag"
    return {
        "parameters": [
            {
                "in": "header",
                "name": "If-Match",
                "required": required,
                "description": header,
                "schema": {"type": "string"},
                "example": '"1"',
            }
        ],
        "responses": {428: {"description": f"Precondition Required: {refused}"}},
    }
