"""The files docs/onboarding.md's walk-throughs use: the example workbook (docs/examples'
two CSV files as sheets) and the Viva Goals organisation export of the second walk-through.
tests/web/test_get_started.py imports both, so the screenshots and the guide cannot rot."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tests.importers.files import ANA, BEN, viva_export, write_xlsx

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def guide_export() -> dict[str, list[dict[str, Any]]]:
    """The tests' organisation export (a closed 2025 quarter with its awkward parts) and the
    quarter under way: a Big rock, two KPIs and their check-ins."""
    export = viva_export()
    export["TimePeriods"].append(
        {
            "ID": 13,
            "Time Period Name": "Q4 2026",
            "Start Date": "2026-10-01",
            "End Date": "2026-12-31",
        }
    )

    def kpi(gid: int, title: str, owner: dict[str, Any], outcome: dict[str, Any]) -> dict[str, Any]:
        return {
            "ID": gid,
            "Title": title,
            "Type": "Kpi",
            "Owner": [owner],
            "Teams": [{"ID": 22, "Name": "Search"}],
            "Time Period": {"ID": 13, "Name": "Q4 2026"},
            "Alignment": [{"ID": 200, "Title": "Search that customers love", "Weight": "50%"}],
            "Outcome": {"Outcome Type": "Metric", **outcome},
        }

    export["objectives"] += [
        {
            "ID": 200,
            "Title": "Search that customers love",
            "Type": "Big rock",
            "Owner": [],  # no owner, no creator: the team's, here the company's
            "Teams": [{"ID": 20, "Name": "Northwind"}],
            "Time Period": {"ID": 13, "Name": "Q4 2026"},
            "Goal Type": "Committed",
        },
        kpi(
            201,
            "p95 search latency",
            ANA,
            {"Metric Unit": "ms", "Start": 900, "Target": 400, "Target Type": "Decrease"},
        ),
        kpi(
            202,
            "Weekly searchers",
            BEN,
            {"Metric Unit": "people", "Start": 10000, "Target": 15000, "Target Type": "Increase"},
        ),
    ]
    readings = [
        (201, "2026-10-09", ANA, 850, "Query cache on"),
        (201, "2026-10-30", ANA, 760, "<p>Shards rebalanced</p>"),
        (201, "2026-11-13", ANA, 690, "Slow path for long queries remains"),
        (202, "2026-10-16", BEN, 10800, "Launch mail sent"),
        (202, "2026-11-12", BEN, 12100, "Mobile search is live"),
    ]
    export["checkins"] += [
        {
            "ID": 600 + number,
            "OKR ID": goal,
            "CheckIn Date": day,
            "Check In Owner": who,
            "Check In Note": {"Check In Note": None, "Check In Note HTML": note},
            "Current Value": value,
        }
        for number, (goal, day, who, value, note) in enumerate(readings)
    ]
    return export


def example_workbook() -> Path:
    """docs/examples/people-and-teams.xlsx: the two CSV files as the sheets of one workbook."""
    sheets = {}
    for sheet, name in (("People", "people.csv"), ("Teams", "teams.csv")):
        with (EXAMPLES / name).open(newline="", encoding="utf-8") as handle:
            sheets[sheet] = [row for row in csv.reader(handle) if row]
    return write_xlsx(EXAMPLES / "people-and-teams.xlsx", sheets)
