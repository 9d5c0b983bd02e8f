"""The on-commit callbacks of a block, run as its commit would."""

from __future__ import annotations

import pytest

from tandem.core import model as m
from tests.comments.helpers import Capture


@pytest.fixture
def committed(demo_in_db: m.Organization, django_capture_on_commit_callbacks: Capture) -> Capture:
    """Run the on-commit callbacks of a block as its commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
