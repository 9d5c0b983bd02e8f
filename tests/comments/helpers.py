"""Comments are written by the demo's people (tests/personas.py): their audiences, and a
comment written as one of them."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from tandem.access.policy import audience_get
from tandem.comments.services import Posted, comment_add
from tandem.comments.targets import Target
from tandem.core.visibility import Audience

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def who(person_id: str, *, admin: bool = False) -> Audience:
    return audience_get(person_id=person_id, admin=admin)


def add(person_id: str, kind: str, target_id: str, text: str, **kw: Any) -> Posted:
    return comment_add(audience=who(person_id, **kw), target=Target(kind, target_id), text=text)
