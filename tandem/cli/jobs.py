"""``tandem worker``: runs queued and periodic jobs apart from the app servers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from rich.console import Console

from tandem.cli import app
from tandem.cli.database import database_label, django_setup


@app.command()
def worker() -> None:
    """Run background jobs (and the periodic jobs' scheduler) until stopped: as many as wanted,
    on any machine that reaches the database (or TANDEM_QUEUE's Redis)."""
    # Stopped while it starts (a service manager's stop, a busy machine): a clean exit, not a
    # death by signal; once the cluster runs, its own handler stops it as gracefully.
    signal.signal(signal.SIGTERM, _stopped_while_starting)
    django_setup(migrate=True)
    from django.conf import settings  # noqa: PLC0415

    from tandem.jobs.worker import work  # noqa: PLC0415

    queue = "the database" if "orm" in settings.Q_CLUSTER else "Redis"
    Console(stderr=True).print(
        f"Tandem worker: jobs queued in {queue} (data: {database_label()}). Ctrl-C stops it.",
        markup=False,
    )
    work()


def _stopped_while_starting(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def embedded_worker() -> subprocess.Popen[bytes] | None:
    """``tandem worker`` started beside ``tandem serve`` (unless TANDEM_QUEUE_EMBEDDED=false)."""
    from django.conf import settings  # noqa: PLC0415

    if not settings.TANDEM_QUEUE_EMBEDDED:
        return None
    # Its own session: Ctrl-C in the terminal reaches the server, which stops the worker.
    return subprocess.Popen(
        [sys.executable, "-m", "tandem", "worker"], env=os.environ.copy(), start_new_session=True
    )


def embedded_worker_stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        # The worker and its processes (its own group): a job cut short is queued again.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
