"""Browser tests: Playwright for Python driving the Chromium of Debian's ``chromium`` package
against ``tandem serve --demo`` on loopback.

Playwright never downloads a browser here: it is given Debian's executable (``/usr/bin/chromium``,
or ``TANDEM_CHROMIUM``). Without it the tests are skipped on a developer's machine and FAIL under
``CI=true`` (install it with ``apt-get install chromium``).

One server per test session, in a temporary data directory on SQLite, pretending today is the
demo's 2026-11-21 (``TANDEM_TODAY``) so that what the pages show does not depend on the clock.
The tests share it, so each changes different objects of the demo.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
TODAY = "2026-11-21"


def chromium_path() -> str | None:
    given = os.environ.get("TANDEM_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # All browser tests run on one xdist worker (``--dist loadgroup``): one server, one browser.
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def demo_server(
    data: Path,
    *,
    port: int | None = None,
    env_extra: dict[str, str] | None = None,
    demo: bool = True,
) -> Iterator[str]:
    """``tandem serve --demo`` in ``data`` on a (free) loopback port; yields its base URL.
    ``demo=False``: plain ``tandem serve``, on whatever ``data`` holds (nothing, at first)."""
    port = port or _free_port()
    env = {k: v for k, v in os.environ.items() if k != "TANDEM_DATABASE_URL"}
    env |= {"TANDEM_DATA_DIR": str(data), "TANDEM_TODAY": TODAY, "TANDEM_LOG_LEVEL": "WARNING"}
    # The pages need no background job: no worker beside the server (tests/jobs runs them).
    env |= {"TANDEM_QUEUE_EMBEDDED": "false"} | (env_extra or {})
    demo_flag = ["--demo"] if demo else []
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tandem",
            "serve",
            *demo_flag,
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5):
                    break
            except OSError as exc:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"tandem serve stopped:\n{process.communicate()[0]}"
                    ) from exc
                if time.monotonic() > deadline:
                    raise RuntimeError("tandem serve did not answer within 90 s") from exc
                time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def launch_chromium(playwright: Any, executable: str) -> Any:
    # Debian's chromium refuses its sandbox as root (CI machines run as root).
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    return playwright.chromium.launch(
        executable_path=executable, args=["--no-sandbox"] if as_root else []
    )


@pytest.fixture(scope="session")
def server_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data folder of the session's server."""
    return tmp_path_factory.mktemp("browser-data")


@pytest.fixture(scope="session")
def server(server_data: Path) -> Iterator[str]:
    """The base URL of ``tandem serve --demo`` with a fresh demo organisation."""
    with demo_server(server_data) as base:
        yield base


def run_import_jobs(data: Path) -> None:
    """Run the import jobs queued on the server in ``data`` (its worker's part, done here:
    the server runs no worker, whose periodic jobs would change what other tests see)."""
    env = {k: v for k, v in os.environ.items() if k != "TANDEM_DATABASE_URL"}
    env |= {"TANDEM_DATA_DIR": str(data), "TANDEM_TODAY": TODAY, "TANDEM_LOG_LEVEL": "WARNING"}
    code = "from tests.import_page import run_import_jobs; run_import_jobs()"
    command = [sys.executable, "-m", "tandem", "manage", "shell", "-c", code]
    subprocess.run(command, env=env, check=True, capture_output=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        message = (
            "Debian's chromium is not installed (apt-get install chromium), or TANDEM_CHROMIUM "
            "does not name a browser"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run under CI: {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        launched = launch_chromium(playwright, executable)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Any, server: str) -> Iterator[Any]:
    """``new_page(width=1280)``: a page of a fresh browser context (no cookies) on the server."""
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(
            base_url=server, viewport={"width": width, "height": height}, locale="en-GB"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


# tandem.organization.demo.DEMO_PASSWORD (test_sign_in checks they agree); not imported, as
# the screenshots script uses this module without Django set up.
DEMO_PASSWORD = "northwind-demo"


def sign_in(page: Any, person: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form (every demo person has the demo password)."""
    page.goto("/login")
    page.get_by_label("Your id or e-mail").fill(person)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def axe_violations(page: Any, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[Any]:
    """axe-core's accessibility violations of the page as it is now, of the given impacts."""
    # Evaluated, not added as an inline <script>: the pages' Content Security Policy would
    # refuse that (what the browser's automation evaluates, it does not).
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
