"""What the channel tests share: a request for help made and committed, and a message."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from tandem.dependencies.services import dependency_create
from tandem.notifications.services import Message

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def ask(committed: Capture, from_id: str = "SR-1.1", provider: str = "infra") -> str:
    """Ben asks ``provider`` for help for ``from_id``, committed (its events run); the id."""
    with committed():
        return dependency_create(
            from_id=from_id, provider_team_id=provider, need="a faster EU edge", by_id="ben"
        ).id


def sample_message(event_id: str = "test:1", category: str = "comment") -> Message:
    return Message(
        category=category,
        kind=f"{category}_added",
        object_kind="objective",
        object_id="SR-1",
        link="/objectives/SR-1",
        title="Ana commented on SR-1",
        text="Looks good",
        event_id=event_id,
    )
