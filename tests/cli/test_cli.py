"""The `tandem` command as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tandem import DEMO_FILE
from tandem.cli import app
from tandem.cli.reference import reference
from tests.okrs import org_text

EXAMPLE = str(DEMO_FILE)
AS_OF = "2026-11-21"
runner = CliRunner()


def tandem(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def report_json(*args: str) -> dict:
    code, out, err = tandem("report", EXAMPLE, "--as-of", AS_OF, "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)


def test_json_report_has_exactly_the_shape_of_the_spec() -> None:
    data = report_json()
    assert list(data) == [
        "as_of",
        "cycles",
        "objectives",
        "key_results",
        "dependencies",
        "alignment",
    ]
    assert data["as_of"] == AS_OF
    assert set(data["cycles"][0]) == {"id", "start", "end", "elapsed"}
    assert set(data["objectives"][0]) == {
        "id",
        "title",
        "cycle",
        "owner",
        "level",
        "kind",
        "aligns_to",
        "progress",
        "expected_progress",
        "health",
        "score",
        "met_expectation",
    }
    assert set(data["key_results"][0]) == {
        "id",
        "objective",
        "progress",
        "current",
        "confidence",
        "own_health",
        "health",
        "at_risk_from",
        "stale",
        "score",
    }
    assert set(data["dependencies"][0]) == {"id", "from", "provider", "state", "status"}
    assert set(data["alignment"]) == {"aligned_ratio", "company_kr_coverage", "orphans"}


def test_default_report_covers_the_cycles_under_way() -> None:
    assert [c["id"] for c in report_json()["cycles"]] == ["FY2026", "2026-Q4"]
    assert [c["id"] for c in report_json("--cycle", "all")["cycles"]] == [
        "FY2026",
        "2026-Q3",
        "2026-Q4",
    ]


def test_a_past_cycle_is_graded() -> None:
    data = report_json("--cycle", "2026-Q3")
    assert {o["cycle"] for o in data["objectives"]} == {"2026-Q3"}
    assert all(o["score"] is not None for o in data["objectives"])
    assert all(isinstance(o["met_expectation"], bool) for o in data["objectives"])


def test_risk_from_a_dependency_chain_shows_in_the_report() -> None:
    data = report_json()
    krs = {kr["id"]: kr for kr in data["key_results"]}
    assert krs["SR-1.1"]["at_risk_from"] == ["DEP-1"]
    assert krs["SR-1.1"]["health"] == "off_track"
    assert krs["IN-1.1"]["own_health"] == "on_track"
    assert krs["IN-1.1"]["at_risk_from"] == ["DEP-2"]
    statuses = {d["id"]: d["status"] for d in data["dependencies"]}
    assert statuses["DEP-1"] == "off_track"
    assert statuses["DEP-5"] == "done"


def test_team_report_covers_the_team_its_sub_teams_and_members() -> None:
    data = report_json("--team", "infra")
    owners = {o["owner"] for o in data["objectives"]}
    assert owners == {"infra", "sre"}
    assert all(
        kr["objective"] in {o["id"] for o in data["objectives"]} for kr in data["key_results"]
    )
    # Requests made to infra appear in infra's report even though they come from elsewhere.
    assert {"DEP-1", "DEP-4"} <= {d["id"] for d in data["dependencies"]}


def test_table_report_reads_like_a_status_page() -> None:
    code, out, _ = tandem("report", EXAMPLE, "--as-of", AS_OF)
    assert code == 0
    for expected in (
        "Northwind — OKR report as of 2026-11-21",
        "2026-Q4",
        "off track",
        "Dependencies at risk",
        "DEP-1",
        "Alignment:",
        "█",
    ):
        assert expected in out


def test_markdown_report_is_a_set_of_tables() -> None:
    code, out, _ = tandem("report", EXAMPLE, "--as-of", AS_OF, "--format", "markdown")
    assert code == 0
    assert out.startswith("# Northwind — OKR report as of 2026-11-21")
    assert "## 2026-Q4" in out
    assert "| **SR-1** | **Make answers fast everywhere** |" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cycle", "2031"], "unknown cycle '2031'"),
        (["--team", "nope"], "unknown team 'nope'"),
        (["--as-of", "21/11/2026"], "'21/11/2026' is not a date"),
    ],
)
def test_bad_options_say_what_is_wrong(args: list[str], message: str) -> None:
    code, _, err = tandem("report", EXAMPLE, *args)
    assert code == 2
    assert message in " ".join(err.split())


def test_lint_prints_file_line_severity_rule_and_id(tmp_path: Path) -> None:
    code, out, _ = tandem("lint", EXAMPLE, "--as-of", AS_OF)
    assert code == 1  # the demo has an overdue dependency: an error
    lines = out.strip().splitlines()
    overdue = next(line for line in lines if "dependency-overdue" in line)
    assert overdue.startswith(f"{EXAMPLE}:")
    assert ": error dependency-overdue DEP-7: " in overdue
    assert lines[-1] == "1 error, 6 warnings, 1 info"


def test_lint_json(tmp_path: Path) -> None:
    code, out, _ = tandem("lint", EXAMPLE, "--as-of", AS_OF, "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert set(data) == {"findings", "errors", "warnings", "infos"}
    assert (data["errors"], data["warnings"], data["infos"]) == (1, 6, 1)
    assert set(data["findings"][0]) == {"rule", "severity", "target", "related", "message"}


def test_lint_without_errors_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(
        org_text("""
    - id: NW-1
      title: Grow
      cycle: Q4
      owner: nw
      key_results:
        - {id: NW-1.1, title: Revenue, owner: zoe, metric: {start: 1, target: 2},
           checkins: [{date: 2026-11-20, value: 1.5, confidence: 8}]}
    """)
    )
    code, out, _ = tandem("lint", str(path), "--as-of", AS_OF)
    assert code == 0
    assert "No findings" in out


def test_a_broken_file_lists_its_problems_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(org_text("- {id: X, title: t, cycle: Q9, owner: nobody}"))
    for command in ("report", "lint"):
        code, out, err = tandem(command, str(path))
        assert code == 2
        assert out == ""
        assert f"{path}:" in err
        assert "'cycle' names 'Q9'" in err
        assert "'owner' names 'nobody'" in err
        assert "2 problems" in " ".join(err.split())


def test_generate_writes_a_file_that_loads(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    code, _, err = tandem("generate", "--people", "60", "--seed", "3", "-o", str(path))
    assert code == 0, err
    code, out, _ = tandem("report", str(path), "--format", "json", "--as-of", "2026-11-15")
    assert code == 0
    assert json.loads(out)["objectives"]


def test_the_cli_reference_in_the_docs_is_up_to_date() -> None:
    path = Path(__file__).parents[2] / "docs" / "cli-reference.md"
    assert path.read_text() == reference(), "run `make docs` to regenerate it"


def test_generate_is_reproducible_and_refuses_a_tiny_organisation(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "org.yaml", tmp_path / "b.yaml"
    for path in (first, second):
        assert tandem("generate", "--people", "30", "--seed", "9", "-o", str(path))[0] == 0
    assert first.read_bytes() == second.read_bytes()
    code, _, err = tandem("generate", "--people", "3", "-o", str(tmp_path / "c.yaml"))
    assert code == 2
    assert "--people" in err


def test_the_default_as_of_date_is_the_one_tandem_today_pretends(monkeypatch) -> None:
    monkeypatch.setenv("TANDEM_TODAY", "2026-10-01")
    code, out, err = tandem("report", EXAMPLE, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["as_of"] == "2026-10-01"
    monkeypatch.setenv("TANDEM_TODAY", "someday")
    code, _out, err = tandem("report", EXAMPLE, "--format", "json")
    assert code == 2
    assert "TANDEM_TODAY" in err
