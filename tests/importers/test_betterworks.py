"""Betterworks' CSV: goals and their milestones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tandem.core import model as m
from tandem.importers import ImportSourceError, detect, organization_from, read_source
from tests.importers.files import write_csv

HEADER = [
    "name",
    "type",
    "progress",
    "start_date",
    "end_date",
    "owner_email",
    "categories",
    "description",
]


def test_goals_become_objectives_and_milestones_their_key_results(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bw.csv",
        [
            HEADER,
            [
                "Win EMEA",
                "goal",
                "40",
                "2026-01-01",
                "2026-03-31",
                "zoe@example.com",
                "Sales;EMEA",
                "Big",
            ],
            [
                "Sign 10 partners",
                "milestone",
                "60",
                "2026-01-01",
                "2026-02-28",
                "ana@example.com",
                "",
                "",
            ],
            ["Open Berlin", "milestone", "20", "2026-01-01", "2026-03-31", "", "", ""],
            ["Tidy up", "goal", "100", "2026-01-01", "2026-06-30", "ana@example.com", "", ""],
        ],
    )
    assert detect([path]) == "betterworks"
    imported = read_source([path], "betterworks")
    org = organization_from(imported, None, path.name)
    assert org.cycles["2026-Q1"].end == date(2026, 3, 31)
    assert org.cycles["bw-2026-01-01-2026-06-30"].parent is None
    [win] = [o for o in org.objectives.values() if o.title == "Win EMEA"]
    assert (win.owner, win.description, win.cycle) == ("zoe_at_example.com", "Big", "2026-Q1")
    partners = org.key_results[win.key_results[0]]
    assert partners.metric == m.NumericMetric(0, 100, "%")
    assert [(c.date, c.value) for c in partners.checkins] == [(date(2026, 2, 28), 60)]
    [tidy] = [o for o in org.objectives.values() if o.title == "Tidy up"]
    assert len(tidy.key_results) == 1  # its own progress
    notes = [str(n) for n in imported.notes]
    assert any("'Sales;EMEA' (Tandem has no categories)" in n for n in notes)
    assert read_source([path], "betterworks").document == imported.document  # stable ids


def test_a_bad_type_and_a_non_iso_date_are_reported(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bw.csv",
        [
            HEADER,
            ["X", "goal", "1", "01/02/2026", "2026-03-31", "a@example.com", "", ""],
            ["Y", "epic", "", "", "", "", "", ""],
        ],
    )
    with pytest.raises(ImportSourceError) as caught:
        read_source([path], "betterworks")
    assert [str(n) for n in caught.value.notes] == [
        "bw.csv row 2 [start_date]: error: '01/02/2026' is not a date written YYYY-MM-DD",
        "bw.csv row 3 [type]: error: 'epic' is neither goal nor milestone",
    ]
