"""Web page benchmarks: the server time of every page, for the demo and a 10k-person org.

    python benchmarks/pages.py                  # demo and 10k people on SQLite;
                                                # updates docs/performance.md
    python benchmarks/pages.py --sizes demo --requests 10 --no-write    # a quick run
    python benchmarks/pages.py --smoke    # demo and 100 people, 2 requests; writes nothing

Each organisation goes into a fresh SQLite file (a temporary TANDEM_DATA_DIR), then one fresh
process signs in three people with Django's test client (in process: no network, so the time
is the server's own: middleware, session, permission checks, the view and its template) and
requests every page:

- as the organisation's admin (the company's lead), as a team lead two levels below the
  company, and as a member of that lead's team;
- each page once cold (right after the organisation's cache was cleared: the first request of
  a worker after a change of structure reads the whole organisation) and then ``--requests``
  times warm; p50, p95 and max of the warm requests, the cold time, and the number of queries
  of a warm request.

Pages are shown as of the organisation's "today" (TANDEM_TODAY): 2026-11-21 for the demo,
2026-11-15 for the generated organisations (the date they were generated for). A smoke run
fails when a page answers anything but 200.
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
from pathlib import Path
from typing import Any

from run import (
    AS_OF,
    DATA,
    DOC,
    ROOT,
    SMOKE_PEOPLE,
    machine,
    organisation,
    smoke_failed,
    unwind_on_sigterm,
)

MARK_BEGIN = "<!-- page benchmark results: begin -->"
MARK_END = "<!-- page benchmark results: end -->"
SIZES = ["demo", "10000"]
DEMO_TODAY = "2026-11-21"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


# --- inside the measuring process ----------------------------------------------------------


def _prepare(path: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Migrate, import the organisation, sign in the three people."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.server.settings")
    import django  # noqa: PLC0415

    django.setup()
    from django.contrib.auth.models import User  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from tandem.clock import today  # noqa: PLC0415
    from tandem.okrfile import load_path  # noqa: PLC0415
    from tandem.organization.imports import organization_import  # noqa: PLC0415
    from tandem.people.models import Membership, Person, Team  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    org = load_path(path).organization
    organization_import(org=org, source=Path(path).name, today=today())

    company = Team.objects.filter(parent__isnull=True).get()
    team = company
    for _ in range(2):  # two levels down, the first team each time
        below = Team.objects.filter(parent=team).order_by("position", "id").first()
        team = below or team
    member = (
        Membership.objects.filter(team=team)
        .exclude(person_id=team.lead_id)
        .order_by("position", "id")
        .values_list("person_id", flat=True)
        .first()
    )
    people = {"admin": company.lead_id, "lead": team.lead_id, "member": member}
    clients: dict[str, Any] = {}
    for role, person_id in people.items():
        person = Person.objects.get(id=person_id)
        user = User.objects.create(
            username=f"bench-{role}", is_staff=role == "admin", is_superuser=role == "admin"
        )
        person.user = user
        person.save(update_fields=["user"])
        client = Client(SERVER_NAME="localhost")  # a host the settings allow
        client.force_login(user)
        clients[role] = client

    return clients, _pages(team, today())


def _pages(team: Any, as_of: Any) -> dict[str, str]:
    """The address of every page, on objects of the lead's team."""
    from tandem.okrs.models import Cycle, KeyResult, Objective  # noqa: PLC0415

    cycle = (
        Cycle.objects.filter(start__lte=as_of, end__gte=as_of, parent__isnull=False)
        .order_by("position")
        .first()
        or Cycle.objects.order_by("position").first()
    )
    assert cycle is not None
    objective = (
        Objective.objects.filter(owner_team=team, cycle=cycle).order_by("position").first()
        or Objective.objects.filter(owner_team=team).order_by("position").first()
    )
    assert objective is not None
    key_result = KeyResult.objects.filter(objective=objective).order_by("position").first()
    pages = {
        "my OKRs": "/",
        "objective": f"/objectives/{objective.id}",
        "team": f"/teams/{team.id}",
        "alignment map": "/alignment",
        "dependencies": "/dependencies",
        "dashboard": "/dashboard",
        "cycle review": f"/cycles/{cycle.id}/review",
        "printable report": "/report",
        "CSV export": "/report.csv",
        "XLSX export": "/report.xlsx",
        "edit objective": f"/objectives/{objective.id}/edit",
        "new objective": "/objectives/new",
    }
    if key_result is not None:
        pages["edit key result"] = f"/key-results/{key_result.id}/edit"
    closed = Cycle.objects.filter(state=Cycle.State.CLOSED).order_by("-end").first()
    if closed is not None:
        pages["cycle statistics"] = f"/cycles/{closed.id}/statistics"
    return pages


def _setup_and_measure(path: str, requests: int) -> dict[str, Any]:
    clients, pages = _prepare(path)
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from tandem.okrs.models import KeyResult, Objective  # noqa: PLC0415
    from tandem.organization.cache import cache_clear  # noqa: PLC0415
    from tandem.people.models import Person  # noqa: PLC0415

    rows: list[dict[str, Any]] = []
    for role, client in clients.items():
        for name, url in pages.items():
            cache_clear()
            started = time.perf_counter()
            response = client.get(url)
            cold = time.perf_counter() - started
            if response.status_code != 200:
                rows.append({"role": role, "page": name, "status": response.status_code})
                continue
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            print(  # progress, on the driver's terminal
                f"  {role:6} {name:17} cold {cold * 1000:6.0f} ms, "
                f"p50 {statistics.median(times) * 1000:6.0f} ms",
                file=sys.stderr,
                flush=True,
            )
            rows.append(
                {
                    "role": role,
                    "page": name,
                    "url": url,
                    "status": 200,
                    "cold": cold,
                    "p50": statistics.median(times),
                    "p95": percentile(times, 95),
                    "max": max(times),
                    "queries": len(queries),
                }
            )
    counts = {
        "people": Person.objects.count(),
        "objectives": Objective.objects.count(),
        "key_results": KeyResult.objects.count(),
    }
    return {"rows": rows, "counts": counts}


# --- the driver ----------------------------------------------------------------------------


def run_size(size: str, requests: int, cache: Path = DATA) -> dict[str, Any]:
    """``cache``: where generated organisations are cached."""
    if size == "demo":
        from tandem import DEMO_FILE  # noqa: PLC0415

        path, pretend = Path(DEMO_FILE), DEMO_TODAY
    else:
        path, pretend = organisation(int(size), cache), AS_OF.isoformat()
    with tempfile.TemporaryDirectory(prefix="tandem-pages-") as data:
        env = {k: v for k, v in os.environ.items() if k != "TANDEM_DATABASE_URL"}
        env |= {"TANDEM_DATA_DIR": data, "TANDEM_TODAY": pretend, "TANDEM_LOG_LEVEL": "ERROR"}
        code = (
            "import json, sys; sys.path.insert(0, 'benchmarks'); import pages; "
            f"print(json.dumps(pages._setup_and_measure({str(path)!r}, {requests})))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
    if out.returncode != 0:
        raise SystemExit(f"the {size} run failed (its output is above)")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["size"] = size
    return result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def table(results: list[dict[str, Any]], requests: int) -> str:
    lines = []
    for result in results:
        counts = result["counts"]
        title = "the demo" if result["size"] == "demo" else f"{int(result['size']):,} people"
        lines += [
            f"**{title}** ({counts['people']:,} people, {counts['objectives']:,} objectives, "
            f"{counts['key_results']:,} key results; {requests} warm requests per page and "
            "person)",
            "",
            "| page | person | p50 | p95 | max | cold | queries |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for row in result["rows"]:
            if row["status"] != 200:
                lines.append(f"| {row['page']} | {row['role']} | status {row['status']} | | | | |")
                continue
            lines.append(
                f"| {row['page']} | {row['role']} | {_ms(row['p50'])} | {_ms(row['p95'])} "
                f"| {_ms(row['max'])} | {_ms(row['cold'])} | {row['queries']} |"
            )
        lines.append("")
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = DOC.read_text()
    begin, end = doc.index(MARK_BEGIN), doc.index(MARK_END)
    DOC.write_text(doc[: begin + len(MARK_BEGIN)] + "\n" + text + doc[end:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=SIZES, help="demo and/or people counts")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--no-write", action="store_true", help="do not update the docs")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"the demo and {SMOKE_PEOPLE} people, 2 warm requests a page; writes nothing",
    )
    args = parser.parse_args()
    unwind_on_sigterm()
    if args.smoke:
        args.sizes, args.requests, args.no_write = ["demo", str(SMOKE_PEOPLE)], 2, True
    results = []
    with tempfile.TemporaryDirectory(prefix="tandem-bench-smoke-") as temporary:
        for size in args.sizes:
            print(f"== {size}", flush=True)
            result = run_size(size, args.requests, Path(temporary) if args.smoke else DATA)
            results.append(result)
            worst = max((r["p95"] for r in result["rows"] if r["status"] == 200), default=0.0)
            print(f"  slowest p95: {_ms(worst)}", flush=True)
    head = (
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()} (`make bench-pages`, SQLite, "
        f"load average {os.getloadavg()[0]:.1f} at the end).\n\n"
    )
    text = head + table(results, args.requests)
    print(text)
    if args.smoke:
        smoke_failed(
            [
                f"{result['size']}: {row['page']} as {row['role']} answered {row['status']}"
                for result in results
                for row in result["rows"]
                if row["status"] != 200
            ]
        )
    if not args.no_write:
        write_doc(text)


if __name__ == "__main__":
    main()
