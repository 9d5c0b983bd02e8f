"""Comments are written by the demo's people (tests/personas.py): a helper for their
audiences, and the on-commit callbacks run as a commit would."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from tandem.access.policy import audience_get
from tandem.comments.services import Posted, comment_add
from tandem.comments.targets import Target
from tandem.core import model as m
from tandem.core.visibility import Audience

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def who(person_id: str, *, admin: bool = False) -> Audience:
    return audience_get(person_id=person_id, admin=admin)


@pytest.fixture
def committed(demo_in_db: m.Organization, django_capture_on_commit_callbacks: Capture) -> Capture:
    """Run the on-commit callbacks of a block as its commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def add(person_id: str, kind: str, target_id: str, text: str, **kw: Any) -> Posted:
    return comment_add(audience=who(person_id, **kw), target=Target(kind, target_id), text=text)
