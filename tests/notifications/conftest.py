"""The real receivers of the channel tests (tests/notifications/sinks.py) as fixtures."""

from tests.notifications.sinks import http_sink, smtp

__all__ = ["http_sink", "smtp"]
