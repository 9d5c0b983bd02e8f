"""The mistakes a user can make, one exception type each, with what the edge should answer.

Services raise these; the CLI prints the message, the API answers a problem+json document
(RFC 9457) with ``status``, and the web pages show the message next to the form. ``field``
names the input at fault when there is one.
"""

from __future__ import annotations


class TandemError(Exception):
    """A request Tandem refuses; the message says what is wrong and how to fix it."""

    status = 400
    title = "Bad request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFoundError(TandemError):
    """An id that names nothing (or nothing the caller may see)."""

    status = 404
    title = "Not found"


class PermissionDeniedError(TandemError):
    """Something the caller may see but not change."""

    status = 403
    title = "Forbidden"


class ConflictError(TandemError):
    """A change the current state does not allow (a closed cycle, an alignment loop...)."""

    status = 409
    title = "Conflict"


class InvalidError(TandemError):
    """Input that breaks a rule of the data (a confidence of 11, a weight below 0...)."""

    status = 422
    title = "Invalid input"


class StaleVersionError(TandemError):
    """An update based on a version that has changed since (``If-Match``)."""

    status = 412
    title = "Precondition failed"


class TooManyRequestsError(TandemError):
    """Too many failures from one address (bad API tokens); ``retry_after`` is in seconds."""

    status = 429
    title = "Too many requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
