"""Check-in reminders and weekly digests: computing and queuing everyone's in one round.

    python benchmarks/rhythm.py                      # 10k and 100k people on SQLite
    python benchmarks/rhythm.py --sizes 10000 30000  # other sizes
    python benchmarks/rhythm.py --smoke              # 100 people; writes nothing

For each size the generated organisation goes into a fresh SQLite file (a temporary
TANDEM_DATA_DIR), then one fresh process sets the organisation's reminder and digest cadence
to the as-of day at 09:00 (everyone's moment falls in the round's window: the worst case, a
whole organisation on one default) and measures:

- warm: reading the organisation into the cache and evaluating it on the day and a week
  before (what every page pays once per process, and the round reuses);
- round: ``rhythm_run`` over the window, in batches of 1,000 people: each person's reminder
  (what needs their check-in) and digest, written in bulk;
- the queries of each batch (the same for every full batch), the notifications written, and
  the peak memory: resident set after the warm-up and at the end (what the batches add).

Results are printed, and written to benchmarks/data/rhythm-results.json (not in a smoke run).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any

from run import AS_OF, DATA, ROOT, SMOKE_PEOPLE, machine, organisation, smoke_failed

SIZES = [10_000, 100_000]


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """The resident memory now (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure_import(path: str) -> dict[str, Any]:
    """In a fresh process on an empty database: migrate and import (benchmarks/database.py)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from database import measure_import as imported  # noqa: PLC0415

    return imported(path)


def measure_round() -> dict[str, Any]:
    """In a fresh process on the imported organisation: one round."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from database import django_setup  # noqa: PLC0415

    django_setup()
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from tandem.notifications import rhythm  # noqa: PLC0415
    from tandem.notifications.cadence import DIGEST, REMINDER, Rhythm, cadence_set  # noqa: PLC0415
    from tandem.notifications.models import Notification  # noqa: PLC0415
    from tandem.notifications.round import round_get  # noqa: PLC0415

    moment = Rhythm(AS_OF.weekday(), clock(9, 0))
    cadence_set(kind=REMINDER, rhythm=moment)
    cadence_set(kind=DIGEST, rhythm=moment)
    started = time.perf_counter()
    round_get(AS_OF)
    warm_s = time.perf_counter() - started
    warm_rss = maxrss_mb()
    queries: list[int] = []
    after_batch: list[float] = []
    real = rhythm._batch

    def counted(*args: Any) -> None:
        with CaptureQueriesContext(connection) as captured:
            real(*args)
        queries.append(len(captured))
        connection.queries_log.clear()  # kept while counting: not the round's memory
        after_batch.append(rss_mb())

    rhythm._batch = counted  # type: ignore[assignment]
    end = datetime.combine(AS_OF, clock(9, 0), tzinfo=UTC)
    started = time.perf_counter()
    counts = rhythm.rhythm_run(end.replace(hour=8, minute=45), end)
    round_s = time.perf_counter() - started
    return {
        "warm_s": warm_s,
        "round_s": round_s,
        "reminders": counts.reminders,
        "digests": counts.digests,
        "written": Notification.objects.count(),
        "batches": counts.batches,
        "queries_per_batch": sorted(set(queries)),
        "warm_rss_mb": warm_rss,
        "first_batch_rss_mb": after_batch[0],
        "last_batch_rss_mb": after_batch[-1],
        "peak_rss_mb": maxrss_mb(),
    }


def in_child(task: str, data_dir: Path) -> dict[str, Any]:
    env = os.environ | {
        "TANDEM_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "tandem.server.settings",
    }
    code = (
        "import json, sys; sys.path.insert(0, 'benchmarks'); import rhythm; "
        f"print(json.dumps(rhythm.{task}))"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr)
        raise
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench(people: int, data: Path) -> dict[str, Any]:
    path = organisation(people, data)
    with tempfile.TemporaryDirectory(prefix="tandem-rhythm-") as data_dir:
        imported = in_child(f"measure_import({str(path)!r})", Path(data_dir))
        row = in_child("measure_round()", Path(data_dir))
    row["people"] = people
    row["import_s"] = imported["import_s"]
    print(
        f"  {people:>7} people: round {row['round_s']:.1f} s (warm-up {row['warm_s']:.1f} s), "
        f"{row['reminders']} reminders, {row['digests']} digests, {row['batches']} batches, "
        f"queries per batch {row['queries_per_batch']}, RSS {row['warm_rss_mb']:.0f} MB after "
        f"the warm-up, {row['first_batch_rss_mb']:.0f} MB after the first batch, "
        f"{row['last_batch_rss_mb']:.0f} MB after the last, peak {row['peak_rss_mb']:.0f} MB",
        flush=True,
    )
    return row


def smoke_problems(row: dict[str, Any]) -> list[str]:
    problems = []
    if row["digests"] != row["people"]:
        problems.append(f"{row['digests']} digests for {row['people']} people")
    if row["written"] != row["digests"] + row["reminders"]:
        problems.append("the notifications written are not the reminders and digests counted")
    if len(row["queries_per_batch"]) > 2:
        problems.append(f"queries per batch vary: {row['queries_per_batch']}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--smoke", action="store_true", help="100 people; writes nothing")
    args = parser.parse_args()
    print(f"Rhythm benchmark on {machine()}", flush=True)
    if args.smoke:
        with tempfile.TemporaryDirectory(prefix="tandem-rhythm-smoke-") as folder:
            row = bench(SMOKE_PEOPLE, Path(folder))
        smoke_failed(smoke_problems(row))
        return
    rows = [bench(people, DATA) for people in args.sizes]
    out = DATA / "rhythm-results.json"
    out.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2) + "\n")
    print(f"Wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
