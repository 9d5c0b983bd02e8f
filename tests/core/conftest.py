"""Every test of the engine is pure (no database, no server, no clock) and fast: marked
``fast``, so that ``pytest -m fast`` (``make test-fast``) runs them alone, in seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.fast)
