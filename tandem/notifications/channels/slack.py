"""Slack incoming webhooks: Block Kit with a plain-text ``text`` fallback (notifications and
screen readers use it), within Slack's limits: at most 50 blocks, a header's text 150
characters, a section's 3,000 (https://api.slack.com/reference/block-kit/blocks)."""

from __future__ import annotations

import json
from typing import Any

import requests

from tandem.notifications.channels import http
from tandem.notifications.channels.content import cut, lines_within
from tandem.notifications.channels.result import Result

MAX_BLOCKS = 50
HEADER_LIMIT = 150
SECTION_LIMIT = 3000
FALLBACK_LIMIT = 3000


def _escape(text: str) -> str:
    """Slack's mrkdwn reads &, < and > as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _linked(text: str, link: str) -> str:
    return f"<{link}|{_escape(text)}>" if link else _escape(text)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def render(data: dict[str, Any]) -> dict[str, Any]:
    """The webhook's body for one message."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": cut(data["title"], 150)}}
    ]
    lead = _escape(data["text"])
    if data["link"]:
        lead = f"{lead}\n<{data['link']}|Open in Tandem>".strip()
    if lead:
        blocks.append(_section(cut(lead, SECTION_LIMIT)))
    sections = data.get("sections", [])
    for index, section in enumerate(sections):
        if len(blocks) == MAX_BLOCKS - 1 and index < len(sections) - 1:
            rest = len(sections) - index
            blocks.append(_section(f"… and {rest} more sections"))
            break
        lines = [f"• {_linked(item['text'], item['link'])}" for item in section["items"]]
        heading = f"*{cut(_escape(section['heading']), 200)}*"
        body = lines_within(lines, SECTION_LIMIT - len(heading) - 1) if lines else ""
        blocks.append(_section(f"{heading}\n{body}".strip()))
    fallback = cut(f"{data['title']}: {data['text']}".rstrip(": "), FALLBACK_LIMIT)
    return {"text": fallback, "blocks": blocks}


def send(session: requests.Session, url: str, data: dict[str, Any]) -> Result:
    return http.post(session, url, json.dumps(render(data)).encode())
