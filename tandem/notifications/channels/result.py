"""What one send did, as the delivery log records it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Result:
    """``ok``, or the error in words (never a URL or a secret), and how long the receiver
    asked us to wait (``Retry-After`` on 429 or 503) before trying again."""

    ok: bool
    error: str = ""
    retry_after: float | None = None
    # The receiver said no for good (e.g. 404: the webhook was deleted): retrying will not help.
    permanent: bool = False


SENT = Result(ok=True)
