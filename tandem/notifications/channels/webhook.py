"""Outbound webhooks: a JSON event, signed.

Headers: ``X-Tandem-Event`` (its type), ``X-Tandem-Event-Id`` (the same on every retry: a
receiver that has it already ignores it), ``X-Tandem-Timestamp`` (Unix seconds of this
attempt) and ``X-Tandem-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`` with
the webhook's secret (docs/notifications.md has a verification snippet).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import requests

from tandem.notifications.channels import http
from tandem.notifications.channels.result import Result


def signature(secret: str, timestamp: str, body: bytes) -> str:
    signed = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def body_of(event: dict[str, Any]) -> bytes:
    return json.dumps(event, separators=(",", ":"), sort_keys=True).encode()


def send(session: requests.Session, url: str, secret: str, event: dict[str, Any]) -> Result:
    body = body_of(event)
    timestamp = str(int(time.time()))
    headers = {
        "X-Tandem-Event": str(event["type"]),
        "X-Tandem-Event-Id": str(event["id"]),
        "X-Tandem-Timestamp": timestamp,
        "X-Tandem-Signature": signature(secret, timestamp, body),
    }
    return http.post(session, url, body, headers)
