"""Benchmarks: load, report and lint time and peak memory for generated organisations.

    python benchmarks/run.py                 # 1k, 10k and 100k people; updates docs/performance.md
    python benchmarks/run.py --sizes 1000    # a quick run; prints only
    python benchmarks/run.py --smoke         # every code path at a tiny size; writes nothing

Each measurement runs in a fresh process, so peak memory (max RSS) belongs to that measurement
alone. Generated files are cached in benchmarks/data/ (same seed, same file).

``--smoke`` (here and in the other benchmarks, all run by ``make bench-smoke`` in CI) proves the
benchmark still runs: a tiny organisation generated into a temporary folder, every measurement
once, a failure for anything that went wrong, and nothing written but temporary files.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from tandem.core.engine import evaluate
from tandem.core.quality import lint
from tandem.core.report import build_report, resolve_scope
from tandem.generator import write_organization
from tandem.okrfile import load_path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
DOC = ROOT / "docs" / "performance.md"
AS_OF = date(2026, 11, 15)
SEED = 1
MARK_BEGIN = "<!-- benchmark results: begin -->"
MARK_END = "<!-- benchmark results: end -->"
SMOKE_PEOPLE = 100  # the organisation of every smoke run: tiny, yet two levels of teams deep


def measure(path: str, task: str) -> dict[str, float]:
    """Runs inside the child process: load the file, then run ``task`` once."""
    started = time.perf_counter()
    org = load_path(path).organization
    gc.freeze()  # as the CLI does after loading
    loaded = time.perf_counter()
    rss_after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result: dict[str, float] = {"load_s": loaded - started, "load_rss_mb": rss_after_load}
    if task in ("report", "report-plain"):
        # report-plain: SPEC section 4 alone, without the insight of section 5 (forecasts,
        # calibration, blast radius, critical providers), to see what the insight costs.
        evaluation = evaluate(org, AS_OF)
        scope = resolve_scope(org, AS_OF, cycle="all")
        report = build_report(org, evaluation, scope, with_insight=task == "report")
        json.dumps(report)
        result["objectives"] = len(report["objectives"])
        result["key_results"] = len(report["key_results"])
    elif task == "lint":
        findings = lint(org, evaluate(org, AS_OF))
        result["findings"] = len(findings)
    result["engine_s"] = time.perf_counter() - loaded
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def in_child(path: Path, task: str) -> dict[str, float]:
    code = (
        "import json, sys; sys.path.insert(0, 'benchmarks'); from run import measure; "
        f"print(json.dumps(measure({str(path)!r}, {task!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def organisation(people: int, data: Path = DATA) -> Path:
    """The generated organisation of ``people``, cached in ``data`` (a temporary folder for
    smoke runs)."""
    path = data / f"org-{people}-seed{SEED}.yaml"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        write_organization(people=people, seed=SEED, path=path, as_of=AS_OF)
        print(f"  generated {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| people | file | objectives | key results | load | report engine "
        "| without insight | report peak RSS | lint engine | findings | lint peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        report, plain, linted = row["report"], row["report-plain"], row["lint"]
        assert isinstance(report, dict)
        assert isinstance(plain, dict)
        assert isinstance(linted, dict)
        lines.append(
            f"| {row['people']:,} | {row['file_mb']:.1f} MB | {report['objectives']:,.0f} "
            f"| {report['key_results']:,.0f} | {report['load_s']:.2f} s "
            f"| {report['engine_s']:.2f} s | {plain['engine_s']:.2f} s "
            f"| {report['peak_rss_mb']:,.0f} MB "
            f"| {linted['engine_s']:.2f} s | {linted['findings']:,.0f} "
            f"| {linted['peak_rss_mb']:,.0f} MB |"
        )
    return "\n".join(lines)


def unwind_on_sigterm() -> None:
    """Make a stop (CI's timeout, kill) unwind like Ctrl-C: ``finally`` blocks stop servers,
    drop databases and remove temporary folders."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))


def smoke_failed(problems: list[str]) -> None:
    """End a smoke run that went wrong with the list of what did."""
    if problems:
        raise SystemExit("smoke run failed:\n" + "\n".join(f"- {p}" for p in problems))
    print("smoke run passed", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--no-write", action="store_true", help="do not update the docs")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"{SMOKE_PEOPLE} people generated into a temporary folder; writes nothing",
    )
    args = parser.parse_args()
    unwind_on_sigterm()
    if args.smoke:
        args.sizes, args.no_write = [SMOKE_PEOPLE], True
    with tempfile.TemporaryDirectory(prefix="tandem-bench-smoke-") as temporary:
        rows = measure_all(args.sizes, Path(temporary) if args.smoke else DATA)
    result = (
        f"Measured {date.today().isoformat()} on {machine()} "
        f"(`make bench`, seed {SEED}, as of {AS_OF}).\n\n{table(rows)}"
    )
    print(result)
    if args.smoke:
        reports = [row["report"] for row in rows]
        smoke_failed(
            [
                "the report found no objectives"
                for report in reports
                if not (isinstance(report, dict) and report.get("objectives"))
            ]
        )
    if not args.no_write and args.sizes == [1_000, 10_000, 100_000]:
        text = DOC.read_text()
        begin, end = text.index(MARK_BEGIN) + len(MARK_BEGIN), text.index(MARK_END)
        DOC.write_text(text[:begin] + "\n" + result + "\n" + text[end:])
        print(f"updated {DOC.relative_to(ROOT)}")


def measure_all(sizes: list[int], data: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for people in sizes:
        print(f"{people:,} people", flush=True)
        path = organisation(people, data)
        row: dict[str, object] = {"people": people, "file_mb": path.stat().st_size / 2**20}
        for task in ("report", "report-plain", "lint"):
            row[task] = in_child(path, task)
            print(f"  {task}: {row[task]}", flush=True)
        rows.append(row)
    return rows


if __name__ == "__main__":
    main()
