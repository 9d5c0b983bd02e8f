"""Reads while objectives are edited: what an edit costs the app workers' organisation cache.

    python benchmarks/edits.py                      # SQLite and PostgreSQL, 10k people
    python benchmarks/edits.py --backends sqlite --duration 5    # a quick run
    python benchmarks/edits.py --smoke    # 100 people, ~2 s runs; writes nothing

For each backend the generated 10k-person organisation goes into fresh storage as in
``benchmarks/api.py`` (whose helpers this uses: a temporary SQLite file, or a PostgreSQL
database of its own, ``bench_edits_10k`` on the server at ``--postgres`` /
TANDEM_BENCH_POSTGRES, dropped at the end), and ``tandem serve --workers 2`` starts. Then, for
each edit rate (0, 0.2, 1 and 5 a second), ``--duration`` seconds of: four clients reading
(two reading random objects as the admin, two the report of one team as its lead, back to
back) beside one editor changing random objectives' titles as the admin (GET for the ETag,
then PATCH with If-Match), paced at the rate. Each edit moves the organisation's structure
revision: every worker brings its cached organisation up to date before its next answer.

Before the server starts, one process times the cache itself on the same database: a full
read and evaluation (what every edit cost before), and bringing it up to date after one
title edit, one key result target edit and one edit that moves the structure (an objective's
kind).

Results go to ``benchmarks/data/edits-results.md`` (and ``.json``); nothing else is written.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from api import (  # noqa: E402
    BACKENDS,
    Database,
    Load,
    Postgres,
    Runner,
    _connect,
    _ms,
    percentile,
    prepare,
    read_loads,
    server,
    settle,
    show,
    tandem,
)

RESULTS = ROOT / "benchmarks" / "data" / "edits-results.md"
PEOPLE = 10_000
BENCH_DB = "bench_edits_10k"
RATES = [0.0, 0.2, 1.0, 5.0]


# --- the editor (a thread beside the readers) ------------------------------------------------


def _edit(conn: Any, path: str, token: str, number: int) -> int:
    """GET the objective for its ETag, then PATCH its title; the PATCH's status."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    etag = response.getheader("ETag") or ""
    body = json.dumps({"title": f"Edited in the benchmark, edit {number}"}).encode()
    headers |= {"Content-Type": "application/json", "If-Match": etag}
    conn.request("PATCH", path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def editor(port: int, paths: list[str], token: str, rate: float, stop: float) -> dict[str, Any]:
    """Edit at ``rate`` a second until ``stop`` (time.time()): the edits' latencies in ms."""
    out: dict[str, Any] = {"latencies": [], "statuses": {}}
    if rate <= 0:
        return out
    rng = random.Random(7)
    conn = _connect(port)
    due = time.time() + 0.3  # as the readers start (Runner.run)
    number = 0
    while True:
        time.sleep(max(0.0, due - time.time()))
        if time.time() >= stop:
            break
        due += 1 / rate
        number += 1
        began = time.perf_counter()
        status = _edit(conn, rng.choice(paths), token, number)
        out["latencies"].append((time.perf_counter() - began) * 1000)
        out["statuses"][str(status)] = out["statuses"].get(str(status), 0) + 1
    conn.close()
    return out


def with_edits(
    runner: Runner, readers: list[Load], edit: tuple[list[str], str], rate: float, seconds: float
) -> dict[str, Any]:
    """The readers (two clients each) for ``seconds`` beside an editor at ``rate``."""
    result: dict[str, Any] = {}
    stop = time.time() + 0.3 + seconds
    thread = threading.Thread(
        target=lambda: result.update(editor(runner.port, edit[0], edit[1], rate, stop))
    )
    thread.start()
    run = runner.run([(load, 2) for load in readers], seconds)
    thread.join()
    edits = sorted(result["latencies"])
    run["rate"] = rate
    run["edits"] = {
        "done": len(edits),
        "statuses": result["statuses"],
        "p95": percentile(edits, 95),
        "max": edits[-1] if edits else float("nan"),
    }
    return run


# --- the cache on its own (in a child process on the same database) ---------------------------


def cache_timing(repeat: int = 5) -> dict[str, float]:
    """Median seconds of a full read and evaluation and of bringing the cache up to date after
    one edit of each kind (the admin's view, today)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.server.settings")
    import django  # noqa: PLC0415

    django.setup()
    from tandem.clock import today  # noqa: PLC0415
    from tandem.core.visibility import Audience  # noqa: PLC0415
    from tandem.okrs.key_results import key_result_update  # noqa: PLC0415
    from tandem.okrs.models import KeyResult, Objective  # noqa: PLC0415
    from tandem.okrs.services import objective_update  # noqa: PLC0415
    from tandem.organization.cache import cache_clear, view_get  # noqa: PLC0415

    admin, day = Audience(None, admin=True), today()
    rng = random.Random(3)
    objectives = list(Objective.objects.exclude(cycle__state="closed").values_list("id", flat=True))
    numeric = KeyResult.objects.filter(form="numeric").exclude(objective__cycle__state="closed")
    numeric_ids = list(numeric.values_list("id", flat=True))

    def timed(change: Any) -> float:
        view_get(audience=admin, as_of=day)
        change()
        began = time.perf_counter()
        view_get(audience=admin, as_of=day)
        return time.perf_counter() - began

    def title() -> None:
        objective_update(objective_id=rng.choice(objectives), version=None, title="Edited")

    def target() -> None:
        key_result_update(key_result_id=rng.choice(numeric_ids), version=None, target=1234)

    def kind() -> None:
        objective = Objective.objects.get(id=rng.choice(objectives))
        other = "committed" if objective.kind != "committed" else "aspirational"
        objective_update(objective_id=objective.id, version=None, kind=other)

    times: dict[str, list[float]] = {"full": [], "title": [], "target": [], "kind": []}
    for _ in range(repeat):
        times["full"].append(timed(cache_clear))
        times["title"].append(timed(title))
        times["target"].append(timed(target))
        times["kind"].append(timed(kind))
    return {name: statistics.median(values) for name, values in times.items()}


def cache_timing_in_child(env: dict[str, str], repeat: int) -> dict[str, float]:
    code = (
        "import json, sys; sys.path.insert(0, 'benchmarks'); import edits; "
        f"print(json.dumps(edits.cache_timing({repeat})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=False, capture_output=True, text=True
    )
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise RuntimeError("the cache timing failed")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# --- one backend ---------------------------------------------------------------------------------


def bench(backend: str, path: Path, postgres: Postgres, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="tandem-bench-edits-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env |= {"TANDEM_DATA_DIR": str(data_dir), "TANDEM_LOG_LEVEL": "WARNING"}
    url = None
    if backend == "postgresql":
        url = postgres.fresh()
        env["TANDEM_DATABASE_URL"] = url
    db = Database(backend, data_dir, url)
    row: dict[str, Any] = {"backend": backend}
    try:
        tandem(env, "import", str(path))
        db.analyze()
        setup = prepare(db, env)
        row["cache"] = cache_timing_in_child(env, 2 if args.smoke else 5)
        print(f"  cache (median s): {row['cache']}", flush=True)
        with server(env, args.workers, data_dir / "serve.log") as (port, pid):
            runner = Runner(port, pid)
            loads = read_loads(setup, port)
            readers = [
                next(x for x in loads if x.caller == "admin" and x.name == "GET /objectives/{id}"),
                next(x for x in loads if x.caller == "lead" and "report" in x.name),
            ]
            objective_paths = [
                f"/api/v1/objectives/{objective_id}"
                for (objective_id,) in db.query(
                    "SELECT o.id FROM okrs_objective o JOIN okrs_cycle c ON c.id = o.cycle_id"
                    " WHERE c.state <> 'closed' AND o.archived_at IS NULL ORDER BY o.id"
                )
            ]
            row["runs"] = []
            for rate in args.rates:
                settle(runner, readers, args.warmup)
                run = with_edits(
                    runner, readers, (objective_paths, setup.admin_token), rate, args.duration
                )
                show(run, f"[{rate:g} edits/s] ")
                print(f"    edits: {run['edits']}", flush=True)
                row["runs"].append(run)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if backend == "postgresql":
            postgres.drop()
    return row


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| backend | edits / s | object read p95 / max | team report p95 / max | reads "
        "(object + report) | edits done (p95 ms) |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        for run in row["runs"]:
            by_name = {s["name"]: s for s in run["loads"]}
            reads = by_name["GET /objectives/{id}"]
            report = by_name["GET /report?team=X"]
            edits = run["edits"]
            lines.append(
                f"| {row['backend']} | {run['rate']:g} "
                f"| {_ms(reads['p95'])} / {_ms(reads['max'])} ms "
                f"| {_ms(report['p95'])} / {_ms(report['max'])} ms "
                f"| {reads['ok'] + report['ok']:,} ({reads['ok']:,} + {report['ok']:,}) "
                f"| {edits['done']} ({_ms(edits['p95'])}) |"
            )
    lines += ["", "| backend | full read + evaluation | title edit | target edit | kind edit |"]
    lines.append("|---|---|---|---|---|")
    for row in rows:
        cache = row["cache"]
        lines.append(
            f"| {row['backend']} | "
            + " | ".join(
                f"{cache[name] * 1000:,.0f} ms" for name in ("full", "title", "target", "kind")
            )
            + " |"
        )
    return "\n".join(lines)


def problems(rows: list[dict[str, Any]]) -> list[str]:
    found = []
    for row in rows:
        for run in row.get("runs", []):
            for s in run["loads"]:
                if s["errors"] or not s["ok"]:
                    found.append(f"{row['backend']} {run['rate']}: {s['name']} {s['statuses']}")
            statuses = run["edits"]["statuses"]
            if run["rate"] and set(statuses) != {"200"}:
                found.append(f"{row['backend']} {run['rate']}: edits answered {statuses}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=BACKENDS)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "TANDEM_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=40.0, help="seconds per edit rate")
    parser.add_argument("--warmup", type=float, default=4.0)
    parser.add_argument("--rates", type=float, nargs="+", default=RATES)
    parser.add_argument("--smoke", action="store_true", help="100 people, ~2 s runs; no writing")
    args = parser.parse_args()

    from run import SMOKE_PEOPLE, organisation, smoke_failed, unwind_on_sigterm  # noqa: PLC0415

    unwind_on_sigterm()
    people, postgres = PEOPLE, Postgres(args.postgres, BENCH_DB)
    if args.smoke:
        people, args.duration, args.warmup = SMOKE_PEOPLE, 2.0, 0.5
        postgres = Postgres(args.postgres, f"bench_edits_smoke_{os.getpid()}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="tandem-bench-edits-") as temporary:
        from run import DATA  # noqa: PLC0415

        path = organisation(people, Path(temporary) if args.smoke else DATA)
        for backend in args.backends:
            print(f"{people:,} people, {backend} (load {os.getloadavg()[0]:.1f})", flush=True)
            rows.append(bench(backend, path, postgres, args))
    result = (
        f"{people:,} people, `tandem serve --workers {args.workers}`, {args.duration:g} s per "
        f"rate; load average at the end {os.getloadavg()[0]:.1f}.\n\n{table(rows)}"
    )
    print(result)
    if args.smoke:
        smoke_failed(problems(rows))
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(result + "\n")
    RESULTS.with_suffix(".json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
