"""Channel URLs and webhook signing secrets, encrypted at rest (Fernet: AES-128-CBC with an
HMAC-SHA256, from ``cryptography``) and shown back only masked.

The keys come from ``TANDEM_CHANNEL_KEYS`` (comma-separated, newest first; any text: each
is stretched to a Fernet key with SHA-256) or, unset, from Django's SECRET_KEY. Rotation:
put the new key first and the old one after it; values encrypt with the first and decrypt
with any (:class:`cryptography.fernet.MultiFernet`); :func:`channels_reencrypt` (from
``tandem manage shell``) moves them all to the new key, after which the old one can go.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadableError(Exception):
    """A stored value none of the keys decrypts (the key that encrypted it was removed)."""


def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "TANDEM_CHANNEL_KEYS", []) or [settings.SECRET_KEY])
    return MultiFernet(
        [Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest())) for key in keys]
    )


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadableError(
            "a channel's URL or secret cannot be decrypted: was TANDEM_CHANNEL_KEYS or "
            "TANDEM_SECRET_KEY changed without keeping the old key?"
        ) from None


def reencrypt(token: str) -> str:
    """``token`` encrypted again with the newest key."""
    return _fernet().rotate(token.encode()).decode() if token else ""


def mask_url(url: str) -> str:
    """What a page may show of a URL: its scheme and host, and its last four characters,
    e.g. ``https://hooks.slack.com/…/XXXX``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/…/{url[-4:]}"


def channels_reencrypt() -> int:
    """Encrypt every channel's URL and secret again with the newest key; how many."""
    from django.db import transaction  # noqa: PLC0415

    from tandem.notifications.models import Channel  # noqa: PLC0415

    with transaction.atomic():
        channels = list(Channel.objects.select_for_update())
        for channel in channels:
            channel.url_encrypted = reencrypt(channel.url_encrypted)
            channel.secret_encrypted = reencrypt(channel.secret_encrypted)
        Channel.objects.bulk_update(channels, ["url_encrypted", "secret_encrypted"])
    return len(channels)
