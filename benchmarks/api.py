"""API benchmarks: latency percentiles and check-in throughput against ``tandem serve``.

    python benchmarks/api.py                       # SQLite and PostgreSQL, 10k people;
                                                   # updates docs/performance.md (only
                                                   # with both backends and default runs)
    python benchmarks/api.py --backends sqlite --duration 2    # a quick run; prints only
    python benchmarks/api.py --smoke    # every run, 100 people, a second or less; writes nothing

For each backend the generated 10k-person organisation (seed 1, the file of ``make bench``)
goes into fresh storage with ``tandem import``: a new SQLite file in a temporary
TANDEM_DATA_DIR, or a new PostgreSQL database (``bench_api_10k`` on the server at
``--postgres``, created and finally dropped here). ``tandem createadmin`` makes an admin linked
to the company's lead, ``tandem token create`` a write token for them and a read token for the
lead of a team two levels below the company (whose report is "the report for one team"). Then
``tandem serve --workers N`` starts on a free loopback port and, once /healthz answers:

1. steady reads: after a warm-up (every worker has read the organisation and evaluated it for
   both callers), each read endpoint alone, as the admin and as the team lead, with 1, 4 and
   16 concurrent clients, each for ``--duration`` seconds;
2. check-in writes: ``POST /key-results/{id}/check-ins`` as the admin on random numeric key
   results of open cycles, 1, 4 and 16 clients, ``--write-duration`` seconds each; then the
   check-ins in the database are counted: lost = answered 201 - stored;
3. reads while check-ins are written: readers (object reads as the admin, the team report as
   the lead) beside one writer paced at 1 and at 10 check-ins a second. Every write moves the
   organisation's revision: the next read in each worker adds the new check-ins to the
   organisation it holds and re-evaluates what they reach.

Clients are threads with one keep-alive ``http.client`` connection each, spread over up to 4
forked processes; latency is measured by the client, from sending the request to having read
the whole response. The server, the database and the clients share the machine's cores: the
CPU each used is measured from /proc and printed with every run.

``--smoke`` runs all of it with 100 people generated into a temporary folder, 1 and 2 clients
and runs of half a second, in a PostgreSQL database of its own (``bench_api_smoke_<pid>``), and
fails on any error, lost check-in or missing measurement; it writes no results.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import os
import random
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
RESULTS = ROOT / "benchmarks" / "data" / "api-results.md"
MARK_BEGIN = "<!-- api benchmark results: begin -->"
MARK_END = "<!-- api benchmark results: end -->"
PEOPLE = 10_000
BACKENDS = ["sqlite", "postgresql"]
BENCH_DB = "bench_api_10k"
CLIENTS = [1, 4, 16]
CLIENT_PROCESSES = 4
WRITE_RATES = [1.0, 10.0]
# "confirm": the same value on any key result may be a jump of more than half its range,
# which the API otherwise asks about (409) before recording.
CHECKIN = json.dumps({"value": 12, "confidence": 7, "confirm": True}).encode()
TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


# --- the load generator (runs in forked client processes) -----------------------------------


@dataclass(frozen=True)
class Load:
    """One kind of request: ``method`` on a path drawn at random from ``paths``."""

    name: str
    caller: str
    method: str
    paths: tuple[str, ...]
    token: str
    body: bytes | None = None
    expect: int = 200
    rate: float | None = None  # requests a second per client (paced); None: back to back


def _connect(port: int) -> http.client.HTTPConnection:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.connect()
    assert conn.sock is not None
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def _client(job: tuple[Load, int], port: int, window: tuple[float, float], out: Any) -> None:
    """Send ``job``'s load from start to stop (time.time()); latencies in ms into ``out``."""
    load, seed = job
    start, stop = window
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {load.token}", "Accept": "application/json"}
    if load.body is not None:
        headers["Content-Type"] = "application/json"
    conn = _connect(port)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    time.sleep(max(0.0, start - time.time()))
    due = time.time()
    while True:
        now = time.time()
        if now >= stop:
            break
        if load.rate is not None:
            if due > now:
                time.sleep(due - now)
                if time.time() >= stop:
                    break
            due += 1 / load.rate
        path = rng.choice(load.paths)
        began = time.perf_counter()
        try:
            conn.request(load.method, path, body=load.body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (http.client.HTTPException, OSError):
            status = 0  # the connection broke: count it and open another
            conn.close()
            conn = _connect(port)
        if status:
            latencies.append((time.perf_counter() - began) * 1000)
        statuses[status] += 1
    conn.close()
    out["latencies"] = latencies
    out["statuses"] = dict(statuses)


def _client_process(
    jobs: list[tuple[Load, int]], port: int, start: float, stop: float, queue: Any
) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF)
    outs: list[dict[str, Any]] = [{} for _ in jobs]
    threads = [
        threading.Thread(target=_client, args=(job, port, (start, stop), out))
        for job, out in zip(jobs, outs, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    queue.put(
        {
            "cpu_s": cpu,
            "clients": [
                (load.name, load.caller, o) for (load, _), o in zip(jobs, outs, strict=True)
            ],
        }
    )


# --- CPU accounting from /proc --------------------------------------------------------------


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def cpu_sample(server_pid: int) -> dict[str, Any]:
    """CPU seconds used so far by each server process (Granian's main process and workers) and
    each PostgreSQL process, and by the whole machine (from /proc/stat)."""
    server: dict[int, float] = {}
    database: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        stat = _proc_stat(pid)
        if stat is None:
            continue
        parent, cpu = stat
        if server_pid in (pid, parent):
            server[pid] = cpu
        elif _comm(pid) == "postgres":
            database[pid] = cpu
    ticks = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    busy = (sum(ticks) - ticks[3] - ticks[4]) / TICKS  # all but idle and iowait
    return {"server": server, "database": database, "machine": busy, "time": time.time()}


def cpu_used(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
    """Cores used on average between two samples. A process that ended in between is left
    out (PostgreSQL connections come and go), so the database's share is a lower bound."""
    wall = after["time"] - before["time"]
    used = {
        part: sum(cpu - before[part].get(pid, 0.0) for pid, cpu in after[part].items()) / wall
        for part in ("server", "database")
    }
    used["machine"] = (after["machine"] - before["machine"]) / wall
    return used


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def workers_of(server_pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _proc_stat(int(entry))
            if stat is not None and stat[0] == server_pid:
                found.append(int(entry))
    return found


# --- runs -----------------------------------------------------------------------------------


def percentile(sorted_ms: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not sorted_ms:
        return math.nan
    return sorted_ms[max(0, math.ceil(p / 100 * len(sorted_ms)) - 1)]


@dataclass
class Stats:
    name: str
    caller: str
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    expect: int = 200

    @property
    def ok(self) -> int:
        return self.statuses.get(self.expect, 0)

    @property
    def errors(self) -> int:
        return sum(self.statuses.values()) - self.ok

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        return {
            "name": self.name,
            "method": self.name.split()[0],
            "caller": self.caller,
            "clients": self.clients,
            "requests": len(ordered),
            "ok": self.ok,
            "errors": self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "per_s": self.ok / self.seconds,
            "p50": percentile(ordered, 50),
            "p95": percentile(ordered, 95),
            "p99": percentile(ordered, 99),
            "max": ordered[-1] if ordered else math.nan,
            "over_1s": sum(1 for ms in ordered if ms > 1000),
        }


class Runner:
    """Runs loads against the server on ``port`` from forked client processes."""

    def __init__(self, port: int, server_pid: int) -> None:
        self.port = port
        self.server_pid = server_pid
        self.context = multiprocessing.get_context("fork")
        self.seed = 0

    def run(self, loads: list[tuple[Load, int]], seconds: float) -> dict[str, Any]:
        """``loads``: (load, number of clients). Returns one summary per load, and CPU use."""
        jobs: list[tuple[Load, int]] = []
        for load, clients in loads:
            for _ in range(clients):
                self.seed += 1
                jobs.append((load, self.seed))
        processes = min(len(jobs), CLIENT_PROCESSES)
        shares = [jobs[i::processes] for i in range(processes)]
        queue = self.context.Queue()
        start = time.time() + 0.3
        stop = start + seconds
        load_average = os.getloadavg()[0]
        children = [
            self.context.Process(
                target=_client_process, args=(share, self.port, start, stop, queue)
            )
            for share in shares
        ]
        for child in children:
            child.start()
        # The CPU used while the clients run (sampled as they start and stop).
        time.sleep(max(0.0, start - time.time()))
        cpu_before = cpu_sample(self.server_pid)
        time.sleep(max(0.0, stop - time.time()))
        cpu = cpu_used(cpu_before, cpu_sample(self.server_pid))
        outputs = [queue.get() for _ in children]
        for child in children:
            child.join()
        stats: dict[tuple[str, str], Stats] = {}
        for load, clients in loads:
            stats[load.name, load.caller] = Stats(
                load.name, load.caller, clients, seconds, expect=load.expect
            )
        for output in outputs:
            for name, caller, out in output["clients"]:
                entry = stats[name, caller]
                entry.latencies.extend(out["latencies"])
                entry.statuses.update(out["statuses"])
        cpu["client"] = sum(o["cpu_s"] for o in outputs) / seconds
        cpu["others"] = max(0.0, cpu["machine"] - cpu["server"] - cpu["database"] - cpu["client"])
        return {"loads": [s.summary() for s in stats.values()], "cpu": cpu, "load": load_average}


# --- setting up a backend -------------------------------------------------------------------


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

    def drop(self) -> None:
        with self.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


class Database:
    """Plain SQL on the benchmark's database, beside the server (not through Django)."""

    def __init__(self, backend: str, data_dir: Path, url: str | None) -> None:
        self.backend = backend
        self.data_dir = data_dir
        self.url = url

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        if self.backend == "sqlite":
            lite = sqlite3.connect(self.data_dir / "tandem.sqlite3", timeout=60)
            try:
                cursor = lite.execute(sql.replace("%s", "?"), params)
                return cursor.fetchall() if cursor.description else []
            finally:
                lite.close()
        import psycopg  # noqa: PLC0415

        assert self.url is not None
        with psycopg.connect(self.url, autocommit=True) as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def analyze(self) -> None:
        self.query("ANALYZE")

    def checkins(self) -> int:
        return int(self.query("SELECT count(*) FROM checkins_checkin")[0][0])


def tandem(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [str(Path(sys.executable).parent / "tandem"), *args],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise RuntimeError(f"tandem {' '.join(args[:2])} failed ({out.returncode})")
    return out.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(env: dict[str, str], workers: int, log: Path) -> Iterator[tuple[int, int]]:
    """``tandem serve`` on a free loopback port; yields (port, pid) once /healthz answers.

    The server leads a process group of its own (its workers are in it), and the whole group
    is stopped at the end, however the benchmark ends: no worker outlives it.
    """
    port = free_port()
    command = [str(Path(sys.executable).parent / "tandem"), "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers)]
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.time() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"tandem serve exited ({process.returncode}); see {log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise RuntimeError(f"tandem serve did not answer /healthz; see {log}")
            time.sleep(0.2)
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with suppress(ProcessLookupError):  # any worker left behind
            os.killpg(process.pid, signal.SIGKILL)


def get_json(port: int, path: str, token: str) -> Any:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
    return json.loads(body)


@dataclass
class Setup:
    admin_person: str
    admin_token: str
    team: str
    lead: str
    lead_token: str
    team_size: int
    checkin_targets: tuple[str, ...]


def prepare(db: Database, env: dict[str, str]) -> Setup:
    """Admin, tokens, the team and the key results to write to."""
    company, admin_person = db.query(
        "SELECT id, lead_id FROM people_team WHERE parent_id IS NULL ORDER BY position, id"
    )[0]
    team = company
    for _ in range(2):  # two levels down, the first team each time
        team = db.query(
            "SELECT id FROM people_team WHERE parent_id = %s ORDER BY position, id", [team]
        )[0][0]
    lead = db.query("SELECT lead_id FROM people_team WHERE id = %s", [team])[0][0]
    assert lead != admin_person
    team_size = int(
        db.query(
            "WITH RECURSIVE below(id) AS (SELECT id FROM people_team WHERE id = %s UNION "
            "SELECT t.id FROM people_team t JOIN below b ON t.parent_id = b.id) "
            "SELECT count(*) FROM below",
            [team],
        )[0][0]
    )
    targets = tuple(
        row[0]
        for row in db.query(
            "SELECT kr.id FROM okrs_keyresult kr JOIN okrs_objective o ON o.id = kr.objective_id "
            "JOIN okrs_cycle c ON c.id = o.cycle_id "
            "WHERE kr.form = 'numeric' AND c.state <> 'closed' ORDER BY kr.id"
        )
    )
    password = secrets.token_urlsafe(16)
    tandem(env, "createadmin", "--username", "bench-admin", "--password", password,
           "--person", admin_person)  # fmt: skip
    admin_token = tandem(env, "token", "create", admin_person, "--scope", "write").strip()
    lead_token = tandem(env, "token", "create", lead, "--scope", "read").strip()
    return Setup(admin_person, admin_token, team, lead, lead_token, team_size, targets)


def visible_ids(port: int, token: str) -> tuple[list[str], list[str]]:
    """The objectives and key results a caller may see (all cycles), through the API."""
    objectives: list[str] = []
    key_results: list[str] = []
    offset = 0
    while True:
        page = get_json(port, f"/api/v1/objectives?cycle=all&limit=1000&offset={offset}", token)
        for item in page["items"]:
            objectives.append(item["id"])
            key_results.extend(item["key_results"])
        offset += len(page["items"])
        if not page["items"] or offset >= page["count"]:
            return objectives, key_results


def read_loads(setup: Setup, port: int) -> list[Load]:
    loads = []
    for caller, token in (("admin", setup.admin_token), ("lead", setup.lead_token)):
        objectives, key_results = visible_ids(port, token)
        print(f"  {caller} sees {len(objectives):,} objectives, {len(key_results):,} key results")
        api = "/api/v1"
        loads += [
            Load("GET /objectives/{id}", caller, "GET",
                 tuple(f"{api}/objectives/{o}" for o in objectives), token),
            Load("GET /key-results/{id}", caller, "GET",
                 tuple(f"{api}/key-results/{k}" for k in key_results), token),
            Load("GET /key-results/{id}/check-ins", caller, "GET",
                 tuple(f"{api}/key-results/{k}/check-ins" for k in key_results), token),
            Load("GET /objectives?team=X", caller, "GET",
                 (f"{api}/objectives?team={setup.team}",), token),
            Load("GET /report?team=X", caller, "GET",
                 (f"{api}/report?team={setup.team}",), token),
        ]  # fmt: skip
    return loads


def checkin_load(setup: Setup, rate: float | None = None) -> Load:
    paths = tuple(f"/api/v1/key-results/{k}/check-ins" for k in setup.checkin_targets)
    return Load(
        "POST /key-results/{id}/check-ins",
        "admin",
        "POST",
        paths,
        setup.admin_token,
        body=CHECKIN,
        expect=201,
        rate=rate,
    )


def show(result: dict[str, Any], label: str = "") -> None:
    cpu = result["cpu"]
    usage = (
        f"cores: server {cpu['server']:.2f}, db {cpu['database']:.2f}, "
        f"client {cpu['client']:.2f}, others {cpu['others']:.2f}; load {result['load']:.1f}"
    )
    for s in result["loads"]:
        print(
            f"  {label}{s['name']:<34} {s['caller']:<5} {s['clients']:>2} clients: "
            f"p50 {s['p50']:7.1f}  p95 {s['p95']:7.1f}  p99 {s['p99']:7.1f}  max {s['max']:7.1f} ms"
            f"  {s['per_s']:7.1f}/s  errors {s['errors']} {s['statuses']}  ({usage})",
            flush=True,
        )


def settle(runner: Runner, loads: list[Load], seconds: float) -> None:
    """Warm up: read until every worker has the organisation and each caller's evaluation.

    Rounds of ``seconds`` with 2 fresh connections per load (each lands on some worker),
    until a round has no request slower than a second (at most 10 rounds).
    """
    for _ in range(10):
        result = runner.run([(load, 2) for load in loads], seconds)
        slowest = max(s["max"] for s in result["loads"])
        print(f"  warm-up: slowest read {slowest:,.0f} ms", flush=True)
        if slowest < 1000:
            return


def steady_reads(runner: Runner, loads: list[Load], args: argparse.Namespace) -> list[Any]:
    settle(runner, loads, args.warmup)
    results = []
    for load in loads:
        for clients in args.clients:
            result = runner.run([(load, clients)], args.duration)
            show(result)
            results.append(result)
    return results


def counted(runner: Runner, db: Database, loads: list[tuple[Load, int]], seconds: float) -> Any:
    """A run whose check-ins are counted in the database: lost = answered 201 - stored."""
    before = db.checkins()
    result = runner.run(loads, seconds)
    result["stored"] = db.checkins() - before
    result["lost"] = sum(s["ok"] for s in result["loads"] if s["method"] == "POST")
    result["lost"] -= result["stored"]
    return result


def writes(runner: Runner, db: Database, setup: Setup, args: argparse.Namespace) -> list[Any]:
    results = []
    for clients in args.clients:
        result = counted(runner, db, [(checkin_load(setup), clients)], args.write_duration)
        show(result)
        print(f"    stored {result['stored']}, lost {result['lost']}", flush=True)
        results.append(result)
    return results


def reads_while_writing(
    runner: Runner, db: Database, setup: Setup, loads: list[Load], args: argparse.Namespace
) -> list[Any]:
    """Object reads (admin) and the team report (lead) beside one paced writer."""
    object_read = next(x for x in loads if x.caller == "admin" and x.name.endswith("{id}"))
    team_report = next(x for x in loads if x.caller == "lead" and "report" in x.name)
    results = []
    for rate in args.write_rates:
        settle(runner, [object_read, team_report], args.warmup)
        mix = [(object_read, 2), (team_report, 2), (checkin_load(setup, rate), 1)]
        result = counted(runner, db, mix, args.mixed_duration)
        result["rate"] = rate
        show(result, f"[{rate:g}/s] ")
        print(f"    stored {result['stored']}, lost {result['lost']}", flush=True)
        results.append(result)
    return results


def bench(backend: str, path: Path, postgres: Postgres, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="tandem-bench-api-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env |= {"TANDEM_DATA_DIR": str(data_dir), "TANDEM_LOG_LEVEL": "WARNING"}
    url = None
    if backend == "postgresql":
        url = postgres.fresh()
        env["TANDEM_DATABASE_URL"] = url
    db = Database(backend, data_dir, url)
    row: dict[str, Any] = {"backend": backend, "workers": args.workers}
    try:
        began = time.perf_counter()
        tandem(env, "import", str(path))
        db.analyze()
        print(f"  imported in {time.perf_counter() - began:.1f} s", flush=True)
        setup = prepare(db, env)
        row |= {"team": setup.team, "team_size": setup.team_size, "lead": setup.lead}
        row["admin_person"] = setup.admin_person
        print(f"  team {setup.team} ({setup.team_size} teams), lead {setup.lead}", flush=True)
        with server(env, args.workers, data_dir / "serve.log") as (port, pid):
            runner = Runner(port, pid)
            loads = read_loads(setup, port)
            row["reads"] = steady_reads(runner, loads, args)
            row["worker_rss_mb"] = [rss_mb(w) for w in workers_of(pid)]
            print(f"  worker RSS: {row['worker_rss_mb']}", flush=True)
            row["writes"] = writes(runner, db, setup, args)
            row["mixed"] = reads_while_writing(runner, db, setup, loads, args)
            row["checkins"] = db.checkins()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if backend == "postgresql":
            postgres.drop()
    return row


# --- the report -------------------------------------------------------------------------------


def _ms(value: float) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _triple(s: dict[str, Any]) -> str:
    return f"{_ms(s['p50'])} / {_ms(s['p95'])} / {_ms(s['p99'])}"


def _per_request(cpu: dict[str, float], per_s: float, backend: str) -> tuple[str, str]:
    """CPU milliseconds per request (server + database + client) and the rate all cores
    would serve at that cost."""
    if per_s <= 0:
        return "—", "—"
    ms = {part: cpu[part] / per_s * 1000 for part in ("server", "database", "client")}
    db = f" + {ms['database']:.1f} db" if backend == "postgresql" else ""
    ceiling = CORES * 1000 / sum(ms.values())
    return f"{ms['server']:.1f}{db} + {ms['client']:.1f} client", f"{ceiling:,.0f}/s"


def _others(cpu: dict[str, float]) -> str:
    return f"{cpu['others']:.2f}"


def tables(rows: list[dict[str, Any]], clients: list[int]) -> str:
    most = clients[-1]
    out = [
        "Steady reads (warm cache), milliseconds, p50 / p95 / p99 by concurrent clients; "
        f"throughput, CPU per request and others' CPU (cores) with {most} clients:",
        "",
        "| backend | endpoint | caller | "
        + " | ".join(f"{c} client{'s' if c > 1 else ''}" for c in clients)
        + " | req/s | CPU ms per request | all cores at that cost | others | errors |",
        "|---|---|---|" + "---:|" * len(clients) + "---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        by_load: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for result in row["reads"]:
            s = result["loads"][0] | {"cpu": result["cpu"]}
            by_load.setdefault((s["name"], s["caller"]), []).append(s)
        for (name, caller), runs in by_load.items():
            errors = sum(s["errors"] for s in runs)
            last = runs[-1]
            cost, ceiling = _per_request(last["cpu"], last["per_s"], row["backend"])
            out.append(
                f"| {row['backend']} | `{name}` | {caller} | "
                + " | ".join(_triple(s) for s in runs)
                + f" | {last['per_s']:,.0f} | {cost} | {ceiling} | {_others(last['cpu'])} "
                f"| {errors} |"
            )
    out += [
        "",
        "Check-in writes (`POST /key-results/{id}/check-ins` as the admin, random numeric key "
        "results), milliseconds; lost = answered 201 - stored (counted in the database):",
        "",
        "| backend | clients | check-ins/s | p50 | p95 | p99 | max | answered 201 | errors "
        "| stored | lost | CPU ms per check-in | all cores at that cost | others |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        for result in row["writes"]:
            s = result["loads"][0]
            cost, ceiling = _per_request(result["cpu"], s["per_s"], row["backend"])
            out.append(
                f"| {row['backend']} | {s['clients']} | {s['per_s']:,.0f} | {_ms(s['p50'])} "
                f"| {_ms(s['p95'])} | {_ms(s['p99'])} | {_ms(s['max'])} | {s['ok']:,} "
                f"| {s['errors']} | {result['stored']:,} | {result['lost']} "
                f"| {cost} | {ceiling} | {_others(result['cpu'])} |"
            )
    out += [
        "",
        "Reads while check-ins are written (2 clients reading objects as the admin, 2 reading "
        "the team report as the lead, 1 writer at a fixed rate), milliseconds:",
        "",
        "| backend | writer: aimed at / got (check-ins/s) | read | caller | reads/s | p50 | p95 "
        "| max | reads over 1 s | write p50 / p95 | lost | others |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        for result in row["mixed"]:
            *reads, write = result["loads"]
            for s in reads:
                out.append(
                    f"| {row['backend']} | {result['rate']:g} / {write['per_s']:.1f} "
                    f"| `{s['name']}` | {s['caller']} "
                    f"| {s['per_s']:,.1f} | {_ms(s['p50'])} | {_ms(s['p95'])} | {_ms(s['max'])} "
                    f"| {s['over_1s']} of {s['requests']} "
                    f"| {_ms(write['p50'])} / {_ms(write['p95'])} | {result['lost']} "
                    f"| {_others(result['cpu'])} |"
                )
    return "\n".join(out)


def contention(row: dict[str, Any]) -> str:
    """How busy the rest of the machine was during a backend's runs."""
    runs = [*row["reads"], *row["writes"], *row["mixed"]]
    others = [r["cpu"]["others"] for r in runs]
    loads = [r["load"] for r in runs]
    return (
        f"{row['backend']}: other processes used {sum(others) / len(others):.2f} cores on "
        f"average ({min(others):.2f}–{max(others):.2f}), load average {min(loads):.1f}–"
        f"{max(loads):.1f}"
    )


def _version(package: str) -> str:
    from importlib.metadata import version  # noqa: PLC0415

    return version(package)


def commit() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        return ""
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], check=False, cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return f"commit {out.stdout.strip()}{' with uncommitted changes' if dirty else ''}, "


def smoke_problems(rows: list[dict[str, Any]]) -> list[str]:
    """What went wrong in a smoke run: errors, lost check-ins, runs that sent nothing."""
    problems = []
    for row in rows:
        if not row.get("worker_rss_mb"):
            problems.append(f"{row['backend']}: no worker found")
        for part in ("reads", "writes", "mixed"):
            for result in row.get(part, []):
                if result.get("lost"):
                    problems.append(f"{row['backend']} {part}: {result['lost']} check-ins lost")
                for s in result["loads"]:
                    if s["errors"] or not s["ok"]:
                        problems.append(
                            f"{row['backend']} {part}: {s['name']} as {s['caller']}, "
                            f"{s['ok']} answered {s['statuses']}"
                        )
    return problems


def smoke_args(args: argparse.Namespace) -> int:
    """Set ``args`` for a smoke run; returns its people."""
    args.no_write = True
    args.clients, args.write_rates = [1, 2], [5.0]
    args.duration = args.write_duration = args.warmup = 0.5
    args.mixed_duration = 1.0
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import SMOKE_PEOPLE  # noqa: PLC0415

    return SMOKE_PEOPLE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=BACKENDS)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "TANDEM_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server to create the benchmark database on (as a superuser)",
    )
    parser.add_argument("--workers", type=int, default=2, help="tandem serve --workers")
    parser.add_argument("--clients", type=int, nargs="+", default=CLIENTS)
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per read run")
    parser.add_argument("--write-duration", type=float, default=8.0)
    parser.add_argument("--mixed-duration", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=4.0)
    parser.add_argument("--write-rates", type=float, nargs="+", default=WRITE_RATES)
    parser.add_argument("--no-write", action="store_true", help="do not update the docs")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="every run at a tiny size (100 people, half-second runs); writes nothing",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from database import database_versions, ram_gb  # noqa: PLC0415
    from run import (  # noqa: PLC0415
        DATA,
        SEED,
        machine,
        organisation,
        smoke_failed,
        unwind_on_sigterm,
    )

    unwind_on_sigterm()

    people, postgres = PEOPLE, Postgres(args.postgres)
    if args.smoke:
        people = smoke_args(args)
        postgres = Postgres(args.postgres, f"bench_api_smoke_{os.getpid()}")
    backends = list(args.backends)
    versions = database_versions(postgres, backends, smoke=args.smoke)
    started = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory(prefix="tandem-bench-smoke-") as temporary:
        path = organisation(people, Path(temporary) if args.smoke else DATA)
        for backend in backends:
            load = os.getloadavg()[0]
            print(f"{people:,} people, {backend} (load average {load:.1f})", flush=True)
            rows.append(bench(backend, path, postgres, args))
    first = rows[0]
    result = (
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}, {ram_gb():.0f} GB RAM, "
        f"{versions}, Django {_version('django')}, Granian {_version('granian')} "
        f"(`make bench-api`, {commit()}seed {SEED}, {people:,} people; "
        f"`tandem serve --workers {args.workers}`, 2 threads each; "
        f"report team `{first['team']}`: {first['team_size']} teams, "
        f"lead `{first['lead']}`; admin linked to `{first['admin_person']}`; "
        f"{args.duration:g} s per read run, {args.write_duration:g} s per write run, "
        f"{args.mixed_duration:g} s per mixed run). Worker RSS after the reads: "
        + ", ".join(
            f"{row['backend']} " + " and ".join(f"{mb:,.0f}" for mb in row["worker_rss_mb"]) + " MB"
            for row in rows
        )
        + ". While it ran, "
        + "; ".join(contention(row) for row in rows)
        + f".\n\n{tables(rows, args.clients)}"
    )
    print(result)
    print(f"\n(the whole benchmark took {time.perf_counter() - started:.0f} s)")
    if args.smoke:
        smoke_failed(smoke_problems(rows))
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(result + "\n")
    (RESULTS.with_suffix(".json")).write_text(json.dumps(rows, indent=1))
    defaults = (
        all(
            getattr(args, name) == parser.get_default(name)
            for name in ("workers", "clients", "duration", "write_duration", "mixed_duration")
        )
        and args.write_rates == WRITE_RATES
    )
    if not args.no_write and backends == BACKENDS and defaults:
        text = DOC.read_text()
        if MARK_BEGIN in text and MARK_END in text:
            begin, end = text.index(MARK_BEGIN) + len(MARK_BEGIN), text.index(MARK_END)
            DOC.write_text(text[:begin] + "\n" + result + "\n" + text[end:])
            print(f"updated {DOC.relative_to(ROOT)}")
        else:
            print(f"{DOC.relative_to(ROOT)} has no api benchmark markers; wrote {RESULTS}")


if __name__ == "__main__":
    main()
