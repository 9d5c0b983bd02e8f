"""Serving the WSGI application with Granian, configured from ``tandem serve``'s options.

Granian's HTTP side is written in Rust, so a request costs the Python workers little beyond
Django's own work: half what gunicorn's threaded worker cost (docs/performance.md). Each
worker process runs ``threads`` Python threads; two keep a process busy while one waits on
the database, and more only make the threads of one process queue for the interpreter lock.
"""

from __future__ import annotations

from granian.constants import Interfaces
from granian.server import Server

# The access log on standard output, the server's own messages on standard error (as
# Django's): under systemd both reach the journal, and a pipe of the access log stays clean.
_LOG_STREAMS = {
    "handlers": {
        "console": {
            "formatter": "generic",
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
        },
        "access": {
            "formatter": "access",
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
        },
    }
}


def serve(*, host: str, port: int, workers: int, threads: int) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM stop the workers, then return)."""
    Server(
        "tandem.server.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        log_access=True,
        log_dictconfig=_LOG_STREAMS,
        # A worker that dies is started again (one that keeps dying stops the server).
        respawn_failed_workers=True,
        workers_kill_timeout=10,
    ).serve()
