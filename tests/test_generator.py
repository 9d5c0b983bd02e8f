"""The synthetic organisation generator: reproducible, well-formed, loadable, realistic."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tandem.generator import (
    DEFAULT_AS_OF,
    MIN_PEOPLE,
    generate_organization,
    write_organization,
    write_yaml,
)
from tandem.okrfile import load_path

ID = re.compile(r"[A-Za-z0-9._-]+")
TASK_VERBS = ("Launch", "Migrate")

Org = dict[str, Any]


@pytest.fixture(scope="module")
def org() -> Org:
    return generate_organization(people=300, seed=11)


def kinds_of_ids(org: Org) -> dict[str, str]:
    """Every id in the file with what it names; fails on a duplicate."""
    kinds: dict[str, str] = {}

    def add(identifier: str, kind: str) -> None:
        assert identifier not in kinds, f"duplicate id {identifier}"
        kinds[identifier] = kind

    for section, kind in (("people", "person"), ("teams", "team"), ("cycles", "cycle")):
        for entry in org[section]:
            add(entry["id"], kind)
    for objective in org["objectives"]:
        add(objective["id"], "objective")
        for kr in objective["key_results"]:
            add(kr["id"], "kr")
    for dependency in org["dependencies"]:
        add(dependency["id"], "dependency")
    return kinds


def key_results(org: Org) -> list[dict[str, Any]]:
    return [kr for objective in org["objectives"] for kr in objective["key_results"]]


def metric_form(metric: Any) -> str:
    if isinstance(metric, str):
        return metric
    if "milestones" in metric:
        return "milestones"
    if "keep_above" in metric:
        return "keep_above"
    if "keep_below" in metric:
        return "keep_below"
    return "increasing" if metric["target"] > metric["start"] else "decreasing"


def level(objective: dict[str, Any], kinds: dict[str, str], root: str) -> str:
    if objective["owner"] == root:
        return "company"
    return "team" if kinds[objective["owner"]] == "team" else "individual"


# --- reproducibility -------------------------------------------------------------------------


def test_the_same_arguments_give_the_same_organisation() -> None:
    assert generate_organization(people=120, seed=5) == generate_organization(people=120, seed=5)


def test_different_seeds_give_different_organisations() -> None:
    first = generate_organization(people=120, seed=5)
    second = generate_organization(people=120, seed=6)
    assert first != second
    titles = {o["title"] for o in first["objectives"]}
    assert titles != {o["title"] for o in second["objectives"]}


def test_too_few_people_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        generate_organization(people=MIN_PEOPLE - 1, seed=1)


# --- structure -------------------------------------------------------------------------------


def test_ids_are_unique_and_follow_the_conventions(org: Org) -> None:
    kinds = kinds_of_ids(org)
    assert all(ID.fullmatch(identifier) for identifier in kinds)
    patterns = {
        "person": r"p\d{5}",
        "team": r"t-[a-z0-9-]+",
        "cycle": r"FY2026|2026-Q[34]",
        "objective": r"O-\d+",
        "kr": r"O-\d+\.\d+",
        "dependency": r"D-\d+",
    }
    for identifier, kind in kinds.items():
        assert re.fullmatch(patterns[kind], identifier), identifier


def test_every_reference_resolves(org: Org) -> None:
    kinds = kinds_of_ids(org)
    people = {i for i, k in kinds.items() if k == "person"}
    teams = {i for i, k in kinds.items() if k == "team"}
    for person in org["people"]:
        assert person.get("manager", person["id"]) in people
    for team in org["teams"]:
        assert team["lead"] in team["members"]
        assert set(team["members"]) <= people
        assert team.get("parent", team["id"]) in teams
    for objective in org["objectives"]:
        assert kinds[objective["cycle"]] == "cycle"
        assert objective["owner"] in people | teams
        if "umbrella" in objective:
            assert objective["umbrella"]["owner"] in people
            assert set(objective["umbrella"]["teams"]) <= teams
        for kr in objective["key_results"]:
            assert kr.get("owner", objective["owner"]) in people | teams
            assert set(kr.get("contributors", [])) <= people | teams
    for dependency in org["dependencies"]:
        assert kinds[dependency["from"]] in ("kr", "objective")
        assert dependency["provider"] in teams
        assert kinds.get(dependency.get("provider_kr", "O-1.1")) == "kr"


def test_alignments_point_upwards_except_a_deliberate_broken_one(org: Org) -> None:
    kinds = kinds_of_ids(org)
    missing = [o for o in org["objectives"] if o.get("aligns_to", "O-1") not in kinds]
    assert 1 <= len(missing) <= 3
    aligned = [o for o in org["objectives"] if o.get("aligns_to") in kinds]
    assert all(kinds[o["aligns_to"]] in ("kr", "objective") for o in aligned)


def test_the_team_tree_is_three_to_five_levels_deep_with_small_teams(org: Org) -> None:
    teams = {team["id"]: team for team in org["teams"]}
    roots = [team for team in teams.values() if "parent" not in team]
    assert len(roots) == 1

    def depth(team_id: str) -> int:
        parent = teams[team_id].get("parent")
        return 1 if parent is None else 1 + depth(parent)

    parents = {team.get("parent") for team in teams.values()}
    leaf_depths = {depth(t) for t in teams if t not in parents}
    assert 3 <= min(leaf_depths) <= max(leaf_depths) <= 5
    sizes = [len(team["members"]) for team in teams.values()]
    assert all(5 <= size <= 10 for size in sizes)
    # Everyone is in exactly one team, and reports to its lead (leads to the parent's lead).
    membership = Counter(member for team in teams.values() for member in team["members"])
    assert set(membership.values()) == {1}
    assert len(membership) == len(org["people"]) == 300
    managers = {person["id"]: person.get("manager") for person in org["people"]}
    for team in teams.values():
        parent = teams.get(team.get("parent", ""))
        assert managers[team["lead"]] == (parent["lead"] if parent else None)
        assert all(managers[m] == team["lead"] for m in team["members"] if m != team["lead"])


def test_cycles_follow_the_year_of_the_as_of_date(org: Org) -> None:
    assert org["cycles"] == [
        {"id": "FY2026", "start": date(2026, 1, 1), "end": date(2026, 12, 31)},
        {"id": "2026-Q3", "parent": "FY2026", "start": date(2026, 7, 1), "end": date(2026, 9, 30)},
        {
            "id": "2026-Q4",
            "parent": "FY2026",
            "start": date(2026, 10, 1),
            "end": date(2026, 12, 31),
        },
    ]
    later = generate_organization(people=40, seed=1, as_of=date(2027, 3, 2))
    assert [cycle["id"] for cycle in later["cycles"]] == ["FY2027", "2027-Q3", "2027-Q4"]
    dates = [c["date"] for kr in key_results(later) for c in kr.get("checkins", [])]
    assert dates
    assert max(dates) <= date(2027, 3, 2)


def test_objectives_cascade_from_company_to_teams_to_some_people(org: Org) -> None:
    kinds = kinds_of_ids(org)
    root = next(team["id"] for team in org["teams"] if "parent" not in team)
    levels = Counter(level(o, kinds, root) for o in org["objectives"])
    assert 3 <= levels["company"] <= 5
    assert 0 < levels["individual"] < levels["team"]
    company = [o for o in org["objectives"] if o["owner"] == root]
    assert {o["cycle"] for o in company} == {"FY2026"}
    team_cycles = Counter(o["cycle"] for o in org["objectives"] if level(o, kinds, root) == "team")
    assert team_cycles["2026-Q4"] > team_cycles["2026-Q3"] > 0
    assert sum("umbrella" in o for o in org["objectives"]) >= 1
    assert {o.get("kind") for o in org["objectives"]} >= {"committed", None}
    assert {o.get("visibility") for o in org["objectives"]} >= {None, "team", "private"}


def test_every_metric_form_is_used_and_well_formed(org: Org) -> None:
    krs = key_results(org)
    forms = Counter(metric_form(kr["metric"]) for kr in krs)
    assert set(forms) == {
        "increasing",
        "decreasing",
        "keep_above",
        "keep_below",
        "boolean",
        "milestones",
        "rollup",
    }
    for kr in krs:
        metric = kr["metric"]
        if isinstance(metric, dict) and "start" in metric:
            assert metric["start"] != metric["target"]
            assert metric.get("unit")
    milestones = [
        m
        for kr in krs
        if isinstance(kr["metric"], dict)
        for m in kr["metric"].get("milestones", [])
    ]
    assert any("weight" in m for m in milestones)
    assert any("done_on" in m for m in milestones)
    assert all(m.get("done_on", DEFAULT_AS_OF) <= DEFAULT_AS_OF for m in milestones)


def test_checkins_are_weekly_up_to_the_as_of_date_with_valid_values(org: Org) -> None:
    cycles = {cycle["id"]: cycle for cycle in org["cycles"]}
    only_confidence = 0
    stale = 0
    for objective in org["objectives"]:
        cycle = cycles[objective["cycle"]]
        for kr in objective["key_results"]:
            form = metric_form(kr["metric"])
            checkins = kr.get("checkins", [])
            for checkin in checkins:
                assert type(checkin["date"]) is date
                assert cycle["start"] <= checkin["date"] <= min(cycle["end"], DEFAULT_AS_OF)
                confidence = checkin.get("confidence", 5)
                assert type(confidence) is int
                assert 0 <= confidence <= 10
                assert "value" in checkin or "confidence" in checkin
                if "value" not in checkin:
                    only_confidence += form not in ("milestones", "rollup")
                elif form == "boolean":
                    assert type(checkin["value"]) is bool
                else:
                    assert form not in ("milestones", "rollup")
                    assert type(checkin["value"]) in (int, float)
            if cycle["end"] >= DEFAULT_AS_OF and checkins:
                stale += (DEFAULT_AS_OF - checkins[-1]["date"]).days > 14
    assert only_confidence > 0
    assert stale > 0


def test_dependencies_cover_every_state(org: Org) -> None:
    dependencies = org["dependencies"]
    assert 20 <= len(dependencies) <= 40  # about one per ten people
    states = Counter(d["state"] for d in dependencies)
    assert set(states) == {"requested", "accepted", "declined", "delivered", "cancelled"}
    accepted = [d for d in dependencies if d["state"] == "accepted"]
    assert {"provider_kr" in d for d in accepted} == {True, False}
    assert any(d.get("due", DEFAULT_AS_OF) < DEFAULT_AS_OF for d in dependencies)
    assert all(type(d.get("due", DEFAULT_AS_OF)) is date for d in dependencies)


def test_a_sprinkling_of_quality_problems(org: Org) -> None:
    kinds = kinds_of_ids(org)
    root = next(team["id"] for team in org["teams"] if "parent" not in team)
    krs = key_results(org)
    task_like = [
        kr
        for kr in krs
        if metric_form(kr["metric"]) in ("boolean", "milestones")
        and kr["title"].startswith(TASK_VERBS)
    ]
    assert 0 < len(task_like) < 0.1 * len(krs)
    team_objectives = [o for o in org["objectives"] if level(o, kinds, root) == "team"]
    assert any("aligns_to" not in o for o in team_objectives)
    assert any(len(o["key_results"]) > 5 for o in org["objectives"])
    assert any(not o["key_results"] for o in org["objectives"])
    titles = Counter((o["title"]) for o in team_objectives)
    duplicated = [t for t, n in titles.items() if n > 1]
    assert duplicated
    for title in duplicated:
        assert len({o["owner"] for o in team_objectives if o["title"] == title}) > 1
    # A loop: two accepted dependencies whose provider key results are each other's source.
    links = {d["from"]: d["provider_kr"] for d in org["dependencies"] if "provider_kr" in d}
    assert any(links.get(target) == source for source, target in links.items())


def test_titles_are_varied() -> None:
    big = generate_organization(people=2000, seed=3)
    titles = [o["title"] for o in big["objectives"]]
    assert len(set(titles)) > 0.97 * len(titles)
    kr_titles = [kr["title"] for kr in key_results(big)]
    assert len(set(kr_titles)) > 0.9 * len(kr_titles)
    # About the proportions of the benchmark organisations, scaled down.
    assert 240 <= len(big["teams"]) <= 290
    assert 0.35 <= len(titles) / 2000 <= 0.6
    assert 2.4 <= len(kr_titles) / len(titles) <= 3.6


# --- YAML ------------------------------------------------------------------------------------


def test_the_written_file_reads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    write_organization(people=80, seed=4, path=path)
    text = path.read_text(encoding="utf-8")
    assert yaml.safe_load(text) == generate_organization(people=80, seed=4)
    # Dates and numbers stay unquoted, check-ins compact.
    assert re.search(r"^    - \{date: 2026-\d\d-\d\d, value: [\d.]+, confidence: \d+", text, re.M)


def test_the_written_file_is_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    write_organization(people=60, seed=9, path=first, as_of=date(2026, 10, 20))
    write_organization(people=60, seed=9, path=second, as_of=date(2026, 10, 20))
    assert first.read_bytes() == second.read_bytes()


SCALARS = st.one_of(
    st.text(),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.dates(),
    st.none(),
)


@given(
    title=st.text(),
    values=st.lists(SCALARS, max_size=4),
    checkin=st.dictionaries(st.sampled_from(["date", "value", "note", "by"]), SCALARS),
)
def test_write_yaml_round_trips_any_scalar(
    title: str, values: list[Any], checkin: dict[str, Any]
) -> None:
    data = {
        "organization": title,
        "people": [{"id": "p1", "name": title}],
        "objectives": [
            {
                "title": title,
                "contributors": values,
                "key_results": [{"title": title, "checkins": [checkin], "metric": {"unit": title}}],
            }
        ],
    }
    stream = io.StringIO()
    write_yaml(data, stream)
    assert yaml.safe_load(stream.getvalue()) == data


# --- the loader ------------------------------------------------------------------------------


@pytest.mark.parametrize("people", [MIN_PEOPLE, 37, 500])
def test_a_generated_file_loads_without_errors(tmp_path: Path, people: int) -> None:
    path = tmp_path / "org.yaml"
    write_organization(people=people, seed=people, path=path)
    organization = load_path(path).organization
    assert len(organization.people) == people
    assert organization.root_team is not None
