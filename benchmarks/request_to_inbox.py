"""Alerts: the time from a request for help to the provider's inbox, and the daily alerts at
10k people.

    python benchmarks/request_to_inbox.py             # 10k people, 200 requests
    python benchmarks/request_to_inbox.py --smoke     # 100 people, 20 requests; writes nothing

The generated organisation (seed 1, as of 2026-11-15) goes into a fresh SQLite database in a
temporary TANDEM_DATA_DIR (the embedded default), in this one process. Then:

- **request to inbox**: ``--requests`` times, a request from a key result of the current
  quarter to another team (``dependency_create`` in its own transaction, as the API's handler
  runs it), timed from the call until the provider's notification can be read back. On the
  embedded default the inbox is written synchronously when the request commits (the
  receivers of ``dependency_requested`` run in ``transaction.on_commit``; the risk sweep the
  change queues is queued then too, and runs later in a worker): so this is the request's own
  latency, which is what a provider waits for. p50, p95 and the maximum.
- **daily alerts**: ``dependency_followups_send`` and ``cycle_alerts_send`` on the as-of date,
  and ``risk_sweep`` (its first sweep records every key result; the second compares), each
  cold (the organisation read and evaluated first, as after a worker starts) and warm (the
  worker's cached organisation), with their queries and messages; then the sweep a change
  queues, after a check-in that makes a key result delivering an accepted request fall.

Prints a Markdown table; a full run writes it to ``benchmarks/data/alerts-results.md``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import AS_OF, DATA, SMOKE_PEOPLE, machine, organisation, smoke_failed  # noqa: E402

from tandem.okrfile import load_path  # noqa: E402

RESULTS = DATA / "alerts-results.md"


def setup(data_dir: str) -> None:
    os.environ |= {
        "TANDEM_DATA_DIR": data_dir,
        "TANDEM_TODAY": AS_OF.isoformat(),
        "DJANGO_SETTINGS_MODULE": "tandem.server.settings",
    }
    import django  # noqa: PLC0415 - configured from the environment above

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    call_command("migrate", verbosity=0)


def load(path: Path) -> float:
    from tandem.organization.imports import organization_import  # noqa: PLC0415

    org = load_path(path).organization
    started = time.perf_counter()
    organization_import(org=org, source="bench", today=AS_OF)
    return time.perf_counter() - started


def candidates(count: int) -> list[tuple[str, str, str | None]]:
    """(key result, provider team, who asks) for ``count`` requests: key results of public
    objectives of the quarter under way, each asking a team that is not its own."""
    from tandem.okrs.models import Cycle, KeyResult  # noqa: PLC0415
    from tandem.people.models import Team  # noqa: PLC0415

    open_cycles = Cycle.objects.filter(start__lte=AS_OF, end__gte=AS_OF).exclude(state="closed")
    rows = list(
        KeyResult.objects.filter(
            objective__cycle__in=open_cycles,
            objective__visibility="public",
            objective__owner_team__isnull=False,
            archived_at__isnull=True,
        ).values_list("id", "objective__owner_team_id", "owner_id")[: count * 4]
    )
    teams = list(Team.objects.filter(lead__isnull=False).values_list("id", flat=True))
    rng = random.Random(1)
    rng.shuffle(rows)
    picked = []
    for key_result, owner_team, asker in rows[:count]:
        provider = rng.choice([t for t in teams if t != owner_team])
        picked.append((key_result, provider, asker))
    return picked


def request_to_inbox(count: int) -> dict[str, Any]:
    from django.db import transaction  # noqa: PLC0415

    from tandem.dependencies.services import dependency_create  # noqa: PLC0415
    from tandem.notifications.models import Notification  # noqa: PLC0415

    times, reached = [], 0
    for number, (key_result, provider, asker) in enumerate(candidates(count)):
        started = time.perf_counter()
        with transaction.atomic():
            dependency = dependency_create(
                from_id=key_result,
                provider_team_id=provider,
                need=f"help number {number}",
                by_id=asker,
            )
        found = Notification.objects.filter(object_id=dependency.id).exists()
        times.append(time.perf_counter() - started)
        reached += found
    times.sort()
    return {
        "requests": len(times),
        "reached": reached,
        "p50_ms": 1000 * statistics.median(times),
        "p95_ms": 1000 * times[max(0, round(0.95 * len(times)) - 1)],
        "max_ms": 1000 * times[-1],
    }


def timed(run: Callable[[], int]) -> dict[str, float]:
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        sent = run()
        seconds = time.perf_counter() - started
    return {"s": seconds, "queries": len(queries), "sent": sent}


def daily_alerts() -> list[tuple[str, dict[str, float]]]:
    from tandem.notifications.alerts.cycles import cycle_alerts_send  # noqa: PLC0415
    from tandem.notifications.alerts.followups import dependency_followups_send  # noqa: PLC0415
    from tandem.notifications.alerts.risk import risk_sweep  # noqa: PLC0415
    from tandem.organization.cache import cache_clear  # noqa: PLC0415

    jobs = {
        "dependency follow-ups": lambda: dependency_followups_send(AS_OF),
        "cycle alerts": lambda: cycle_alerts_send(AS_OF + timedelta(days=1)),
        "risk sweep": lambda: risk_sweep(AS_OF),
    }
    rows = []
    for name, job in jobs.items():
        cache_clear()
        rows.append((f"{name}, cold", timed(job)))
        rows.append((f"{name}, warm", timed(job)))
    checked_in = a_provider_key_result_falls()
    rows.append((f"risk sweep after a check-in on {checked_in}", timed(jobs["risk sweep"])))
    return rows


def a_provider_key_result_falls() -> str:
    """A check-in with confidence 1 on a key result that delivers an accepted request (what
    the sweep queued after a change then finds): its id."""
    from tandem.checkins.services import checkin_record  # noqa: PLC0415
    from tandem.dependencies.models import Dependency  # noqa: PLC0415

    provided = Dependency.objects.filter(state="accepted", provider_kr__isnull=False)
    key_result = provided.values_list("provider_kr_id", flat=True).first()
    assert key_result is not None
    checkin_record(key_result_id=key_result, day=AS_OF, confidence=1, author_id=None)
    return key_result


def table(people: int, requests: dict[str, Any], jobs: list[tuple[str, dict[str, float]]]) -> str:
    lines = [
        f"Measured on {machine()} (`python benchmarks/request_to_inbox.py`, {people:,} people, "
        f"SQLite, as of {AS_OF}).",
        "",
        "| request to the provider's inbox | requests | in an inbox | p50 | p95 | max |",
        "|---|---:|---:|---:|---:|---:|",
        f"| `dependency_create`, committed, read back | {requests['requests']} | "
        f"{requests['reached']} | {requests['p50_ms']:.1f} ms | {requests['p95_ms']:.1f} ms | "
        f"{requests['max_ms']:.1f} ms |",
        "",
        "| daily alerts | time | queries | sent (messages; risk: key results) |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {name} | {r['s']:.2f} s | {r['queries']} | {r['sent']:.0f} |" for name, r in jobs]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return "\n".join([*lines, "", f"Peak RSS of the process: {peak:,.0f} MB."])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--smoke", action="store_true", help="100 people, 20 requests")
    args = parser.parse_args()
    people, count = (SMOKE_PEOPLE, 20) if args.smoke else (args.people, args.requests)
    with tempfile.TemporaryDirectory(prefix="tandem-bench-alerts-") as folder:
        path = organisation(people, Path(folder) if args.smoke else DATA)
        setup(folder)
        print(f"  imported {people:,} people in {load(path):.1f} s", flush=True)
        jobs = daily_alerts()
        requests = request_to_inbox(count)
    text = table(people, requests, jobs)
    print(text)
    if args.smoke:
        problems = [] if requests["requests"] == count else ["too few requests were made"]
        problems += [] if requests["reached"] else ["no request reached an inbox"]
        problems += [f"{name}: no queries?" for name, r in jobs if not r["queries"]]
        smoke_failed(problems)
    else:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text + "\n")


if __name__ == "__main__":
    main()
