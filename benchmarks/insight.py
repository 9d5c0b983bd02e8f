"""What the insight of SPEC section 5 costs the report: the engine's time with and without it.

    python benchmarks/insight.py                  # 10k and 100k people; prints a table
    python benchmarks/insight.py --sizes 1000     # a quick run
    python benchmarks/insight.py --smoke          # 100 people, once; writes nothing

Each organisation is loaded once; then the report of every cycle (evaluate + build_report +
orjson.dumps, the serialiser `tandem report` and the API write it with) is timed without the
insight and with it, alternately, ``--rounds`` times each, keeping the best of each, first with
the cyclic garbage collector running (as the pages and the API compute a report) and then
paused (as `tandem report` runs), with the insight's parts apart:
forecasts, blast radii, calibration, and one "what if" (one more evaluation). Times are the
process's CPU time, each run after a collection: on a machine shared with other work the wall
clock mostly measures the wait for a core. The generated files are those of benchmarks/run.py
(benchmarks/data/, same seed).
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).parent))

from run import AS_OF, DATA, SMOKE_PEOPLE, machine, organisation, smoke_failed

from tandem.core import model as m
from tandem.core.blast import blast_radii, what_if
from tandem.core.engine import evaluate
from tandem.core.insight import calibration, forecasts
from tandem.core.report import build_report, resolve_scope
from tandem.okrfile import load_path


def best(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        gc.collect()  # each run from the same state of the cyclic collector
        # The process's CPU time: on a machine shared with other work the wall clock mostly
        # measures the waiting for a core (the runs are single-threaded).
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return min(times)


def measure(org: m.Organization, rounds: int) -> dict[str, float]:
    scope = resolve_scope(org, AS_OF, cycle="all")

    def report(insight: bool) -> Callable[[], object]:
        return lambda: orjson.dumps(
            build_report(org, evaluate(org, AS_OF), scope, with_insight=insight)
        )

    found: dict[str, float] = {}
    # With the cyclic collector running (as the pages and the API compute a report), then
    # paused (as `tandem report` runs: tandem.cli pauses it while the engine works).
    for suffix, collecting in (("", True), ("_paused", False)):
        plain = with_insight = float("inf")
        if not collecting:
            gc.disable()
        for _ in range(rounds):  # alternately, so that both see the same machine
            plain = min(plain, best(report(False), 1))
            with_insight = min(with_insight, best(report(True), 1))
        gc.enable()
        found[f"plain{suffix}_s"], found[f"insight{suffix}_s"] = plain, with_insight
    evaluation = evaluate(org, AS_OF)
    radii = blast_radii(org)
    provider = max(radii, key=lambda kid: len(radii[kid].key_results), default=None)
    return found | {
        "forecasts_s": best(lambda: forecasts(org, evaluation), rounds),
        "blast_s": best(lambda: blast_radii(org), rounds),
        "calibration_s": best(lambda: calibration(org, evaluation), rounds),
        "what_if_s": best(lambda: what_if(org, evaluation, provider), 1) if provider else 0.0,
        "key_results": len(org.key_results),
        "providers": len(radii),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="100 people, once; writes nothing")
    args = parser.parse_args()
    if args.smoke:
        args.sizes, args.rounds = [SMOKE_PEOPLE], 1
    lines = [
        "| people | key results | report without insight | with insight | growth "
        "| collector paused: without | with | growth "
        "| forecasts | blast radii | calibration | one what if |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory(prefix="tandem-bench-smoke-") as temporary:
        for people in args.sizes:
            path = organisation(people, Path(temporary) if args.smoke else DATA)
            org = load_path(str(path)).organization
            gc.freeze()
            found = measure(org, args.rounds)
            print(f"{people:,} people: {found}", flush=True)
            lines.append(
                f"| {people:,} | {found['key_results']:,.0f} | {found['plain_s']:.2f} s "
                f"| {found['insight_s']:.2f} s "
                f"| {found['insight_s'] / found['plain_s'] - 1:+.0%} "
                f"| {found['plain_paused_s']:.2f} s | {found['insight_paused_s']:.2f} s "
                f"| {found['insight_paused_s'] / found['plain_paused_s'] - 1:+.0%} "
                f"| {found['forecasts_s']:.3f} s | {found['blast_s']:.3f} s "
                f"| {found['calibration_s']:.3f} s | {found['what_if_s']:.2f} s |"
            )
            del org
            gc.unfreeze()
            gc.collect()
    print(f"Measured on {machine()} (as of {AS_OF}, best of {args.rounds}).\n")
    print("\n".join(lines))
    if args.smoke:
        smoke_failed([])


if __name__ == "__main__":
    main()
