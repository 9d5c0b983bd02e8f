"""Database benchmarks: import, report from the database and peak memory, beside a SQL floor.

    python benchmarks/database.py                    # 1k, 10k, 100k on SQLite and PostgreSQL;
                                                     # updates docs/performance.md
    python benchmarks/database.py --sizes 1000 --backends sqlite    # a quick run; prints only
    python benchmarks/database.py --smoke    # every code path, 100 people; writes nothing

For every size and backend the organisation goes into fresh storage (a new SQLite file in a
temporary TANDEM_DATA_DIR, or a new PostgreSQL database), then two fresh processes measure:

- import: load the OKR file, then ``organization_import`` (one transaction, bulk writes);
- report: ``organization_current(as_of=...)`` (the report's read: ``organization_load`` with,
  of the check-ins, only those the engine reads that day, less what was archived)
  + ``evaluate`` + ``build_report`` + ``orjson.dumps`` (all cycles; the JSON encoder of
  ``tandem report --format json`` and the API),
  beside the floor, one SQL query that reads every row the report needs, timed in the same
  process on the same connection. Ratio = Tandem / floor. Then the full read
  (``organization_load()``, every check-in ever made), as the import and the export do.

Then ``tandem report --cycle all --format json`` runs end to end as the user would. PostgreSQL
is reached as ``--postgres`` (default postgresql://postgres@127.0.0.1:5432/postgres; skipped
when out of reach); the benchmark creates and drops the database ``tandem_bench`` there (never
the test suite's ``test`` or ``test_*``); a smoke run uses ``tandem_bench_smoke_<pid>``, so it
may run beside a measurement, and fails when PostgreSQL is out of reach rather than skip it.
``--timeout SECONDS`` stops a measurement that runs longer and records it as stopped.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from run import (
    AS_OF,
    DATA,
    DOC,
    ROOT,
    SEED,
    SMOKE_PEOPLE,
    machine,
    organisation,
    smoke_failed,
    unwind_on_sigterm,
)

from tandem.core.engine import evaluate
from tandem.core.report import build_report, resolve_scope
from tandem.okrfile import load_path

MARK_BEGIN = "<!-- database benchmark results: begin -->"
MARK_END = "<!-- database benchmark results: end -->"
SIZES = [1_000, 10_000, 100_000]
BACKENDS = ["sqlite", "postgresql"]
BENCH_DB = "tandem_bench"

# The least work any implementation must do for the report: one query returning every row it
# needs. Key results with their objective's cycle, their latest check-in on the as-of date
# (its date and confidence) and their latest value (a check-in may carry only a confidence or
# a note, and then the last value recorded counts), each found through the (key result, date)
# index; milestones (for milestone key results); objectives with their title, alignment, their
# cycle's dates and whether the company team owns them; dependencies with the key result that
# provides. Columns line up by type across the branches. Only the way to the latest check-ins
# differs by backend, each the fastest we found: SQLite has no LATERAL, and on PostgreSQL
# LATERAL takes half the time of SQLite's form (window functions and DISTINCT ON were slower).
FLOOR_LATEST = {
    "sqlite": """
LEFT JOIN checkins_checkin c ON c.id = (
    SELECT x.id FROM checkins_checkin x
    WHERE x.key_result_id = kr.id AND x.date <= %(as_of)s
    ORDER BY x.date DESC, x.id DESC LIMIT 1)
LEFT JOIN checkins_checkin v ON v.id = (
    SELECT x.id FROM checkins_checkin x
    WHERE x.key_result_id = kr.id AND x.date <= %(as_of)s AND x.value IS NOT NULL
    ORDER BY x.date DESC, x.id DESC LIMIT 1)""",
    "postgresql": """
LEFT JOIN LATERAL (
    SELECT x.date, x.confidence FROM checkins_checkin x
    WHERE x.key_result_id = kr.id AND x.date <= %(as_of)s
    ORDER BY x.date DESC, x.id DESC LIMIT 1) c ON true
LEFT JOIN LATERAL (
    SELECT x.value FROM checkins_checkin x
    WHERE x.key_result_id = kr.id AND x.date <= %(as_of)s AND x.value IS NOT NULL
    ORDER BY x.date DESC, x.id DESC LIMIT 1) v ON true""",
}
FLOOR_SQL = """
SELECT 'kr', kr.id, kr.objective_id, o.cycle_id, kr.form, CAST(NULL AS TEXT), NULL,
       kr.start, kr.target, kr.threshold, v.value, kr.weight, kr.override_score,
       c.date, CAST(NULL AS DATE), c.confidence
FROM okrs_keyresult kr
JOIN okrs_objective o ON o.id = kr.objective_id{latest}
UNION ALL
SELECT 'milestone', NULL, ms.key_result_id, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, ms.weight, NULL, ms.done_on, NULL, NULL
FROM okrs_milestone ms
UNION ALL
SELECT 'objective', o.id, COALESCE(o.owner_team_id, o.owner_person_id), o.cycle_id, o.kind,
       o.aligns_to, o.title, NULL, NULL, NULL, NULL, NULL, NULL, cy.start, cy."end",
       CASE WHEN t.parent_id IS NULL AND o.owner_team_id IS NOT NULL THEN 1 ELSE 0 END
FROM okrs_objective o
JOIN okrs_cycle cy ON cy.id = o.cycle_id
LEFT JOIN people_team t ON t.id = o.owner_team_id
UNION ALL
SELECT 'dependency', d.id, COALESCE(d.from_key_result_id, d.from_objective_id), d.provider_id,
       d.state, d.provider_kr_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, d.due, NULL, NULL
FROM dependencies_dependency d
"""


def floor_sql(vendor: str) -> str:
    return FLOOR_SQL.replace("{latest}", FLOOR_LATEST[vendor])


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.server.settings")
    import django  # noqa: PLC0415 - configured from the environment the parent set

    django.setup()


# --- run inside the child processes ------------------------------------------------------


def measure_import(path: str) -> dict[str, float]:
    """Load the file, then import it into the (empty, migrated) database."""
    started = time.perf_counter()
    org = load_path(path).organization
    gc.freeze()  # as the CLI does after loading
    loaded = time.perf_counter()
    result = {"load_s": loaded - started, "load_rss_mb": maxrss_mb()}
    django_setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    from tandem.organization.imports import organization_import  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    plan = organization_import(org=org, source="bench", today=AS_OF)
    result["import_s"] = time.perf_counter() - began
    result["peak_rss_mb"] = maxrss_mb()
    result["changes"] = plan.changes
    result["checkins"] = plan.checkins_added
    # Fresh planner statistics, as autovacuum (PostgreSQL) or PRAGMA optimize would give.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return result


def floor() -> tuple[float, int]:
    from django.db import connection  # noqa: PLC0415

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(floor_sql(connection.vendor), {"as_of": AS_OF})
        rows = cursor.fetchall()
    return time.perf_counter() - started, len(rows)


def tandem_report() -> dict[str, Any]:
    """What ``tandem report --format json`` does after Django is set up."""
    from tandem.organization.loading import organization_current  # noqa: PLC0415

    gc.disable()  # as the CLI does while it makes a report
    started = time.perf_counter()
    # organization_load(as_of=...), less what was archived (read with the same rows), and
    # without the people, as `tandem report --format json` reads it.
    org = organization_current(as_of=AS_OF, people=False)
    gc.freeze()  # as the CLI does after reading the organisation
    read = time.perf_counter()
    report = build_report(org, evaluate(org, AS_OF), resolve_scope(org, AS_OF, cycle="all"))
    orjson.dumps(report)
    done = time.perf_counter()
    gc.enable()
    counts = {kind: len(report[kind]) for kind in ("objectives", "key_results", "dependencies")}
    del org, report
    gc.unfreeze()
    gc.collect()
    return {"read_s": read - started, "engine_s": done - read, "report_s": done - started} | counts


def full_read() -> float:
    """``organization_load()`` with every check-in, as the import's plan and the export read."""
    from tandem.organization.selectors import organization_load  # noqa: PLC0415

    started = time.perf_counter()
    org = organization_load()
    seconds = time.perf_counter() - started
    del org
    gc.collect()
    return seconds


def measure_report(repeat: int) -> dict[str, Any]:
    """The floor and Tandem's report in turn, ``repeat`` times, then the full read.

    The first floor also warms the caches. Each figure is the best of its runs (the machine
    may be busy with something else); peak memory is that of the first report.
    """
    django_setup()
    from django.db import connection  # noqa: PLC0415

    connection.ensure_connection()
    result: dict[str, Any] = {"base_rss_mb": maxrss_mb()}
    floors = [floor()]
    result["floor_rows"] = floors[0][1]
    result["floor_rss_mb"] = maxrss_mb()
    gc.collect()
    runs = []
    for _ in range(repeat):
        runs.append(tandem_report())
        result.setdefault("peak_rss_mb", maxrss_mb())
        floors.append(floor())
    best = min(runs, key=lambda run: run["report_s"])
    result |= best
    result["report_runs"] = [round(run["report_s"], 3) for run in runs]
    result["floor_s"] = min(seconds for seconds, _ in floors)
    result["ratio"] = result["report_s"] / result["floor_s"]
    result["full_read_s"] = min(full_read() for _ in range(repeat))
    return result


# --- the parent -------------------------------------------------------------------------


class StoppedError(Exception):
    """A measurement ran out of time."""


def in_child(task: str, args: list[object], env: dict[str, str], timeout: float | None) -> Any:
    code = (
        "import json, sys; sys.path.insert(0, 'benchmarks'); import database; "
        f"print(json.dumps(database.{task}(*{args!r})))"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise StoppedError(f"{task} stopped after {timeout:.0f} s") from None
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr)
        raise
    return json.loads(out.stdout.strip().splitlines()[-1])


def cli_report(env: dict[str, str], timeout: float | None) -> dict[str, float]:
    """``tandem report --format json`` end to end: wall time and the process's peak memory."""
    tandem = Path(sys.executable).parent / "tandem"
    command = [str(tandem), "report", "--as-of", AS_OF.isoformat(), "--cycle", "all"]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--format", "json"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise StoppedError(f"tandem report stopped after {timeout:.0f} s") from None
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command)
    return {"cli_s": wall}


class Postgres:
    """Creates (and finally drops) the benchmark's database ``name`` on the server at ``url``."""

    def __init__(self, url: str, name: str = BENCH_DB) -> None:
        assert not name.startswith("test"), "the test suite's databases are not ours"
        self.url = url
        self.name = name

    def admin(self) -> Any:
        import psycopg  # noqa: PLC0415

        return psycopg.connect(self.url, autocommit=True)

    def version(self) -> str:
        with self.admin() as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]).split()[0] if row else "?"

    def fresh(self) -> str:
        with self.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {self.name}")
        return self.url.rsplit("/", 1)[0] + "/" + self.name

    def size_mb(self) -> float:
        with self.admin() as conn:
            row = conn.execute("SELECT pg_database_size(%s)", (self.name,)).fetchone()
        return float(row[0]) / 2**20 if row else 0.0

    def drop(self) -> None:
        with self.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def database_versions(postgres: Any, backends: list[str], *, smoke: bool) -> str:
    """The versions of the backends measured (``postgres``: this module's or api.py's
    Postgres). A PostgreSQL out of reach is taken out of ``backends``, but fails a smoke run:
    one that skipped it would prove nothing."""
    versions = f"SQLite {sqlite3.sqlite_version}"
    if "postgresql" in backends:
        import psycopg  # noqa: PLC0415

        try:
            versions += f", PostgreSQL {postgres.version()}"
        except psycopg.OperationalError as exc:
            if smoke:
                raise SystemExit(
                    f"PostgreSQL at {postgres.url} is out of reach ({exc}); run the smoke "
                    "with --backends sqlite, or give a server in TANDEM_BENCH_POSTGRES"
                ) from None
            print(f"PostgreSQL at {postgres.url} is out of reach ({exc}); skipping it")
            backends.remove("postgresql")
    return versions


def sqlite_size_mb(data_dir: Path) -> float:
    files = [data_dir / f"tandem.sqlite3{suffix}" for suffix in ("", "-wal")]
    return sum(f.stat().st_size for f in files if f.exists()) / 2**20


def bench(
    people: int,
    backend: str,
    postgres: Postgres,
    timeout: float | None,
    *,
    data: Path = DATA,
    repeat: int | None = None,
) -> dict[str, object]:
    """``data``: where the generated files are cached; ``repeat``: the report's runs (by
    default 3, or 1 above 10k people)."""
    path = organisation(people, data)
    data_dir = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env |= {"TANDEM_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "tandem.server.settings"}
    if backend == "postgresql":
        env["TANDEM_DATABASE_URL"] = postgres.fresh()
    row: dict[str, object] = {"people": people, "backend": backend}
    try:
        row["import"] = in_child("measure_import", [str(path)], env, timeout)
        print(f"  import: {row['import']}", flush=True)
        row["db_mb"] = postgres.size_mb() if backend == "postgresql" else sqlite_size_mb(data_dir)
        if repeat is None:
            repeat = 3 if people <= 10_000 else 1
        row["report"] = in_child("measure_report", [repeat], env, timeout)
        print(f"  report: {row['report']}", flush=True)
        row["cli"] = cli_report(env, timeout)
        print(f"  cli: {row['cli']}", flush=True)
    except StoppedError as exc:
        row["stopped"] = str(exc)
        print(f"  {exc}", flush=True)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if backend == "postgresql":
            postgres.drop()
    return row


def _get(row: dict[str, object], part: str) -> dict[str, float] | None:
    value = row.get(part)
    return value if isinstance(value, dict) else None


def tables(rows: list[dict[str, object]]) -> str:
    imports = [
        "| people | backend | objectives | key results | check-ins | file load | import "
        "| load + import | import peak RSS | database size |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    reports = [
        "| people | backend | read as of the day | engine + JSON | report from DB "
        "| floor (1 query) | ratio | report peak RSS | floor peak RSS | `tandem report` CLI "
        "| full read |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    stopped = "—"
    for row in rows:
        head = f"| {row['people']:,} | {row['backend']} "
        imp, rep, cli = _get(row, "import"), _get(row, "report"), _get(row, "cli")
        if imp is None:
            imports.append(head + f"| {stopped} " * 8 + "|")
        else:
            counts = (
                f"| {rep['objectives']:,.0f} | {rep['key_results']:,.0f} "
                if rep
                else f"| {stopped} | {stopped} "
            )
            imports.append(
                head + counts + f"| {imp['checkins']:,.0f} | {imp['load_s']:.2f} s "
                f"| {imp['import_s']:.2f} s | {imp['load_s'] + imp['import_s']:.2f} s "
                f"| {imp['peak_rss_mb']:,.0f} MB | {row['db_mb']:,.0f} MB |"
            )
        if rep is None:
            reports.append(head + f"| {stopped} " * 9 + "|")
        else:
            cli_s = f"{cli['cli_s']:.2f} s" if cli else stopped
            reports.append(
                head + f"| {rep['read_s']:.2f} s | {rep['engine_s']:.2f} s "
                f"| {rep['report_s']:.2f} s | {rep['floor_s']:.3f} s | {rep['ratio']:.1f}× "
                f"| {rep['peak_rss_mb']:,.0f} MB | {rep['floor_rss_mb']:,.0f} MB "
                f"| {cli_s} | {rep['full_read_s']:.2f} s |"
            )
    notes = [
        f"- {row['people']:,} on {row['backend']}: {row['stopped']}"
        for row in rows
        if "stopped" in row
    ]
    return (
        "\n".join(imports)
        + "\n\n"
        + "\n".join(reports)
        + ("\n\n" + "\n".join(notes) if notes else "")
    )


def commit() -> str:
    """The commit measured, and whether the working tree had changes on top of it."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    except OSError:
        return ""
    if out.returncode != 0:
        return ""
    dirty = " with uncommitted changes" if changed.stdout.strip() else ""
    return f"commit {out.stdout.strip()}{dirty}, "


def ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=BACKENDS)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "TANDEM_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server to create the benchmark database on (as a superuser)",
    )
    parser.add_argument(
        "--timeout", type=float, default=None, help="stop a measurement after this many seconds"
    )
    parser.add_argument("--no-write", action="store_true", help="do not update the docs")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"{SMOKE_PEOPLE} people, each measurement once, in a database of its own; "
        "writes nothing",
    )
    args = parser.parse_args()
    unwind_on_sigterm()
    repeat = None
    postgres = Postgres(args.postgres)
    if args.smoke:
        args.sizes, args.no_write, repeat = [SMOKE_PEOPLE], True, 1
        args.timeout = args.timeout or 300
        postgres = Postgres(args.postgres, f"{BENCH_DB}_smoke_{os.getpid()}")
    backends = list(args.backends)
    versions = database_versions(postgres, backends, smoke=args.smoke)
    rows = []
    with tempfile.TemporaryDirectory(prefix="tandem-bench-smoke-") as temporary:
        data = Path(temporary) if args.smoke else DATA
        for people in args.sizes:
            for backend in backends:
                load = os.getloadavg()[0]
                print(f"{people:,} people, {backend} (load average {load:.1f})", flush=True)
                row = bench(people, backend, postgres, args.timeout, data=data, repeat=repeat)
                rows.append(row | {"load": load})
    result = (
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}, {ram_gb():.0f} GB RAM, "
        f"{versions}, Django {_version('django')}, psycopg {_version('psycopg')} "
        f"(`make bench-db`, {commit()}seed {SEED}, "
        f"as of {AS_OF}, report of all cycles; load average {_loads(rows)} at the start of "
        f"each measurement).\n\n{tables(rows)}"
    )
    print(result)
    if args.smoke:
        smoke_failed(smoke_problems(rows))
    if not args.no_write and args.sizes == SIZES and backends == BACKENDS:
        text = DOC.read_text()
        begin, end = text.index(MARK_BEGIN) + len(MARK_BEGIN), text.index(MARK_END)
        DOC.write_text(text[:begin] + "\n" + result + "\n" + text[end:])
        print(f"updated {DOC.relative_to(ROOT)}")


def smoke_problems(rows: list[dict[str, object]]) -> list[str]:
    problems = []
    for row in rows:
        where = f"{row['people']} people on {row['backend']}"
        report = _get(row, "report")
        if "stopped" in row:
            problems.append(f"{where}: {row['stopped']}")
        elif report is None or _get(row, "cli") is None:
            problems.append(f"{where}: a measurement is missing")
        elif not (report["objectives"] and report["floor_rows"] and report["full_read_s"] > 0):
            problems.append(f"{where}: the report or the floor read nothing ({report})")
    return problems


def _loads(rows: list[dict[str, object]]) -> str:
    """The range of the 1-minute load averages (other work on the machine inflates timings)."""
    loads = [float(load) for row in rows if isinstance(load := row.get("load"), float)]
    if not loads:
        return "unknown"
    low, high = min(loads), max(loads)
    return f"{low:.1f}" if f"{low:.1f}" == f"{high:.1f}" else f"{low:.1f}–{high:.1f}"


def _version(package: str) -> str:
    from importlib.metadata import version  # noqa: PLC0415

    return version(package)


if __name__ == "__main__":
    main()
