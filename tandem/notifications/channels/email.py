"""E-mail through Django's e-mail backends (SMTP with TANDEM_EMAIL_*): a text and an HTML
part from templates, absolute links, and a one-click unsubscribe per category
(``List-Unsubscribe`` and ``List-Unsubscribe-Post``, RFC 8058)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

from tandem.notifications.channels.content import absolute
from tandem.notifications.channels.result import SENT, Result


@dataclass(frozen=True, slots=True)
class Email:
    """One e-mail to write: its delivery (for a stable Message-ID), where, and what."""

    delivery_id: int
    address: str
    category_label: str
    title: str
    text: str
    link: str
    sections: list[dict[str, Any]]
    unsubscribe_url: str


def _context(email: Email) -> dict[str, Any]:
    sections = [
        {
            "heading": section["heading"],
            "items": [
                {"text": item["text"], "link": absolute(item["link"])} for item in section["items"]
            ],
        }
        for section in email.sections
    ]
    return {
        "title": email.title,
        "text": email.text,
        "link": absolute(email.link),
        "sections": sections,
        "category": email.category_label,
        "unsubscribe_url": email.unsubscribe_url,
        "base_url": settings.TANDEM_BASE_URL,
    }


def build(email: Email) -> EmailMultiAlternatives:
    context = _context(email)
    host = urlsplit(settings.TANDEM_BASE_URL).hostname or "tandem"
    made = EmailMultiAlternatives(
        subject=email.title.replace("\n", " ")[:200],
        body=render_to_string("notifications/email/message.txt", context),
        to=[email.address],
        headers={
            "List-Unsubscribe": f"<{email.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": f"<delivery-{email.delivery_id}@{host}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    made.attach_alternative(
        render_to_string("notifications/email/message.html", context), "text/html"
    )
    return made


def send_all(
    emails: Sequence[Email],
    record: Callable[[int, Result], None],
    in_time: Callable[[], bool] = lambda: True,
) -> None:
    """Send ``emails`` over one SMTP connection, in order, while ``in_time()``; each
    outcome is given to ``record`` (with the e-mail's index) as soon as it is known."""
    if not emails:
        return
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except Exception as exc:
        failed = Result(ok=False, error=f"SMTP: {type(exc).__name__}: {exc}"[:500])
        for index in range(len(emails)):
            record(index, failed)
        return
    try:
        for index, email in enumerate(emails):
            if not in_time():
                break
            record(index, _send_one(connection, email))
    finally:
        # The messages are sent: a bad goodbye is not a failure.
        with contextlib.suppress(Exception):
            connection.close()


def _send_one(connection: Any, email: Email) -> Result:
    try:
        sent = connection.send_messages([build(email)])
    except Exception as exc:
        return Result(ok=False, error=f"SMTP: {type(exc).__name__}: {exc}"[:500])
    return SENT if sent else Result(ok=False, error="SMTP: the server took nothing")
