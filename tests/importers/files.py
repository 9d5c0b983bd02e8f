"""Source files built in the tests, from the shapes in the formats' documentation."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]], merge: str | None = None) -> Path:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if merge:
            sheet.merge_cells(merge)
    book.save(path)
    return path


PEOPLE = [
    ["E-mail", "Full name", "Manager", "Team"],
    ["zoe@example.com", "Zoe Admin", "", "Northwind"],
    ["ana@example.com", "Ana Lead", "zoe@example.com", "Search"],
    ["ben@example.com", "Ben Member", "ana@example.com", "Search"],
]
TEAMS = [
    ["Team name", "Parent team", "Lead"],
    ["Northwind", "", "zoe@example.com"],
    ["Search", "Northwind", "ana@example.com"],
]
OKRS = [
    ["ID", "Type", "Title", "Parent", "Owner", "Cycle", "Start", "Target", "Unit"],
    ["O-1", "Objective", "Search feels instant", "", "Search", "Q1 2026", "", "", ""],
    ["KR-1", "Key result", "p50 latency", "O-1", "ben@example.com", "", "800", "300", "ms"],
    ["KR-2", "KR", "Ship the new index", "O-1", "ana@example.com", "", "", "", ""],
]


def user(uid: int, name: str, email: str | None) -> dict[str, Any]:
    return {"ID": uid, "Name": name, "Email": email}


ZOE, ANA, BEN = (
    user(1, "Zoe Admin", "zoe@example.com"),
    user(2, "Ana Lead", "ana@example.com"),
    user(3, "Ben Member", None),
)


def viva_export() -> dict[str, list[dict[str, Any]]]:
    """An organisation export with the awkward parts: a period name Tandem cannot read, a user
    without e-mail, an alignment to a missing goal, a 3-level team tree by names, HTML notes,
    a closed period with scores, projects."""
    periods = [
        {
            "ID": 10,
            "Time Period Name": "Annual 2025",
            "Start Date": "2025-01-01",
            "End Date": "2025-12-31",
        },
        {
            "ID": 11,
            "Time Period Name": "Q1 2025",
            "Start Date": "2025-01-01T00:00:00Z",
            "End Date": "2025-03-31",
        },
        {
            "ID": 12,
            "Time Period Name": "Sprint Kangaroo",
            "Start Date": "2025-04-01",
            "End Date": "2025-06-30",
        },
    ]
    teams = [
        {
            "ID": 20,
            "Team Name": "Northwind",
            "Parent Team": "",
            "Team Owners": [ZOE],
            "Team Type": "Org",
            "Status": "Active",
            "Description": None,
        },
        {
            "ID": 21,
            "Team Name": "Product",
            "Parent Team": "Northwind",
            "Team Owners": [ANA],
            "Description": "x",
        },
        {
            "ID": 22,
            "Team Name": "Search",
            "Parent Team": "Product",
            "Team Owners": [ANA, BEN],
            "Description": None,
        },
    ]

    def goal(gid: int, title: str, kind: str, period: int, **extra: Any) -> dict[str, Any]:
        base = {
            "ID": gid,
            "Title": title,
            "Type": kind,
            "Created By": ZOE,
            "Owner": [ANA],
            "Teams": [{"ID": 22, "Name": "Search"}],
            "Time Period": {"ID": period, "Name": ""},
            "Alignment": None,
            "Description": None,
            "Progress": 0,
            "Status": "On Track",
            "Outcome": {"Outcome Type": "Percentage"},
            "Score": None,
            "Goal Type": "aspirational",
            "Last Check-in": "2025-03-20",
            "Parent IDs": [],
            "Children": None,
        }
        return base | extra

    objectives = [
        goal(
            100,
            "Be the fastest search",
            "Big rock",
            11,
            Owner=[ZOE],
            Description="<p>Fast <b>&amp;</b> right</p><script>alert(1)</script>",
            **{"Goal Type": "Committed"},
        ),
        goal(
            101,
            "p50 latency",
            "Kpi",
            11,
            Alignment=[{"ID": 100, "Title": "x", "Weight": "60%"}],
            Outcome={
                "Outcome Type": "Metric",
                "Metric Name": "p50",
                "Metric Unit": "ms",
                "Start": 800,
                "Target": 300,
                "Target Type": "Decrease",
            },
            Score=0.7,
            Status="Closed",
        ),
        goal(
            102,
            "Index coverage",
            "Kpi",
            11,
            Alignment=[
                {"ID": 100, "Title": "x", "Weight": "40%"},
                {"ID": 999, "Title": "gone", "Weight": "10%"},
            ],
            Score=0.5,
        ),
        goal(
            103,
            "Build the new index",
            "Project",
            11,
            Alignment=[{"ID": 102, "Title": "x", "Weight": "100%"}],
            Status="Closed",
            Progress=100,
        ),
        goal(
            104,
            "Hire a designer",
            "Project",
            11,
            Alignment=[{"ID": 100, "Title": "x", "Weight": "100%"}],
        ),
        goal(
            107,
            "p99 latency",
            "Kpi",
            11,
            Alignment=[{"ID": 101, "Title": "x", "Weight": "100%"}],
        ),
        goal(
            105,
            "Happy customers",
            "Big rock",
            12,
            Owner=[BEN],
            Alignment=[{"ID": 100, "Title": "x", "Weight": "100%"}],
        ),
        goal(
            106,
            "Keep NPS",
            "Kpi",
            12,
            Owner=[BEN],
            Alignment=[{"ID": 105, "Weight": "100%"}],
            Outcome={
                "Outcome Type": "Metric",
                "Metric Unit": "points",
                "Start": 40,
                "Target": 40,
                "Target Type": "Maintain",
            },
        ),
    ]
    checkins = [
        {
            "ID": 500,
            "OKR ID": 101,
            "CheckIn Date": "2025-02-01",
            "Check In Owner": BEN,
            "Check In Note": {
                "Check In Note": None,
                "Check In Note HTML": "<div>Cache <i>warmed</i><br>p50 now 500&nbsp;ms</div>",
            },
            "Current Value": 500,
        },
        {
            "ID": 501,
            "OKR ID": 101,
            "CheckIn Date": "2025-01-15",
            "Check In Owner": ANA,
            "Check In Note": {"Check In Note": "First", "Check In Note HTML": None},
            "Current Value": "650",
        },
        {
            "ID": 502,
            "OKR ID": 777,
            "CheckIn Date": "2025-01-15",
            "Check In Owner": ANA,
            "Current Value": 1,
        },
    ]
    return {
        "TimePeriods": periods,
        "Users": [ZOE, ANA, BEN],
        "Teams": teams,
        "objectives": objectives,
        "checkins": checkins,
    }


def write_viva_zip(
    path: Path, export: dict[str, Any] | None = None, *, raw: dict[str, bytes] | None = None
) -> Path:
    export = viva_export() if export is None else export
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, items in export.items():
            archive.writestr(f"Export/{name}.json", json.dumps(items))
        for name, data in (raw or {}).items():
            archive.writestr(name, data)
    return path
