"""The `tandem` command as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tandem import DEMO_FILE
from tandem.cli import app
from tandem.cli.reference import reference
from tests.okr_text import org_text

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
        "calibration",
        "critical_providers",
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
        "forecast",
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
        "forecast",
        "blast_radius",
    }
    assert set(data["key_results"][0]["blast_radius"]) == {"key_results", "objectives", "teams"}
    assert all(set(row) == {"team", "n", "brier", "overconfidence"} for row in data["calibration"])
    assert all(isinstance(kid, str) for kid in data["critical_providers"])
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
        (["--team", "nope"], "unknown team 'nope'; the teams are: nw, search, infra, sre,"),
        (["--team", "Infra"], "unknown team 'Infra'; did you mean infra? The teams are: nw,"),
        (["--team", "Site Reliability"], "unknown team 'Site Reliability'; did you mean sre?"),
        (["--cycle", "2026q4"], "unknown cycle '2026q4'; did you mean 2026-Q4"),
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
    code, out, _ = tandem("report", str(path), "--format", "json")
    assert code == 0
    assert json.loads(out)["objectives"]


def test_generate_runs_the_check_ins_up_to_today_as_its_help_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TANDEM_TODAY", "2027-03-10")
    path = tmp_path / "org.yaml"
    code, _, err = tandem("generate", "--people", "30", "--seed", "3", "-o", str(path))
    assert code == 0, err
    assert "as of 2027-03-10" in err
    text = path.read_text()
    assert "2027-03-" in text
    assert "2027-03-11" not in text
    assert "(default: today)" in " ".join(tandem("generate", "--help")[1].split())
    # With --as-of the file is the same whatever the day.
    fixed = [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    for day, output in zip(("2027-03-10", "2027-06-01"), fixed, strict=True):
        monkeypatch.setenv("TANDEM_TODAY", day)
        args = ("--people", "30", "--seed", "3", "--as-of", "2026-11-15", "-o", str(output))
        assert tandem("generate", *args)[0] == 0
    assert fixed[0].read_bytes() == fixed[1].read_bytes()


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


def test_version_prints_the_installed_version() -> None:
    from importlib.metadata import version  # noqa: PLC0415

    code, out, _ = tandem("--version")
    assert code == 0
    assert out == f"tandem {version('tandem')}\n"


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (
            ["report", EXAMPLE, "--format", "jsn"],
            "'jsn' is not one of 'table', 'json', 'markdown'.",
        ),
        (["lint", EXAMPLE, "-f", "xml"], "'xml' is not one of 'text', 'json'."),
        (["export", "--format", "yml"], "'yml' is not one of 'yaml', 'json'."),
        (
            ["token", "create", "ben", "--scope", "admin"],
            "'admin' is not one of 'read', 'write', 'scim'.",
        ),
    ],
)
def test_an_unknown_format_or_scope_lists_the_allowed_ones(args: list[str], allowed: str) -> None:
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "Invalid value for '--" in result.stderr
    assert allowed in result.stderr
    assert "Value error" not in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_formats_are_taken_in_any_case() -> None:
    code, out, err = tandem("report", EXAMPLE, "--as-of", AS_OF, "--format", "JSON")
    assert code == 0, err
    assert json.loads(out)["as_of"] == AS_OF


@pytest.mark.parametrize("team", [None, "nw", "search", "infra", "sre", "payments", "mobile", "cs"])
def test_the_markdown_report_has_no_empty_heading(team: str | None) -> None:
    for cycle in ("all", None):
        args = ["--team", team] if team else []
        args += ["--cycle", cycle] if cycle else []
        code, out, _ = tandem("report", EXAMPLE, "--as-of", AS_OF, "-f", "markdown", *args)
        assert code == 0
        lines = [line for line in out.splitlines() if line.strip()]
        for heading, following in zip(lines, [*lines[1:], ""], strict=True):
            if heading.startswith(("## ", "### ")):
                depth = len(heading.split()[0])
                deeper = following.startswith("#" * (depth + 1) + " ")
                assert following, (heading, out)
                assert deeper or not following.startswith("#"), (heading, out)


def test_the_report_names_the_key_result_a_dependency_at_risk_waits_on() -> None:
    """As the dependencies page says it: "IN-1.1 is off track because DEP-2: Site
    Reliability's SRE-1.1 is ..."; and why each dependency at risk is."""
    result = runner.invoke(
        app, ["report", EXAMPLE, "--as-of", AS_OF, "--team", "infra"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0
    table = result.stdout
    status = {kr["id"]: kr["health"] for kr in report_json()["key_results"]}["SRE-1.1"]
    words = status.replace("_", " ")
    assert f"because DEP-2: Site Reliability's SRE-1.1 is {words}" in table
    assert f"because Site Reliability's SRE-1.1 is {words}" in table
    assert "because Infrastructure's IN-1.1 is off track" in table  # DEP-1, asked of infra
    assert "because Infrastructure declined it" in table  # DEP-4
    code, markdown, _ = tandem("report", EXAMPLE, "--as-of", AS_OF, "-f", "markdown")
    assert code == 0
    assert f"because DEP-2: Site Reliability's SRE-1.1 is {words}" in markdown
    assert "| Dependency | From | Provider | State | Status | Why | Need |" in markdown
    assert f"| Site Reliability's SRE-1.1 is {words} |" in markdown


def test_report_on_an_empty_data_directory_writes_nothing_there(tmp_path: Path) -> None:
    """Run as a user runs it, in a process of its own: Django is not set up yet."""
    empty, missing = tmp_path / "empty", tmp_path / "missing"
    empty.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("TANDEM_")}
    for data_dir in (empty, missing):
        for command in (["report"], ["lint"], ["report", "--team", "infra", "-f", "json"]):
            result = subprocess.run(
                [sys.executable, "-m", "tandem", *command],
                env=env | {"TANDEM_DATA_DIR": str(data_dir), "COLUMNS": "200"},
                capture_output=True,
                text=True,
                check=False,
            )
            assert result.returncode == 2
            assert result.stdout == ""
            assert "no organisation yet" in result.stderr
            assert "'tandem serve --demo'" in result.stderr
            assert "Traceback" not in result.stderr
        assert not missing.exists()
        assert list(empty.iterdir()) == []
