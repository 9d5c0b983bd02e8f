"""The real receivers of the channel tests (tests/notifications/sinks.py) and the worker
processes of tests/jobs (a database file of their own, or the committed test database on
PostgreSQL) as fixtures."""

from typing import Any

import pytest

from tandem.core import model as m
from tests.jobs.test_workers import (
    _database_for_workers,
    queue,
    queue_env,
    queue_name,
    start_worker,
)
from tests.notifications.channel_helpers import Capture
from tests.notifications.sinks import http_sink, smtp

__all__ = [
    "_database_for_workers",
    "http_sink",
    "queue",
    "queue_env",
    "queue_name",
    "smtp",
    "start_worker",
]


@pytest.fixture
def committed(demo_in_db: m.Organization, django_capture_on_commit_callbacks: Capture) -> Capture:
    """``with committed():`` runs the block's on-commit callbacks as its commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _one_connection(settings: Any) -> None:
    """Senders in the test's thread: other threads would not see its uncommitted data."""
    settings.TANDEM_DELIVERY_CONNECTIONS = 1
