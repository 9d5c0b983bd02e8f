"""Stable Tandem ids derived from a source's ids, names and e-mails."""

from __future__ import annotations

import hashlib
import re

_NOT_ID = re.compile(r"[^A-Za-z0-9._-]+")
ID_MAX = 100


def slug(text: str, *, prefix: str = "") -> str:
    """An id from any text: the same text gives the same id on every import."""
    cleaned = _NOT_ID.sub("-", text.strip()).strip("-.") or "x"
    value = f"{prefix}{cleaned}"
    if len(value) > ID_MAX:
        digest = hashlib.sha1(value.encode()).hexdigest()[:10]  # noqa: S324 - an id, not security
        value = f"{value[: ID_MAX - 11]}-{digest}"
    return value


def digest_id(prefix: str, *parts: str) -> str:
    """An id for a row without one, from what identifies it (stable across re-imports)."""
    digest = hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:12]  # noqa: S324
    return f"{prefix}{digest}"


def person_id_for_email(email: str) -> str:
    return slug(email.lower().replace("@", "_at_"))
