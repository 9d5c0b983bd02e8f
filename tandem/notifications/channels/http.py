"""Posting JSON with ``requests``, with a timeout, reading 429/503 ``Retry-After``, and
errors told without the URL (a Slack or Teams URL is a secret: whoever has it may post)."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import requests
from django.conf import settings
from django.utils import timezone

from tandem.notifications.channels.result import SENT, Result

# Answers that say the same request will never work.
PERMANENT = frozenset({400, 401, 403, 404, 410, 413})
# Retry-After is honoured up to this (a receiver asking for a day is capped at an hour).
MAX_WAIT = 3600.0


def session() -> requests.Session:
    """One session per batch: its connections are kept alive from one post to the next."""
    made = requests.Session()
    made.headers["User-Agent"] = "Tandem"
    return made


def post(
    http: requests.Session, url: str, body: bytes, headers: dict[str, str] | None = None
) -> Result:
    """POST ``body`` (JSON) to ``url``; 2xx is sent."""
    try:
        answer = http.post(
            url,
            data=body,
            headers={"Content-Type": "application/json", **(headers or {})},
            timeout=settings.TANDEM_DELIVERY_TIMEOUT,
            allow_redirects=False,
        )
    except requests.Timeout:
        return Result(ok=False, error="no answer in time (timed out)")
    except requests.RequestException as exc:  # its text names the URL: not logged
        return Result(ok=False, error=f"could not connect ({type(exc).__name__})")
    if 200 <= answer.status_code < 300:
        return SENT
    return _refused(answer)


def _refused(answer: requests.Response) -> Result:
    status = answer.status_code
    words = answer.text[:200].strip().replace("\n", " ")
    error = f"HTTP {status}" + (f": {words}" if words else "")
    wait = None
    if status in (429, 503):
        wait = retry_after(answer.headers.get("Retry-After"))
    return Result(ok=False, error=error, retry_after=wait, permanent=status in PERMANENT)


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_WAIT)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max((when - timezone.now()).total_seconds(), 0.0), MAX_WAIT)
