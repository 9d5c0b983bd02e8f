"""`tandem serve` runs a worker beside itself (the embedded default) and stops it with itself."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.test import override_settings

from tandem.cli.jobs import embedded_worker
from tests.server.test_serve import free_port


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(each) for each in (task / "children").read_text().split()]
    return found


def _finished_heartbeats(database: Path) -> int:
    try:
        with sqlite3.connect(database) as db:
            query = (
                "select count(*) from jobs_jobrun where job = 'heartbeat' and finished is not null"
            )
            return int(db.execute(query).fetchone()[0])
    except sqlite3.OperationalError:  # not made yet
        return 0


def test_serve_runs_the_jobs_and_stops_its_worker(tmp_path: Path) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("TANDEM_")}
    env |= {
        "TANDEM_DATA_DIR": str(tmp_path / "data"),
        "TANDEM_QUEUE_WORKERS": "1",
        "TANDEM_QUEUE_TICK_SECONDS": "0.2",
        "TANDEM_QUEUE_HEARTBEAT_SECONDS": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "tandem", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while _finished_heartbeats(tmp_path / "data" / "tandem.sqlite3") < 1:
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, "no heartbeat ran within 60 s"
            time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert response.status == 200
        workers = [
            pid
            for pid in _children(server.pid)
            if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        ]
        assert len(workers) == 1
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output
    with pytest.raises(ProcessLookupError):
        os.kill(workers[0], 0)


@override_settings(TANDEM_QUEUE_EMBEDDED=False)
def test_serve_runs_no_worker_when_workers_run_apart() -> None:
    assert embedded_worker() is None
