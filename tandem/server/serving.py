"""Serving the WSGI application with Granian, configured from ``tandem serve``'s options.

Granian's HTTP side is written in Rust, so a request costs the Python workers little beyond
Django's own work: half what gunicorn's threaded worker cost (docs/performance.md). Each
worker process runs ``threads`` Python threads; two keep a process busy while one waits on
the database, and more only make the threads of one process queue for the interpreter lock.
"""

from __future__ import annotations

import ipaddress
import signal
import socket
import threading
from types import FrameType

from granian import _signals
from granian._granian import WorkerSignal
from granian.constants import Interfaces
from granian.server import Server

# Threads beyond a worker's first end after this long without a request (Granian's longest),
# and their database connections with them.
IDLE_THREAD_SECONDS = 600


class ServeError(Exception):
    """The server cannot start; the message says why and what to do."""


def listen_address(host: str, port: int) -> str:
    """The IP address to listen on for ``host`` (an address or a name, such as
    ``localhost``), once sure that nothing listens on ``port`` there already.

    Granian's workers share the port (``SO_REUSEPORT``), so a second server would start on it
    without complaint and take half the requests: binding once without that option first
    says when the port is taken. The probe does set ``SO_REUSEADDR``, as Granian does: the
    connections of a server that just stopped (a crash, a restart under load) linger in
    TIME_WAIT for a minute, and would refuse the probe without it, though Granian itself could
    listen; a socket that listens on the port still refuses it.
    """
    try:
        ipaddress.ip_address(host)
        address = host
    except ValueError:
        try:
            address = str(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][4][0])
        except socket.gaierror as exc:
            raise ServeError(
                f"--host {host}: not an address this machine can resolve ({exc})"
            ) from None
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError as exc:
            raise ServeError(
                f"cannot listen on {host} port {port}: {exc.strerror}. Is Tandem (or something "
                "else) already running there? Stop it, or choose another --port."
            ) from None
    return address


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


def worker_stop_signals() -> WorkerSignal:
    """What a worker process stops on: SIGTERM, once; Ctrl-C is left to the main process.

    Granian's own version (``granian._signals.set_sync_signals``) has each worker stop on
    SIGINT and on SIGTERM. Ctrl-C in a terminal sends SIGINT to the whole process group,
    workers included, and the main process then sends each worker SIGTERM as well: with the
    two arriving together, the kernel hands them to a thread other than the worker's main
    thread (strace shows it), the main thread sleeps on in ``threading.Event.wait()`` (Python
    runs signal handlers there only), and Granian kills the worker after
    ``workers_kill_timeout`` ("Killing worker after it refused to gracefully stop", 10 s).
    A worker that ignores SIGINT gets only the main process's SIGTERM. Even alone, the kernel
    may hand it to another thread (1 stop in 30 still took 10 s): so SIGTERM is blocked here,
    before the worker starts its threads (they inherit the mask), and one thread takes it with
    ``sigwait`` whichever thread it was sent to. The handler stays for a thread started earlier.
    The event is set once: a second ``set()`` (systemd's SIGTERM, then the main process's)
    may block.
    """
    stop = WorkerSignal()
    once = threading.Lock()

    def stop_once() -> None:
        if once.acquire(blocking=False):
            stop.set()

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        stop_once()

    def take_sigterm() -> None:
        signal.sigwait({signal.SIGTERM})
        stop_once()

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, on_sigterm)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    threading.Thread(target=take_sigterm, name="tandem-worker-stop", daemon=True).start()
    return stop


def serve(*, address: str, port: int, workers: int, threads: int) -> None:
    """Serve on ``address`` (from :func:`listen_address`) until interrupted (Ctrl-C or
    SIGTERM stop the workers, then return)."""
    # Granian's WSGI worker looks the function up as it starts, and a forked worker (Granian
    # forks where Python does by default: Linux before 3.14) inherits the replacement; a
    # spawned one would stop as Granian's own does. test_serve.py times Ctrl-C.
    _signals.set_sync_signals = worker_stop_signals
    Server(
        "tandem.server.wsgi:application",
        address=address,
        port=port,
        interface=Interfaces.WSGI,
        websockets=False,  # none over WSGI: said outright, Granian logs no notice about it
        workers=workers,
        blocking_threads=threads,
        blocking_threads_idle_timeout=IDLE_THREAD_SECONDS,
        log_access=True,
        log_dictconfig=_LOG_STREAMS,
        # A worker that dies is started again (one that keeps dying stops the server).
        respawn_failed_workers=True,
        workers_kill_timeout=10,
    ).serve()
