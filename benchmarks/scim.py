"""SCIM provisioning: an identity provider creating 10k users one POST at a time.

    python benchmarks/scim.py                  # 10,000 users; a table for docs/performance.md
    python benchmarks/scim.py --sizes 1000     # fewer
    python benchmarks/scim.py --smoke          # 50 users; checks everything works, writes nothing

A fresh SQLite database (or the PostgreSQL server of TANDEM_DATABASE_URL, when set) in a
temporary TANDEM_DATA_DIR gets an admin with a SCIM token; ``tandem serve`` starts on a free
loopback port, and one client creates the users one after the other (``POST /scim/v2/Users``
with the body Entra ID sends: userName, name, a work e-mail, the enterprise extension, each
user's manager an earlier user), as an identity provider's first sync does. Each request's
time is measured by the client, from sending to having read the whole answer. Then the queries
a request costs are counted in-process (Django's test client on the same database) for a few
more users, at the final size.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TANDEM = str(Path(sys.executable).parent / "tandem")
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
SETUP = """
from django.contrib.auth.models import User
from tandem.access.tokens import token_create
from tandem.people.models import Person
user = User.objects.create(username="bench-admin", is_superuser=True, is_staff=True)
Person.objects.create(id="bench-admin", name="Bench Admin", user=user)
print(token_create(person_id="bench-admin", scope="scim", name="bench")[1])
"""
QUERY_SAMPLE = 50


def user_body(n: int, ids: list[str]) -> bytes:
    body: dict[str, object] = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "externalId": f"ext-{n}",
        "userName": f"user{n}@example.com",
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": f"user{n}@example.com"}],
        "name": {"givenName": "User", "familyName": str(n), "formatted": f"User {n}"},
    }
    if ids:
        body[ENTERPRISE] = {"manager": {"value": ids[(n - 1) // 10]}, "department": "Bench"}
    return json.dumps(body).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tandem(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [TANDEM, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"tandem {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


@contextmanager
def server(env: dict[str, str], log: Path) -> Iterator[int]:
    """``tandem serve`` on a free loopback port, stopped (its whole group) at the end."""
    port = free_port()
    command = [TANDEM, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.time() + 120
        while not _healthy(port):
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"tandem serve did not start; see {log}")
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def _healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def create_users(port: int, token: str, count: int) -> list[float]:
    """POST ``count`` users one at a time on one keep-alive connection; each one's seconds."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
    ids: list[str] = []
    times: list[float] = []
    for n in range(count):
        body = user_body(n, ids)
        started = time.perf_counter()
        connection.request("POST", "/scim/v2/Users", body, headers)
        response = connection.getresponse()
        answer = response.read()
        times.append(time.perf_counter() - started)
        if response.status != 201:
            raise RuntimeError(f"user {n}: {response.status} {answer[:500]!r}")
        ids.append(json.loads(answer)["id"])
    connection.close()
    return times


def count_queries(env: dict[str, str], start: int, count: int) -> float:
    """The mean number of queries of a user's creation, measured in a process of its own."""
    output = subprocess.run(
        [sys.executable, __file__, "--count-queries", str(start), str(count)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return float(output.strip().splitlines()[-1])


def _count_queries_here(start: int, count: int) -> None:
    from tandem.cli.database import django_setup  # noqa: PLC0415

    django_setup()
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from tandem.access.tokens import token_create  # noqa: PLC0415

    raw = token_create(person_id="bench-admin", scope="scim", name="bench queries")[1]
    client = Client(headers={"Authorization": f"Bearer {raw}"}, SERVER_NAME="localhost")
    counts = []
    for n in range(start, start + count):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/scim/v2/Users", user_body(n, []), content_type="application/scim+json"
            )
        assert response.status_code == 201, response.content
        counts.append(len(queries))
    print(statistics.mean(counts))


def run(size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-scim-") as folder:
        env = os.environ | {"TANDEM_DATA_DIR": folder, "TANDEM_DEBUG": "false"}
        tandem(env, "manage", "migrate", "--verbosity", "0")
        token = tandem(env, "manage", "shell", "-c", SETUP).strip().splitlines()[-1]
        with server(env, Path(folder) / "serve.log") as port:
            started = time.perf_counter()
            times = create_users(port, token, size)
            total = time.perf_counter() - started
        queries = count_queries(env, size, min(QUERY_SAMPLE, size))
    ordered = sorted(times)
    return {
        "users": size,
        "total_s": total,
        "mean_ms": 1000 * statistics.mean(times),
        "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))],
        "max_ms": 1000 * ordered[-1],
        "per_s": size / total,
        "queries": queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--smoke", action="store_true", help="50 users; writes nothing")
    parser.add_argument("--count-queries", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_queries:
        _count_queries_here(*args.count_queries)
        return
    backend = "PostgreSQL" if os.environ.get("TANDEM_DATABASE_URL") else "SQLite"
    print(f"| Users ({backend}) | Total | Per request: mean | p95 | max | Users/s | Queries |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in [50] if args.smoke else args.sizes:
        r = run(size)
        print(
            f"| {r['users']:,} | {r['total_s']:.1f} s | {r['mean_ms']:.1f} ms | "
            f"{r['p95_ms']:.1f} ms | {r['max_ms']:.1f} ms | {r['per_s']:.0f} | {r['queries']:.1f} |"
        )


if __name__ == "__main__":
    main()
