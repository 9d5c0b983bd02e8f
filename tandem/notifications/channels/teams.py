"""Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received"):
an Adaptive Card (1.4) in the message envelope the workflow's "Post card" step reads. The
Office 365 connectors (MessageCard) are retired."""

from __future__ import annotations

import json
from typing import Any

import requests

from tandem.notifications.channels import http
from tandem.notifications.channels.content import cut, lines_within
from tandem.notifications.channels.result import Result

CARD = "application/vnd.microsoft.card.adaptive"
# Teams refuses cards over about 28 KB: each block of text is kept well under.
BLOCK_LIMIT = 3000
# The sections' text in all, leaving room for the title, the text and the JSON around them.
CARD_BUDGET = 15_000


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def card(data: dict[str, Any]) -> dict[str, Any]:
    body = [_text(cut(data["title"], 300), size="Large", weight="Bolder")]
    if data["text"]:
        body.append(_text(cut(data["text"], BLOCK_LIMIT)))
    sections = data.get("sections", [])
    budget = CARD_BUDGET
    for index, section in enumerate(sections):
        blocks = _section_blocks(section)
        size = sum(len(block["text"]) for block in blocks)
        if size > budget:
            body.append(_text(f"… and {len(sections) - index} more sections", isSubtle=True))
            break
        body.extend(blocks)
        budget -= size
    made: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.4",
        "body": body,
    }
    if data["link"]:
        made["actions"] = [
            {"type": "Action.OpenUrl", "title": "Open in Tandem", "url": data["link"]}
        ]
    return made


def _section_blocks(section: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = [_text(cut(section["heading"], 200), weight="Bolder", spacing="Medium")]
    lines = [
        f"- [{item['text']}]({item['link']})" if item["link"] else f"- {item['text']}"
        for item in section["items"]
    ]
    if lines:
        blocks.append(_text(lines_within(lines, BLOCK_LIMIT)))
    return blocks


def render(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "message",
        "attachments": [{"contentType": CARD, "contentUrl": None, "content": card(data)}],
    }


def send(session: requests.Session, url: str, data: dict[str, Any]) -> Result:
    return http.post(session, url, json.dumps(render(data)).encode())
