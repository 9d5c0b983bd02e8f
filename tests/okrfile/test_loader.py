"""Loading OKR files: good files load, every broken file gets a listing with lines."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from tandem import DEMO_FILE
from tandem.core import model as m
from tandem.okrfile import OkrFileError, load_bytes, load_path, load_text
from tandem.okrfile.dump import to_document, write_yaml
from tests.okr_text import HEADER, org_text

EXAMPLE = DEMO_FILE

GOOD_OBJECTIVE = """
- id: SR-1
  title: Make search fast
  cycle: Q4
  owner: search
  key_results:
    - {id: SR-1.1, title: Cut latency, owner: ana, metric: {start: 900, target: 400}}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(OkrFileError) as caught:
        load_text(text, filename="okrs.yaml")
    return [str(p) for p in caught.value.problems]


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_demo_organisation_loads() -> None:
    loaded = load_path(EXAMPLE)
    org = loaded.organization
    assert org.name == "Northwind"
    assert org.root_team is not None
    assert len(org.people) >= 12
    assert loaded.lines["SR-1"] == line_of(EXAMPLE.read_text(), "id: SR-1\n".strip())


def test_ids_keep_their_lines_and_defaults_are_applied() -> None:
    text = org_text(
        GOOD_OBJECTIVE
        + """
- id: BEN-1
  title: Mine
  cycle: Q4
  owner: ben
  key_results:
    - {id: BEN-1.1, title: Something, metric: boolean}
"""
    )
    loaded = load_text(text)
    org = loaded.organization
    assert loaded.lines["BEN-1.1"] == line_of(text, "id: BEN-1.1")
    assert org.key_results["BEN-1.1"].owner == "ben"  # defaults to the objective's person
    assert org.objectives["SR-1"].kind is m.Kind.ASPIRATIONAL
    assert org.objectives["SR-1"].visibility is m.Visibility.PUBLIC
    assert org.teams["search"].members == ("ana", "ben", "cai")  # the lead is a member
    assert org.settings == m.Settings()


def test_quoted_iso_dates_are_dates() -> None:
    text = org_text(GOOD_OBJECTIVE).replace("start: 2026-10-01", 'start: "2026-10-01"')
    assert load_text(text).organization.cycles["Q4"].start == date(2026, 10, 1)


def test_checkins_are_sorted_by_date_keeping_file_order_within_a_day() -> None:
    objective = GOOD_OBJECTIVE.replace(
        "target: 400}}",
        "target: 400}, checkins: [{date: 2026-10-09, value: 2}, {date: 2026-10-02, value: 1},"
        " {date: 2026-10-09, value: 3}]}",
    )
    checkins = load_text(org_text(objective)).organization.key_results["SR-1.1"].checkins
    assert [c.value for c in checkins] == [1, 2, 3]


BROKEN = [
    (
        "unknown owner",
        GOOD_OBJECTIVE.replace("owner: search", "owner: nobody"),
        "owner: nobody",
        "'owner' names 'nobody', which is not a team or a person",
    ),
    (
        "duplicate id",
        GOOD_OBJECTIVE.replace("id: SR-1.1", "id: SR-1"),
        "id: SR-1, title",
        "duplicate id 'SR-1'",
    ),
    (
        "KR owner is a team",
        GOOD_OBJECTIVE.replace("owner: ana", "owner: infra"),
        "id: SR-1.1",
        "'owner' must name a person, but 'infra' is not one",
    ),
    (
        "confidence 11",
        GOOD_OBJECTIVE.replace(
            "target: 400}}",
            "target: 400}, checkins: [{date: 2026-10-02, value: 1, confidence: 11}]}",
        ),
        "confidence: 11",
        "'confidence' should be less than or equal to 10 (got 11)",
    ),
    (
        "start is a string",
        GOOD_OBJECTIVE.replace("start: 900", 'start: "fast"'),
        'start: "fast"',
        "'start' must be a number (got 'fast')",
    ),
    (
        "malformed metric",
        GOOD_OBJECTIVE.replace("{start: 900, target: 400}", "percent"),
        "metric: percent",
        "metric must be one of",
    ),
    (
        "unknown field",
        GOOD_OBJECTIVE.replace("cycle: Q4", "cycle: Q4\n  colour: red"),
        "colour: red",
        "unknown field 'colour'",
    ),
    (
        "not a date",
        GOOD_OBJECTIVE.replace(
            "target: 400}}", "target: 400}, checkins: [{date: 2026-02-30, value: 1}]}"
        ),
        "2026-02-30",
        "'date' must be a date written YYYY-MM-DD (got '2026-02-30')",
    ),
    (
        "unknown cycle",
        GOOD_OBJECTIVE.replace("cycle: Q4", "cycle: Q9"),
        "cycle: Q9",
        "'cycle' names 'Q9', which is not a cycle",
    ),
    (
        "boolean value on a number metric",
        GOOD_OBJECTIVE.replace(
            "target: 400}}", "target: 400}, checkins: [{date: 2026-10-02, value: true}]}"
        ),
        "id: SR-1.1",
        "has value True; this key result's check-ins take a number",
    ),
    (
        "bad id characters",
        GOOD_OBJECTIVE.replace("id: SR-1\n", "id: SR 1!\n"),
        "id: SR 1!",
        "'id' must be an id of letters, digits",
    ),
    (
        "missing title",
        GOOD_OBJECTIVE.replace("  title: Make search fast\n", ""),
        "- id: SR-1\n".strip(),
        "'title' is required",
    ),
    (
        "dependency to a person",
        GOOD_OBJECTIVE,
        None,
        "'provider' must name a team, but 'ana' is not one",
    ),
    # The services' rule and message (tandem.okrfile.schema.description_problem).
    (
        "objective description too long",
        GOOD_OBJECTIVE.replace("cycle: Q4", f"description: {'x' * 5001}\n  cycle: Q4"),
        "description: xxx",
        "SR-1: a description has at most 5000 characters (this one has 5001); link to a longer "
        "document instead",
    ),
    (
        "key result description too long",
        GOOD_OBJECTIVE.replace("owner: ana,", f"owner: ana, description: {'y' * 5001},"),
        "id: SR-1.1",
        "a description has at most 5000 characters (this one has 5001)",
    ),
]


def test_a_description_of_5000_characters_loads_as_a_block() -> None:
    block = "  description: |\n    " + "x" * 5000 + "\n  cycle: Q4"
    text = org_text(GOOD_OBJECTIVE.replace("  cycle: Q4", block))
    assert load_text(text).organization.objectives["SR-1"].description == "x" * 5000 + "\n"


@pytest.mark.parametrize(
    ("objective", "line_fragment", "message"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_a_broken_file_names_the_line_and_the_problem(
    objective: str, line_fragment: str | None, message: str
) -> None:
    deps = ""
    if line_fragment is None:
        deps = "- {id: D1, from: SR-1.1, provider: ana, need: help}"
        line_fragment = "id: D1"
    text = org_text(objective, deps)
    found = problems(text)
    assert len(found) == 1, found
    assert found[0].startswith(f"okrs.yaml:{line_of(text, line_fragment)}: error: ")
    assert message in found[0]


def test_two_root_teams() -> None:
    text = org_text(GOOD_OBJECTIVE).replace(
        "  - {id: infra, name: Infrastructure, parent: nw,", "  - {id: infra, name: Infrastructure,"
    )
    (found,) = problems(text)
    assert f":{line_of(text, 'id: infra')}: error: infra: a second team without a parent" in found


def test_cycle_outside_its_parent() -> None:
    text = org_text(GOOD_OBJECTIVE).replace("end: 2026-12-31}\n", "end: 2027-01-15}\n", 2)
    text = text.replace(
        "{id: FY, start: 2026-01-01, end: 2027-01-15}",
        "{id: FY, start: 2026-01-01, end: 2026-12-31}",
    )
    (found,) = problems(text)
    assert "Q4: the cycle (2026-10-01..2027-01-15) does not lie inside its parent 'FY'" in found


def test_cycle_that_ends_before_it_starts() -> None:
    text = org_text(GOOD_OBJECTIVE).replace("start: 2026-10-01", "start: 2027-01-01")
    assert any("end (2026-12-31) must be after start (2027-01-01)" in p for p in problems(text))


def test_team_parent_loop() -> None:
    text = org_text(GOOD_OBJECTIVE).replace("parent: nw, lead: ana", "parent: infra, lead: ana")
    text = text.replace("parent: nw, lead: omar", "parent: search, lead: omar")
    found = problems(text)
    assert len(found) == 2
    assert all("the team's parents form a loop" in p for p in found)


def test_every_problem_is_listed_not_only_the_first() -> None:
    objective = GOOD_OBJECTIVE.replace("owner: search", "owner: nobody").replace(
        "start: 900", 'start: "x"'
    )
    text = org_text(objective, "- {id: D1, from: NOPE, provider: infra, need: help}")
    found = problems(text)
    assert len(found) == 3
    assert [p.split(":")[1] for p in found] == sorted((p.split(":")[1] for p in found), key=int)


def test_yaml_syntax_error_points_at_the_line() -> None:
    text = HEADER.format(settings="") + "objectives:\n  - id: [unclosed\n  - id: x\n"
    (found,) = problems(text)
    assert found.startswith("okrs.yaml:")
    assert "YAML syntax error" in found


def test_empty_file() -> None:
    (found,) = problems("")
    assert "the file is empty" in found


def test_wrong_version_and_missing_organization() -> None:
    found = problems("version: 2\npeople: []\n")
    assert any("'version' should be 1" in p for p in found)
    assert any("'organization' is required" in p for p in found)


def test_a_list_instead_of_a_mapping() -> None:
    (found,) = problems("- just\n- a list\n")
    assert "expected a mapping" in found


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(OkrFileError) as caught:
        load_path(path)
    assert "not a text file" in str(caught.value)


def test_latin1_file_is_not_text() -> None:
    with pytest.raises(OkrFileError, match="not a text file"):
        load_bytes("organization: Caf\xe9".encode("latin-1"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(OkrFileError, match="cannot read the file"):
        load_path(tmp_path / "nope.yaml")


def test_the_error_listing_ends_with_a_count_and_loads_nothing() -> None:
    with pytest.raises(OkrFileError) as caught:
        load_text("version: 1\norganization: X\nteams: []\n")
    assert str(caught.value).endswith("1 problem; nothing was loaded.")


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("9" * 400, "'value' must be a finite number from -10^15 to 10^15 (got a number of 400"),
        ("1e16", "'value' must be a finite number from -10^15 to 10^15 (got 1e+16)"),
        (".nan", "'value' must be a finite number from -10^15 to 10^15 (got nan)"),
        ("-.inf", "'value' must be a finite number from -10^15 to 10^15 (got -inf)"),
    ],
)
def test_a_check_in_value_follows_the_one_rule_for_numbers(written: str, message: str) -> None:
    text = org_text(
        GOOD_OBJECTIVE.replace(
            "target: 400}}",
            "target: 400},\n       checkins: [{date: 2026-10-05, value: " + written + "}]}",
        )
    )
    found = problems(text)
    assert len(found) == 1
    assert message in found[0]
    # The line of the check-in itself.
    assert found[0].startswith(f"okrs.yaml:{line_of(text, 'checkins:')}: error: SR-1.1:")


def test_a_metric_number_follows_the_same_rule() -> None:
    text = org_text(GOOD_OBJECTIVE.replace("start: 900", "start: -1e300"))
    assert [p.split(": ", 3)[-1] for p in problems(text)] == [
        "'start' must be a finite number from -10^15 to 10^15 (got -1e+300)"
    ]


# --- a key result's since ---------------------------------------------------------------------

ADDED = """
- id: SR-1
  title: Make search fast
  cycle: Q4
  owner: search
  key_results:
    - id: SR-1.1
      title: Cut latency
      owner: ana
      since: {since}
      metric: {{start: 900, target: 400}}
"""


def test_since_is_the_day_a_key_result_was_added() -> None:
    text = org_text(ADDED.format(since="2026-11-20"))
    assert load_text(text).organization.key_results["SR-1.1"].since == date(2026, 11, 20)
    assert load_text(org_text(GOOD_OBJECTIVE)).organization.key_results["SR-1.1"].since is None


@pytest.mark.parametrize("since", ["2026-10-01", "2026-09-15", "'2025-01-01'"])
def test_a_since_on_or_before_the_cycles_start_is_the_start(since: str) -> None:
    # Held as None, as for a key result without since: the two compare equal.
    loaded = load_text(org_text(ADDED.format(since=since))).organization
    assert loaded.key_results["SR-1.1"].since is None
    assert loaded == load_text(org_text(GOOD_OBJECTIVE)).organization


def test_a_since_on_the_cycles_last_day_loads() -> None:
    text = org_text(ADDED.format(since="2026-12-31"))
    assert load_text(text).organization.key_results["SR-1.1"].since == date(2026, 12, 31)


def test_a_since_after_the_cycles_end_is_an_error_at_its_line() -> None:
    text = org_text(ADDED.format(since="2027-01-05"))
    (found,) = problems(text)
    assert found.startswith(f"okrs.yaml:{line_of(text, 'since: 2027-01-05')}: error: SR-1.1: ")
    assert "'since' is 2027-01-05, after the end of its cycle 'Q4' (2026-12-31)" in found


def test_a_since_that_is_not_a_date_is_an_error_at_its_line() -> None:
    text = org_text(ADDED.format(since="soon"))
    (found,) = problems(text)
    assert found.startswith(f"okrs.yaml:{line_of(text, 'since: soon')}: error: SR-1.1: ")
    assert "'since' must be a date written YYYY-MM-DD (got 'soon')" in found


def test_since_is_written_back_only_when_after_the_cycles_start() -> None:
    for since, written in (("2026-11-20", date(2026, 11, 20)), ("2026-10-01", None)):
        loaded = load_text(org_text(ADDED.format(since=since))).organization
        (record,) = to_document(loaded)["objectives"][0]["key_results"]
        assert record.get("since") == written
        buffer = io.StringIO()
        write_yaml(to_document(loaded), buffer)
        assert load_text(buffer.getvalue()).organization == loaded
