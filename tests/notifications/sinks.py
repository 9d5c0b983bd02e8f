"""Real receivers for the channel tests: an SMTP server (aiosmtpd) and an HTTP server (the
standard library's, in a thread) that checks every Slack, Teams and webhook payload and
verifies webhook signatures. Nothing leaves the machine."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

CARD = "application/vnd.microsoft.card.adaptive"


@dataclass
class Mailbox:
    """What the SMTP server received, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)
    fail: bool = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.fail:
            return "451 try again later"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1 (a free port), Tandem's e-mail pointed at it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # not the tests' locmem
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.TANDEM_EMAIL_ENABLED = True
    settings.TANDEM_BASE_URL = "https://okr.example.com"
    yield mailbox
    controller.stop()


def check_slack(body: dict[str, Any]) -> None:
    """Slack's rules for an incoming webhook's Block Kit message."""
    assert isinstance(body["text"], str)
    assert body["text"]
    blocks = body["blocks"]
    assert 1 <= len(blocks) <= 50
    for block in blocks:
        assert block["type"] in {"header", "section", "context", "divider"}
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text"
            assert 1 <= len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert block["text"]["type"] == "mrkdwn"
            assert 1 <= len(block["text"]["text"]) <= 3000


def check_teams(body: dict[str, Any]) -> None:
    """The envelope a Teams Workflows webhook's "Post card" step reads, an Adaptive Card."""
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == CARD
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert tuple(int(p) for p in card["version"].split(".")) >= (1, 4)
    assert card["body"]
    assert all(b["type"] == "TextBlock" and b["text"] for b in card["body"])


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class HttpSink:
    """Received posts; ``answers`` (status, headers) are given in turn, then 200."""

    url: str
    received: list[Received] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)  # path -> webhook secret
    problems: list[str] = field(default_factory=list)
    # Called with each request before it is answered (a test may block in it).
    on_request: Callable[[Received], None] | None = None

    def check(self, path: str, headers: dict[str, str], raw: bytes) -> Received:
        body = json.loads(raw)
        seen = Received(path, headers, body)
        if path.startswith("/slack"):
            check_slack(body)
        elif path.startswith("/teams"):
            check_teams(body)
        elif path.startswith("/hook"):
            verify(self.secrets[path], headers, raw)
        return seen


def verify(secret: str, headers: dict[str, str], raw: bytes) -> None:
    """What a receiver does: the signature of "<timestamp>.<body>" with the shared secret."""
    timestamp = headers["X-Tandem-Timestamp"]
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256)
    assert hmac.compare_digest(headers["X-Tandem-Signature"], "sha256=" + expected.hexdigest())
    body = json.loads(raw)
    assert headers["X-Tandem-Event-Id"] == body["id"]
    assert headers["X-Tandem-Event"] == body["type"]


def _handler(sink: HttpSink) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                seen = sink.check(self.path, dict(self.headers.items()), raw)
            except (AssertionError, KeyError, ValueError) as exc:
                sink.problems.append(f"{self.path}: {exc!r}")
                self._answer(400, {})
                return
            if sink.on_request is not None:
                sink.on_request(seen)
            status, headers = sink.answers.pop(0) if sink.answers else (200, {})
            if status == 200:
                sink.received.append(seen)
            self._answer(status, headers)

        def _answer(self, status: int, headers: dict[str, str]) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender is gone (a test killed it mid-send)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def http_sink(settings: Any) -> Iterator[HttpSink]:
    """An HTTP server on 127.0.0.1 taking Slack, Teams and webhook posts."""
    settings.TANDEM_CHANNEL_ANY_URL = True
    settings.TANDEM_BASE_URL = "https://okr.example.com"
    sink = HttpSink(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(sink))
    sink.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield sink
    server.shutdown()
    server.server_close()
    assert sink.problems == []
