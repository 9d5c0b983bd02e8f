"""Benchmark: a closed cycle's statistics (``tandem stats``, its page and its API).

    python benchmarks/cycle_stats.py             # 10,000 people; prints the table for docs
    python benchmarks/cycle_stats.py --smoke     # 100 people, temporary files; writes nothing

Two fresh processes for a generated organisation, as of 2026-11-15 (its 2026-Q3 has ended):

- **engine**: the file loaded, then the evaluation (the baseline every interface pays) and
  ``cycle_stats`` of 2026-Q3 on it, each the median of five runs;
- **database**: the file imported into a temporary SQLite database (2026-Q3 closed), then
  ``cycle_statistics_get`` for an admin: cold (the organisation's cache empty: read and
  evaluated first, as after a restart), with the view held but not the statistics (as after a
  grade), and with both held (as every later request), with the queries of the last; and the
  page ``/cycles/2026-Q3/statistics`` for a signed-in admin through Django's test client (all
  held, median of five).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from run import ROOT, SMOKE_PEOPLE, machine, organisation, smoke_failed, unwind_on_sigterm

from tandem.core.cycle_stats import cycle_stats
from tandem.core.engine import evaluate
from tandem.okrfile import load_path

AS_OF = "2026-11-15"
CYCLE = "2026-Q3"
RUNS = 5


def _median_time(action: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# --- inside the child processes ------------------------------------------------------------


def measure_engine(path: str) -> dict[str, float]:
    from datetime import date  # noqa: PLC0415

    org = load_path(path).organization
    day = date.fromisoformat(AS_OF)
    evaluation = evaluate(org, day)
    ended = [c for c, result in evaluation.cycles.items() if result.ended]
    graded = dict.fromkeys(org.cycles, evaluation)
    found = cycle_stats(org, graded, CYCLE, closed=ended)
    return {
        "objectives": found.company.objectives,
        "key_results": found.company.key_results,
        "teams": len(found.teams),
        "evaluate_s": _median_time(lambda: evaluate(org, day)),
        "stats_s": _median_time(lambda: cycle_stats(org, graded, CYCLE, closed=ended)),
    }


def measure_database(path: str) -> dict[str, float]:
    from datetime import date  # noqa: PLC0415

    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from tandem.core.visibility import Audience  # noqa: PLC0415
    from tandem.organization.cache import cache_clear  # noqa: PLC0415
    from tandem.organization.cycle_stats import _held as held  # noqa: PLC0415
    from tandem.organization.cycle_stats import cycle_statistics_get  # noqa: PLC0415
    from tandem.organization.imports import organization_import  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    day = date.fromisoformat(AS_OF)
    organization_import(org=load_path(path).organization, source="bench", today=day)
    admin = Audience(person=None, admin=True)

    def read() -> object:
        return cycle_statistics_get(audience=admin, cycle_id=CYCLE, as_of=day)

    cache_clear()
    with CaptureQueriesContext(connection) as cold_queries:
        started = time.perf_counter()
        read()
        cold = time.perf_counter() - started
    with CaptureQueriesContext(connection) as warm_queries:
        read()

    def computed() -> object:  # the view held, the statistics not (as after a grade)
        held.held.clear()
        return read()

    # Counted now: a request empties the connection's log, which the counts are read from.
    queries = {"cold_queries": len(cold_queries), "warm_queries": len(warm_queries)}
    client = _admin_client()
    page = f"/cycles/{CYCLE}/statistics"

    def get_page() -> object:
        response = client.get(page)
        assert response.status_code == 200, response.status_code
        return response

    get_page()  # the admin's session and view
    return {
        "cold_s": cold,
        "computed_s": _median_time(computed),
        "warm_s": _median_time(read),
        **queries,
        "page_s": _median_time(get_page),
        "page_kb": len(client.get(page).content) / 1024,
    }


def _admin_client() -> Any:
    """A signed-in admin (without a person: an operator's account) on the test client."""
    from django.contrib.auth.models import User  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    user = User.objects.create(username="bench-admin", is_staff=True, is_superuser=True)
    client = Client(SERVER_NAME="localhost")  # a host the settings allow
    client.force_login(user)
    return client


# --- the parent ------------------------------------------------------------------------------


def in_child(task: str, path: Path, env: dict[str, str]) -> dict[str, Any]:
    code = (
        "import json, sys; sys.path.insert(0, 'benchmarks'); "
        f"from cycle_stats import {task}; print(json.dumps({task}({str(path)!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def bench(people: int, data: Path) -> dict[str, Any]:
    path = organisation(people, data)
    engine = in_child("measure_engine", path, dict(os.environ))
    print(f"  engine: {engine}", flush=True)
    with tempfile.TemporaryDirectory(prefix="tandem-bench-stats-") as data_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
        env |= {"TANDEM_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "tandem.server.settings"}
        database = in_child("measure_database", path, env)
    print(f"  database: {database}", flush=True)
    return {"people": people, "engine": engine, "database": database}


def table(row: dict[str, Any]) -> str:
    engine, database = row["engine"], row["database"]
    return "\n".join(
        [
            "| people | objectives in 2026-Q3 | teams | evaluation | statistics (engine) "
            "| database: cold | view held | all held | queries | page (all held) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {row['people']:,} | {engine['objectives']:,.0f} | {engine['teams']:,.0f} "
            f"| {engine['evaluate_s']:.3f} s | {engine['stats_s']:.3f} s "
            f"| {database['cold_s']:.2f} s | {database['computed_s']:.3f} s "
            f"| {database['warm_s']:.3f} s "
            f"| {database['warm_queries']:.0f} "
            f"| {database['page_s']:.3f} s, {database['page_kb']:.0f} KB |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_PEOPLE} people; temporary")
    args = parser.parse_args()
    unwind_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="tandem-bench-smoke-") as temporary:
        people = SMOKE_PEOPLE if args.smoke else args.people
        data = Path(temporary) if args.smoke else ROOT / "benchmarks" / "data"
        print(f"{people:,} people", flush=True)
        row = bench(people, data)
    print(f"On {machine()}.\n\n{table(row)}")
    if args.smoke:
        smoke_failed([] if row["engine"]["objectives"] else ["no objective in 2026-Q3"])


if __name__ == "__main__":
    main()
