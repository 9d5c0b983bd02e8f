"""`tandem stats CYCLE FILE` as a user runs it: the table, the JSON and the refusals."""

from __future__ import annotations

import json

from tests.cli.test_cli import AS_OF, EXAMPLE, tandem


def test_the_table_shows_the_company_each_team_and_the_trend() -> None:
    code, out, err = tandem("stats", "2026-Q3", EXAMPLE, "--as-of", AS_OF)
    assert code == 0, err
    assert "Statistics of 2026-Q3" in out
    lines = [" ".join(line.replace("│", " ").split()) for line in out.splitlines()]
    assert "Company 2 4 1/1 1/1 0.90 0.90 25% 0/0 —" in lines
    assert "Search 1 2 — 1/1 0.80 0.80 25% 0/0 —" in lines
    assert "Trend (the company)" in out


def test_the_json_is_the_apis_shape() -> None:
    code, out, _err = tandem("stats", "2026-Q3", EXAMPLE, "--as-of", AS_OF, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["cycle", "company", "teams", "trend"]
    assert [t["team"] for t in data["teams"]] == ["search", "payments"]
    assert data["company"]["objective_scores"]["histogram"] == [0] * 8 + [1, 1]


def test_a_cycle_not_ended_or_unknown_is_refused() -> None:
    code, _out, err = tandem("stats", "2026-Q4", EXAMPLE, "--as-of", AS_OF)
    assert code == 2
    assert "cycle 2026-Q4 has not ended on 2026-11-21" in err
    code, _out, err = tandem("stats", "NOPE", EXAMPLE, "--as-of", AS_OF)
    assert code == 2
    assert "there is no cycle 'NOPE'" in err


def test_on_the_database_the_cycle_must_be_closed(demo_in_db) -> None:  # type: ignore[no-untyped-def]
    code, out, _err = tandem("stats", "2026-Q3", "--as-of", AS_OF)
    assert code == 0
    assert "Statistics of 2026-Q3" in out
    code, _out, err = tandem("stats", "2026-Q4", "--as-of", AS_OF)
    assert code == 2
    assert "cycle 2026-Q4 is not closed" in err
    code, _out, err = tandem("stats", "NOPE", "--as-of", AS_OF)
    assert code == 2
    assert "there is no cycle 'NOPE'" in err
