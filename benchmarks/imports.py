"""Imports from other tools: a spreadsheet (CSV, XLSX) and a Viva Goals ZIP of 10k people.

    python benchmarks/imports.py           # 10,000 people; a table for docs/performance.md
    python benchmarks/imports.py --people 2000
    python benchmarks/imports.py --smoke      # every path at 100 people; writes nothing

Each source goes into a fresh SQLite database through ``tandem import`` as a user runs it (a
new process: read, plan, write), then is imported again (which must change nothing). The goal
is under 60 s for each first import on 2 cores (docs/performance.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TANDEM = [sys.executable, "-m", "tandem"]
KRS = 3


def spreadsheet(folder: Path, people: int) -> list[Path]:
    teams = max(1, people // 20)
    rows = [["Email", "Name", "Manager", "Team"]]
    for i in range(people):
        manager = f"p{i // 10}@example.com" if i else ""
        rows.append([f"p{i}@example.com", f"Person {i}", manager, f"Team {i % teams}"])
    team_rows = [["Team", "Parent team", "Lead"], ["Company", "", "p0@example.com"]]
    team_rows += [[f"Team {t}", "Company", f"p{t}@example.com"] for t in range(teams)]
    okrs = [["ID", "Type", "Title", "Parent", "Owner", "Cycle", "Start", "Target", "Unit"]]
    for o in range(people // 5):
        owner = f"p{o * 5}@example.com"
        okrs.append([f"O-{o}", "objective", f"Objective {o}", "", owner, "Q1 2026", "", "", ""])
        okrs += [
            [f"O-{o}.{k}", "key result", f"Result {o}.{k}", f"O-{o}", owner, "", 0, 100, "%"]
            for k in range(KRS)
        ]
    files = []
    for name, table in (("people", rows), ("teams", team_rows), ("okrs", okrs)):
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(table)
        files.append(path)
    return files


def workbook(folder: Path, files: list[Path]) -> Path:
    from openpyxl import Workbook  # noqa: PLC0415

    book = Workbook(write_only=True)
    for path in files:
        sheet = book.create_sheet(path.stem)
        with path.open(encoding="utf-8", newline="") as handle:
            for i, row in enumerate(csv.reader(handle)):
                sheet.append([int(c) if i and c.isdigit() else c for c in row])
    path = folder / "book.xlsx"
    book.save(path)
    return path


def viva(folder: Path, people: int) -> Path:
    def user(i: int) -> dict[str, object]:
        return {"ID": i, "Name": f"Person {i}", "Email": f"p{i}@example.com"}

    teams = max(1, people // 20)
    export = {
        "TimePeriods": [
            {
                "ID": 1,
                "Time Period Name": "Annual 2026",
                "Start Date": "2026-01-01",
                "End Date": "2026-12-31",
            },
            {
                "ID": 2,
                "Time Period Name": "Q1 2026",
                "Start Date": "2026-01-01",
                "End Date": "2026-03-31",
            },
        ],
        "Users": [user(i) for i in range(people)],
        "Teams": [
            {"ID": 10**6, "Team Name": "Company", "Parent Team": "", "Team Owners": [user(0)]}
        ]
        + [
            {
                "ID": 10**6 + t + 1,
                "Team Name": f"Team {t}",
                "Parent Team": "Company",
                "Team Owners": [user(t)],
            }
            for t in range(teams)
        ],
        "objectives": [],
        "checkins": [],
    }
    for o in range(people // 5):
        rock = 10**7 + o * 10
        export["objectives"].append(
            {
                "ID": rock,
                "Title": f"Objective {o}",
                "Type": "Big rock",
                "Owner": [user(o * 5)],
                "Time Period": {"ID": 2},
            }
        )
        for k in range(1, KRS + 1):
            export["objectives"].append(
                {
                    "ID": rock + k,
                    "Title": f"Result {o}.{k}",
                    "Type": "Kpi",
                    "Owner": [user(o * 5)],
                    "Time Period": {"ID": 2},
                    "Alignment": [{"ID": rock, "Weight": "33%"}],
                    "Outcome": {
                        "Outcome Type": "Metric",
                        "Start": 0,
                        "Target": 100,
                        "Metric Unit": "%",
                        "Target Type": "Increase",
                    },
                }
            )
            export["checkins"].append(
                {
                    "ID": rock + k,
                    "OKR ID": rock + k,
                    "CheckIn Date": "2026-02-01",
                    "Check In Owner": user(o * 5),
                    "Check In Note": {"Check In Note HTML": "<p>On <b>track</b></p>"},
                    "Current Value": 40,
                }
            )
    path = folder / "viva.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, items in export.items():
            archive.writestr(f"{name}.json", json.dumps(items))
    return path


def run_import(files: list[Path], data_dir: Path) -> tuple[float, str]:
    env = os.environ | {"TANDEM_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    started = time.perf_counter()
    done = subprocess.run(
        [*TANDEM, "import", *map(str, files)],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"import of {files[0].name} failed:\n{done.stderr[-3000:]}")
    return elapsed, done.stderr


def measure(people: int) -> list[tuple[str, float, float]]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_files = spreadsheet(folder, people)
        sources = {
            "CSV (3 files)": csv_files,
            "XLSX (3 sheets)": [workbook(folder, csv_files)],
            "Viva Goals ZIP": [viva(folder, people)],
        }
        for label, files in sources.items():
            data_dir = folder / f"db-{len(results)}"
            data_dir.mkdir()
            first, _ = run_import(files, data_dir)
            again, err = run_import(files, data_dir)
            if "already matches" not in err:
                sys.exit(f"a second import of {label} changed something:\n{err[-3000:]}")
            results.append((label, first, again))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--smoke", action="store_true", help="100 people; print nothing to record")
    args = parser.parse_args()
    people = 100 if args.smoke else args.people
    results = measure(people)
    print(f"| source ({people:,} people) | first import | again (no change) |")
    print("|---|---:|---:|")
    for label, first, again in results:
        print(f"| {label} | {first:.1f} s | {again:.1f} s |")


if __name__ == "__main__":
    main()
