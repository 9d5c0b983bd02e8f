"""`tandem serve --demo` as an admin starts it: a real Granian server on a free port."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def test_serve_demo_starts_loads_the_demo_serves_pages_and_stops_on_ctrl_c(tmp_path: Path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("TANDEM_")}
    # Its own SQLite database in a temporary data directory, whatever the suite runs on.
    env["TANDEM_DATA_DIR"] = str(tmp_path / "data")
    server = subprocess.Popen(
        [sys.executable, "-m", "tandem", "serve", "--demo", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                assert server.poll() is None, server.communicate()[0]
                assert time.monotonic() < deadline, "the server did not start within 60 s"
                time.sleep(0.2)
        assert (status, body) == (200, '{"status": "ok"}')
        # Signed out, the home page leads to the sign-in form.
        status, page = get(f"http://127.0.0.1:{port}/")
        assert status == 200
        assert "Sign in to Tandem" in page
        status, css = get(f"http://127.0.0.1:{port}/static/admin/css/base.css")
        assert status == 200
        assert "body" in css
        status, style = get(f"http://127.0.0.1:{port}/static/web/tandem.css")
        assert status == 200
        assert "font" in style
        status, login = get(f"http://127.0.0.1:{port}/admin/login/")
        assert "Tandem" in login
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert "Sign in at" in output
    assert "/login as ana with the password northwind-demo" in output
    # It names the database it serves: this SQLite file.
    assert f"(data: {tmp_path / 'data' / 'tandem.sqlite3'})" in output.replace("\n", "")
    database = sqlite3.connect(tmp_path / "data" / "tandem.sqlite3")
    # Write-ahead logging: readers are not blocked while someone checks in.
    assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    database.close()
