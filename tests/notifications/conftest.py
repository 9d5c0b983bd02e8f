"""The real receivers of the channel tests (tests/notifications/sinks.py) and the worker
processes of tests/jobs (a database file of their own, or the committed test database on
PostgreSQL) as fixtures."""

from tests.jobs.test_workers import (
    _database_for_workers,
    queue,
    queue_env,
    queue_name,
    start_worker,
)
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
