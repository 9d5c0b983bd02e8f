"""Jobs the tests queue; the worker processes import this module when they run one."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tandem.jobs.registry import job

SLOW = "test-slow"
FLAKY = "test-flaky"
COUNTED = "test-counted"

# What the in-process tests observe.
calls: list[str] = []


@job(SLOW, retries=0)
def slow(key: str) -> None:
    """Writes ``start`` to the file named by the key, sleeps, then writes ``end``: a worker
    killed while it sleeps leaves a start without an end."""
    path = Path(key)
    with path.open("a") as out:
        out.write(f"start {os.getpid()}\n")
    time.sleep(float(os.environ.get("TANDEM_TEST_SLOW_SECONDS", "2")))
    with path.open("a") as out:
        out.write("end\n")


@job(FLAKY, retries=2, backoff=5.0)
def flaky(key: str) -> None:
    calls.append(key)
    raise RuntimeError("the channel is down")


@job(COUNTED)
def counted(key: str) -> None:
    calls.append(key)


APART = "test-apart"


@job(APART, retries=1, atomic=False)
def apart(key: str) -> None:
    """Writes a row, then fails when the key says so: a job that is not atomic keeps what it
    wrote before failing (it makes its own transactions, as the delivery senders do)."""
    from tandem.jobs.models import JobRun  # noqa: PLC0415

    calls.append(key)
    JobRun.objects.create(job="written by", key=key)
    if key.startswith("fail"):
        raise RuntimeError("the receiver is down")
