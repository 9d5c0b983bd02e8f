"""Serving the WSGI application with gunicorn, configured from ``tandem serve``'s options."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Application(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from tandem.server.wsgi import application  # noqa: PLC0415

        return application


def serve(*, bind: str, workers: int) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM stop the workers, then return)."""
    _Application(
        {
            "bind": bind,
            "workers": workers,
            "worker_class": "gthread",
            "threads": 4,
            "accesslog": "-",
            "errorlog": "-",
            "graceful_timeout": 10,
            "proc_name": "tandem",
            "control_socket_disable": True,
        }
    ).run()
