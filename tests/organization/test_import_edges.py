"""Imports that keep the database equal to its files, found by reviewing import → export loops."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from tandem.core import model as m
from tandem.okrfile import load_text
from tandem.okrs.key_results import ScoreOverrideError, key_result_score_override
from tandem.okrs.models import KeyResult
from tandem.organization.imports import ImportRefusedError, organization_import
from tandem.organization.selectors import organization_load
from tests.conftest import TODAY
from tests.dbstate import dump, tandem, write

pytestmark = pytest.mark.django_db


def reversed_section(org: m.Organization, section: str) -> m.Organization:
    items = getattr(org, section)
    return dataclasses.replace(org, **{section: dict(reversed(list(items.items())))})


def test_a_reordered_file_reorders_the_database_and_its_reports(demo_in_db, tmp_path):
    shuffled = reversed_section(reversed_section(demo_in_db, "objectives"), "people")
    plan = organization_import(org=shuffled, source="t", today=TODAY)
    assert plan.kinds["objectives"].reordered
    assert plan.kinds["people"].reordered
    assert not plan.kinds["teams"].reordered
    assert list(organization_load().objectives) == list(shuffled.objectives)
    path = write(shuffled, tmp_path / "shuffled.yaml")
    for command in (["report", "-f", "json", "--cycle", "all"], ["lint", "-f", "json"]):
        assert tandem(*command, "--as-of", "2026-11-21") == tandem(
            *command, str(path), "--as-of", "2026-11-21"
        )
    assert organization_import(org=shuffled, source="t", today=TODAY).changes == 0


def test_a_key_result_left_out_without_prune_settles_after_one_import(demo_in_db) -> None:
    objective = demo_in_db.objectives["SR-1"]
    assert len(objective.key_results) > 1
    dropped = objective.key_results[0]
    objectives = dict(demo_in_db.objectives)
    objectives["SR-1"] = dataclasses.replace(objective, key_results=objective.key_results[1:])
    key_results = {k: v for k, v in demo_in_db.key_results.items() if k != dropped}
    dependencies = {k: v for k, v in demo_in_db.dependencies.items() if v.from_id != dropped}
    smaller = dataclasses.replace(
        demo_in_db, objectives=objectives, key_results=key_results, dependencies=dependencies
    )
    organization_import(org=smaller, source="t", today=TODAY)
    assert KeyResult.objects.filter(id=dropped).exists()  # kept: no --prune
    before = dump()
    assert organization_import(org=smaller, source="t", today=TODAY).changes == 0
    assert dump() == before


def test_what_the_database_keeps_must_still_make_a_valid_organisation(demo_in_db) -> None:
    # 'cai' is a person in the database; a file without her that adds a team 'cai' would
    # leave two objects with one id, and an export that does not load.
    people = {k: v for k, v in demo_in_db.people.items() if k != "cai"}
    teams = {**demo_in_db.teams, "cai": m.Team("cai", "Cai's team", "nw", "zoe", ("zoe",))}
    key_results = {
        k: dataclasses.replace(v, contributors=tuple(c for c in v.contributors if c != "cai"))
        for k, v in demo_in_db.key_results.items()
    }
    teams = {
        k: dataclasses.replace(t, members=tuple(p for p in t.members if p != "cai"))
        for k, t in teams.items()
    }
    clash = dataclasses.replace(demo_in_db, people=people, teams=teams, key_results=key_results)
    before = dump()
    with pytest.raises(ImportRefusedError) as refused:
        organization_import(org=clash, source="t", today=TODAY)
    assert any("after this import" in p and "cai" in p for p in refused.value.problems)
    assert any("--prune" in p for p in refused.value.problems)
    assert dump() == before


def test_changing_a_metric_form_under_kept_checkins_is_refused(demo_in_db) -> None:
    numeric = next(
        kr
        for kr in demo_in_db.key_results.values()
        if isinstance(kr.metric, m.NumericMetric)
        and kr.checkins
        and demo_in_db.objectives[kr.objective].cycle == "2026-Q4"
    )
    boolean = dataclasses.replace(numeric, metric=m.BooleanMetric(), checkins=())
    changed = dataclasses.replace(
        demo_in_db, key_results={**demo_in_db.key_results, numeric.id: boolean}
    )
    with pytest.raises(ImportRefusedError) as refused:
        organization_import(org=changed, source="t", today=TODAY)
    assert any(numeric.id in p and "true or false" in p for p in refused.value.problems)
    # With --prune the old check-ins go, and the change is fine.
    organization_import(org=changed, source="t", today=TODAY, prune=True)
    assert organization_load().key_results[numeric.id].metric == m.BooleanMetric()


def test_moving_a_key_result_out_of_a_closed_cycle_is_refused(demo_in_db) -> None:
    q3_kr = next(
        kr
        for kr in demo_in_db.key_results.values()
        if demo_in_db.objectives[kr.objective].cycle == "2026-Q3"
    )
    moved = dataclasses.replace(q3_kr, objective="SR-1")
    objectives = dict(demo_in_db.objectives)
    old = objectives[q3_kr.objective]
    objectives[old.id] = dataclasses.replace(
        old, key_results=tuple(k for k in old.key_results if k != q3_kr.id)
    )
    objectives["SR-1"] = dataclasses.replace(
        objectives["SR-1"], key_results=(*objectives["SR-1"].key_results, q3_kr.id)
    )
    org = dataclasses.replace(
        demo_in_db,
        objectives=objectives,
        key_results={**demo_in_db.key_results, q3_kr.id: moved},
    )
    with pytest.raises(ImportRefusedError) as refused:
        organization_import(org=org, source="t", today=TODAY)
    assert any(
        f"{q3_kr.id}: changes a key result of cycle '2026-Q3'" in p for p in refused.value.problems
    )


def test_prune_asks_before_deleting_check_ins_alone(demo_in_db, tmp_path) -> None:
    kr = demo_in_db.key_results["SR-1.1"]
    fewer = dataclasses.replace(
        demo_in_db,
        key_results={**demo_in_db.key_results, "SR-1.1": dataclasses.replace(kr, checkins=())},
    )
    before = dump()
    code, _out, err = tandem("import", str(write(fewer, tmp_path / "f.yaml")), "--prune")
    assert code == 2
    assert f"check-ins: {len(kr.checkins)}" in err
    assert dump() == before


def test_whole_number_score_overrides_report_the_same_from_file_and_database(db, tmp_path):
    text = """
version: 1
organization: Scores
teams: [{id: co, name: Co}]
cycles: [{id: H1, start: 2026-01-01, end: 2026-06-30}]
objectives:
  - id: O-1
    title: Grow
    cycle: H1
    owner: co
    key_results:
      - id: K-1
        title: Revenue
        metric: {start: 0, target: 10}
        score_override: {score: 1, reason: done}
      - {id: K-2, title: Tiny, metric: {keep_below: 1e-05, unit: s}}
"""
    path = tmp_path / "scores.yaml"
    path.write_text(text)
    assert tandem("import", str(path))[0] == 0
    from_file = tandem("report", str(path), "--as-of", "2026-11-21", "-f", "json")
    assert tandem("report", "--as-of", "2026-11-21", "-f", "json") == from_file
    assert json.loads(from_file[1])["key_results"][0]["score"] == 1.0
    exported = tmp_path / "scores.json"
    assert tandem("export", "-f", "json", "-o", str(exported))[0] == 0
    assert "1e-05" in exported.read_text()
    assert load_text(exported.read_text()).organization == organization_load()


def test_a_score_override_records_who_and_when_and_works_in_a_closed_cycle(demo_in_db):
    q3_kr = KeyResult.objects.filter(objective__cycle_id="2026-Q3").first()
    assert q3_kr is not None
    with pytest.raises(ScoreOverrideError, match="a reason is required"):
        key_result_score_override(key_result_id=q3_kr.id, score=0.4, reason=" ", by_id="zoe")
    with pytest.raises(ScoreOverrideError, match=r"between 0\.0 and 1\.0"):
        key_result_score_override(key_result_id=q3_kr.id, score=1.4, reason="x", by_id="zoe")
    key_result_score_override(key_result_id=q3_kr.id, score=0.4, reason="scope cut", by_id="zoe")
    row = KeyResult.objects.get(id=q3_kr.id)
    assert (row.override_score, row.override_reason, row.override_by_id) == (
        0.4,
        "scope cut",
        "zoe",
    )
    assert row.override_at is not None
    # Re-importing the same file keeps the author: only a changed override resets it.
    exported = organization_load()
    organization_import(org=exported, source="t", today=TODAY)
    assert KeyResult.objects.get(id=q3_kr.id).override_by_id == "zoe"


def test_export_refuses_a_folder_and_an_empty_database(db, tmp_path) -> None:
    code, _out, err = tandem("export")
    assert code == 2
    assert "nothing to export" in err


def test_export_to_a_folder_says_so(demo_in_db, tmp_path) -> None:
    code, _out, err = tandem("export", "-o", str(tmp_path))
    assert code == 2
    assert "is a folder" in err
    assert not list(tmp_path.iterdir())


def test_an_import_that_changes_an_email_changes_the_login_too(demo_in_db) -> None:
    from django.contrib.auth import authenticate  # noqa: PLC0415

    tandem("passwd", "ana", "--password", "correct-horse-battery-42")
    people = dict(demo_in_db.people)
    people["ana"] = dataclasses.replace(people["ana"], email="ana.lima@northwind.test")
    organization_import(org=dataclasses.replace(demo_in_db, people=people), source="t", today=TODAY)
    assert authenticate(username="ana.lima@northwind.test", password="correct-horse-battery-42")


def test_import_dates_for_the_cycle_state_use_today(db) -> None:
    org = m.Organization(
        name="Soon",
        teams={"co": m.Team("co", "Co")},
        cycles={"N": m.Cycle("N", date(2027, 1, 1), date(2027, 3, 31))},
    )
    organization_import(org=org, source="t", today=TODAY)
    from tandem.okrs.models import Cycle  # noqa: PLC0415

    assert Cycle.objects.get(id="N").state == Cycle.State.PLANNING
