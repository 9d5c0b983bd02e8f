"""Viva Goals' organisation export (ZIP of JSON) and Explorer export, with no database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tandem.core import model as m
from tandem.importers import ImportSourceError, detect, organization_from, read_source
from tandem.importers.html import html_to_text
from tandem.importers.periods import cycle_id_for
from tests.importers.files import write_csv, write_viva_zip, write_xlsx

TODAY = date(2026, 12, 5)


def viva(tmp_path: Path) -> tuple[m.Organization, list[str]]:
    path = write_viva_zip(tmp_path / "export.zip")
    assert detect([path]) == "viva"
    imported = read_source([path], "viva")
    return organization_from(imported, None, path.name), [str(n) for n in imported.notes]


def test_time_periods_become_nested_cycles_and_an_unreadable_name_keeps_its_dates(
    tmp_path: Path,
) -> None:
    org, notes = viva(tmp_path)
    assert org.cycles["2025-Q1"].parent == "2025"
    sprint = org.cycles["viva-period-12"]
    assert (sprint.start, sprint.end, sprint.parent) == (
        date(2025, 4, 1),
        date(2025, 6, 30),
        "2025",
    )
    assert any("'Sprint Kangaroo' is no period name Tandem reads" in n for n in notes)


def test_users_and_a_three_level_team_tree_by_names(tmp_path: Path) -> None:
    org, notes = viva(tmp_path)
    assert org.people["viva-3"].email is None  # Ben has no e-mail
    assert any("Ben Member has no e-mail" in n for n in notes)
    search = org.teams["viva-team-22"]
    assert (search.parent, org.teams["viva-team-21"].parent) == ("viva-team-21", "viva-team-20")
    assert org.root_team is not None
    assert org.root_team.id == "viva-team-20"
    assert (search.lead, set(search.members)) == ("viva-2", {"viva-2", "viva-3"})


def test_big_rocks_kpis_weights_metrics_and_alignments(tmp_path: Path) -> None:
    org, notes = viva(tmp_path)
    rock = org.objectives["viva-100"]
    assert (rock.owner, rock.kind, rock.cycle) == ("viva-1", m.Kind.COMMITTED, "2025-Q1")
    assert rock.description == "Fast & right"  # HTML stripped, the script dropped
    latency = org.key_results["viva-101"]
    assert latency.metric == m.NumericMetric(800, 300, "ms")
    assert (latency.objective, latency.weight) == ("viva-100", 0.6)
    assert org.key_results["viva-106"].metric == m.ThresholdMetric(40, True, "points")
    assert org.objectives["viva-105"].aligns_to == "viva-100"
    assert any("aligned to goal 999, which is not in the export" in n for n in notes)
    # A KPI under a KPI: an objective of its own, aligned to the key result above it.
    p99 = org.key_results["viva-107"]
    assert (p99.objective, org.objectives["viva-107-o"].aligns_to) == ("viva-107-o", "viva-101")


def test_checkins_keep_values_notes_and_authors_and_closed_scores(tmp_path: Path) -> None:
    org, notes = viva(tmp_path)
    latency = org.key_results["viva-101"]
    assert [(c.date, c.value, c.by) for c in latency.checkins] == [
        (date(2025, 1, 15), 650, "viva-2"),
        (date(2025, 2, 1), 500, "viva-3"),
    ]
    assert latency.checkins[1].note == "Cache warmed\np50 now 500 ms"
    assert latency.score_override is not None
    assert latency.score_override.score == 0.7
    assert any("a check-in of goal 777, which is not in the export" in n for n in notes)


def test_projects_become_milestones_or_are_listed_as_dropped(tmp_path: Path) -> None:
    org, notes = viva(tmp_path)
    coverage = org.key_results["viva-102"]
    assert coverage.metric == m.MilestonesMetric(
        (m.Milestone("Build the new index", 1, date(2025, 3, 20)),)
    )
    assert any(
        "project 'Build the new index' is a milestone of key result viva-102" in n for n in notes
    )
    assert any("project 'Hire a designer' (it aligns to no key result)" in n for n in notes)


def test_period_names() -> None:
    names = {
        "Q1 2025": "2025-Q1",
        "2025 Q1": "2025-Q1",
        "FY25 Q1": "FY2025-Q1",
        "Annual 2025": "2025",
        "January 2025": "2025-01",
        "H2 2025": "2025-H2",
        "Sprint 7": None,
    }
    assert {name: cycle_id_for(name) for name in names} == names


def test_html_is_reduced_to_text() -> None:
    html = (
        '<ul><li>One</li><li>Two &lt;b&gt;</li></ul><img src=x onerror="alert(1)">'
        "<style>p{}</style>"
    )
    assert html_to_text(html) == "- One\n- Two <b>"


EXPLORER = [
    [
        "Id",
        "Title",
        "Owner",
        "Period",
        "Object Type",
        "Aligned To (weight, Objective ID)",
        "Metric Name",
        "Target",
        "Start Date",
        "End Date",
    ],
    [
        "https://goals.example/okr/300",
        "Grow",
        "Zoe Admin",
        "Q3 2025",
        "Objective",
        "",
        "",
        "",
        "2025-07-01",
        "2025-09-30",
    ],
    [
        "301",
        "Revenue",
        "zoe@example.com",
        "Q3 2025",
        "Key Result",
        "(weight: 50%, Id: 300)",
        "EUR",
        "1000000",
        "",
        "",
    ],
    [
        "302",
        "Launch",
        "Zoe Admin",
        "Launch window",
        "Project",
        "(weight: 100%, Id: 301)",
        "",
        "",
        "2025-07-01",
        "2025-08-15",
    ],
]


def test_explorer_csv_and_xlsx_give_the_same_organisation(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path / "explorer.csv", EXPLORER)
    xlsx_rows = [
        [*r[:8], *(date.fromisoformat(v) if v else None for v in r[8:])] for r in EXPLORER[1:]
    ]
    xlsx_path = write_xlsx(tmp_path / "explorer.xlsx", {"Explorer": [EXPLORER[0], *xlsx_rows]})
    assert detect([csv_path]) == detect([xlsx_path]) == "viva-explorer"
    orgs = [
        organization_from(read_source([p], "viva-explorer"), None, p.name)
        for p in (csv_path, xlsx_path)
    ]
    assert orgs[0] == orgs[1]
    org = orgs[0]
    assert org.objectives["viva-300"].owner == "viva-zoe-admin"
    assert org.key_results["viva-301"].metric == m.NumericMetric(0, 1000000, None)
    assert org.key_results["viva-301"].weight == 0.5


def test_a_date_as_text_in_an_explorer_workbook_is_reported(tmp_path: Path) -> None:
    rows = [EXPLORER[0], [*EXPLORER[1][:3], "Launch window", "Objective", "", "", "", "2025-07-01"]]
    rows[1][9:] = [date(2025, 9, 30)]
    path = write_xlsx(tmp_path / "explorer.xlsx", {"Explorer": rows})
    with pytest.raises(ImportSourceError) as caught:
        read_source([path], "viva-explorer")
    assert [str(n) for n in caught.value.notes] == [
        "explorer.xlsx: Explorer row 2 [Start Date]: error: a date stored as text "
        "('2025-07-01'); format the cell as a date",
        "explorer.xlsx: Explorer row 2 [Period]: error: 'Launch window' is no period name "
        "Tandem reads, and the row has no dates",
    ]
