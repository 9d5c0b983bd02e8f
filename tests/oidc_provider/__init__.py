"""A real OpenID provider for the single sign-on tests: node-oidc-provider (provider.mjs here),
started on 127.0.0.1 with the accounts a test gives.

Its packages come from package-lock.json (``npm ci``, run here when node_modules is missing).
Without Node.js the tests are skipped on a developer's machine and FAIL under ``CI=true``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CLIENT_ID = "tandem"
CLIENT_SECRET = "tandem-test-secret"


def tandem_sso_env(issuer: str, provider_name: str, **extra: str) -> dict[str, str]:
    """The environment of a ``tandem serve`` signing in through the test provider at
    ``issuer`` (groups read, ``okr-admins`` made admins, password sign-in off), with
    ``extra`` settings (``TANDEM_``-prefixed names)."""
    return {
        "TANDEM_OIDC_ISSUER": issuer,
        "TANDEM_OIDC_CLIENT_ID": CLIENT_ID,
        "TANDEM_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "TANDEM_OIDC_SCOPES": "openid email profile groups",
        "TANDEM_OIDC_GROUPS_CLAIM": "groups",
        "TANDEM_OIDC_ADMIN_GROUPS": "okr-admins",
        "TANDEM_OIDC_PROVIDER_NAME": provider_name,
        "TANDEM_PASSWORD_SIGN_IN": "false",
        **extra,
    }


# The provider's accounts, by login name: ana's e-mail in another letter case than Tandem's.
ACCOUNTS = {
    "ana": {
        "email": "Ana@Northwind.TEST",
        "email_verified": True,
        "name": "Ana Lima",
        "groups": ["okr-admins", "mobile-team"],
    },
    "ben": {"email": "ben@northwind.test", "email_verified": True, "groups": []},
    "newcomer": {
        "email": "newcomer@northwind.test",
        "email_verified": True,
        "name": "Nia Newcomer",
        "groups": ["mobile-team"],
    },
    "outsider": {"email": "eve@elsewhere.test", "email_verified": True, "groups": []},
    "unverified": {"email": "dan@northwind.test", "email_verified": False, "groups": []},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the OpenID provider cannot start under CI: {message}")
    pytest.skip(message)


def node_ready() -> str:
    """The node executable, with the provider's packages installed from the lock."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _unavailable("Node.js and npm are not installed (the test OpenID provider needs them)")
    assert node is not None
    assert npm is not None
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"npm ci in {HERE} failed:\n{done.stdout}\n{done.stderr}")
    return node


@contextmanager
def oidc_provider(
    port: int, tandem_base: str, accounts: dict[str, dict[str, object]] | None = None
) -> Iterator[str]:
    """The provider on ``port``, its client redirecting to Tandem at ``tandem_base``, with
    ``accounts`` (by login name; default :data:`ACCOUNTS`); yields its issuer URL."""
    node = node_ready()
    env = os.environ | {
        "PORT": str(port),
        "REDIRECT_URI": f"{tandem_base}/sso/callback",
        "POST_LOGOUT_URI": f"{tandem_base}/login",
        "ACCOUNTS": json.dumps(ACCOUNTS if accounts is None else accounts),
    }
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - its errors, shown if it fails
    process = subprocess.Popen(
        [node, str(HERE / "provider.mjs")],
        cwd=HERE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("ready"):
            process.kill()
            process.wait()
            log.seek(0)
            pytest.fail(f"the OpenID provider did not start:\n{line}{log.read()}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.communicate(timeout=30)
        log.close()


def provider_mode(issuer: str, mode: str) -> None:
    """How the provider's token endpoint alters the next ID tokens (provider.mjs)."""
    with urllib.request.urlopen(f"{issuer}/__test/mode?set={mode}", timeout=10) as answer:
        assert json.load(answer)["mode"] == mode
