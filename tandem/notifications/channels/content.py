"""A message as the channels render it: plain JSON-able data stored on the delivery, with
absolute links (TANDEM_BASE_URL), and the truncation the channels' limits need."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from django.conf import settings

ELLIPSIS = "…"


class ItemLike(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def link(self) -> str: ...


class SectionLike(Protocol):
    @property
    def heading(self) -> str: ...
    @property
    def items(self) -> Sequence[ItemLike]: ...


class MessageLike(Protocol):
    """What the channels read of :class:`tandem.notifications.services.Message` (which
    imports this package's senders, so it is not imported here)."""

    @property
    def category(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def object_kind(self) -> str: ...
    @property
    def object_id(self) -> str: ...
    @property
    def link(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def event_id(self) -> str: ...
    @property
    def slot(self) -> str: ...
    @property
    def sections(self) -> Sequence[SectionLike]: ...


def absolute(link: str) -> str:
    """``link`` as a full address (a path is joined to TANDEM_BASE_URL)."""
    if not link or link.startswith(("http://", "https://")):
        return link
    return f"{settings.TANDEM_BASE_URL}/{link.lstrip('/')}"


def message_data(message: MessageLike) -> dict[str, Any]:
    """What a channel post says: title, text, link and sections, links absolute."""
    return {
        "category": message.category,
        "kind": message.kind,
        "object": {"kind": message.object_kind, "id": message.object_id},
        "title": message.title,
        "text": message.text,
        "link": absolute(message.link),
        "sections": [
            {
                "heading": section.heading,
                "items": [
                    {"text": item.text, "link": absolute(item.link)} for item in section.items
                ],
            }
            for section in message.sections
        ],
    }


def cut(text: str, limit: int) -> str:
    """``text`` at most ``limit`` characters, an ellipsis marking what was cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def lines_within(lines: list[str], limit: int, joiner: str = "\n") -> str:
    """As many whole ``lines`` as fit in ``limit`` characters, then "and N more"."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        rest = len(lines) - index
        tail = f"{joiner}… and {rest} more" if rest > 1 else ""
        candidate = joiner.join([*kept, cut(line, limit)])
        if len(candidate) + len(tail) > limit:
            more = f"… and {rest} more"
            return joiner.join([*kept, more]) if kept else cut(more, limit)
        kept.append(cut(line, limit))
    return joiner.join(kept)
