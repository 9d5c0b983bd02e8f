"""`tandem import` and the import service: plans, all-or-nothing, prune, closed cycles."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem import DEMO_FILE
from tandem.checkins.models import CheckIn
from tandem.core import model as m
from tandem.dependencies.models import DependencyEvent
from tandem.okrfile import load_path
from tandem.okrs.models import Cycle, KeyResult, Objective
from tandem.organization.imports import ImportRefusedError, organization_import
from tandem.organization.selectors import organization_load
from tandem.people.models import Person, Team
from tests.conftest import TODAY
from tests.dbstate import dump, tandem, write

pytestmark = pytest.mark.django_db


def with_kr(org: m.Organization, kr_id: str, **changes: object) -> m.Organization:
    key_results = dict(org.key_results)
    key_results[kr_id] = dataclasses.replace(key_results[kr_id], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(org, key_results=key_results)


def test_importing_into_an_empty_database_creates_everything_and_prints_the_plan() -> None:
    code, _out, err = tandem("import", str(DEMO_FILE))
    assert code == 0, err
    assert "people       │      15 │" in err
    assert "check-ins    │     132 │" in err
    assert "Imported" in err
    assert Person.objects.count() == 15
    assert Team.objects.get(id="nw").is_root
    assert KeyResult.objects.get(id="SR-1.1").owner_id == "ben"


def test_a_second_import_of_the_same_file_changes_nothing(demo_in_db) -> None:
    before = dump()
    code, _out, err = tandem("import", str(DEMO_FILE))
    assert code == 0, err
    assert "already matches" in err
    assert dump() == before


def test_dry_run_shows_the_plan_and_writes_nothing(demo_in_db, tmp_path) -> None:
    changed = with_kr(demo_in_db, "SR-1.1", title="Cut p50 latency in the EU to 300 ms")
    before = dump()
    code, _out, err = tandem("import", str(write(changed, tmp_path / "o.yaml")), "--dry-run")
    assert code == 0, err
    assert "key results  │       0 │       1 │        33 │" in err
    assert "Dry run: nothing was imported." in err
    assert dump() == before


def test_updates_are_applied_and_new_checkins_appended(demo_in_db) -> None:
    kr = demo_in_db.key_results["SR-1.1"]
    extra = m.CheckIn(TODAY, 650, 8, "second cache layer", "ben")
    changed = with_kr(demo_in_db, "SR-1.1", title="Cut EU latency", checkins=(*kr.checkins, extra))
    plan = organization_import(org=changed, source="t", today=TODAY)
    assert plan.kinds["key_results"].updated == ["SR-1.1"]
    assert plan.checkins_added == 1
    assert KeyResult.objects.get(id="SR-1.1").title == "Cut EU latency"
    latest = CheckIn.objects.filter(key_result_id="SR-1.1").latest("date", "id")
    assert (latest.value, latest.confidence, latest.author_id) == (650, 8, "ben")
    assert organization_load() == changed


def test_checkins_missing_from_the_file_are_kept_unless_pruned(demo_in_db) -> None:
    kr = demo_in_db.key_results["SR-1.1"]
    fewer = with_kr(demo_in_db, "SR-1.1", checkins=kr.checkins[:-1])
    plan = organization_import(org=fewer, source="t", today=TODAY)
    assert plan.changes == 0
    assert CheckIn.objects.filter(key_result_id="SR-1.1").count() == len(kr.checkins)
    plan = organization_import(org=fewer, source="t", today=TODAY, prune=True)
    assert plan.checkins_deleted == 1
    assert organization_load().key_results["SR-1.1"].checkins == kr.checkins[:-1]


def test_a_state_change_is_recorded_in_the_dependency_history(demo_in_db) -> None:
    dependencies = dict(demo_in_db.dependencies)
    old_state = dependencies["DEP-1"].state
    dependencies["DEP-1"] = dataclasses.replace(
        dependencies["DEP-1"], state=m.DependencyState.DELIVERED
    )
    organization_import(
        org=dataclasses.replace(demo_in_db, dependencies=dependencies),
        source="q4.yaml",
        today=TODAY,
    )
    event = DependencyEvent.objects.filter(dependency_id="DEP-1").latest("id")
    assert (event.from_state, event.to_state) == (old_state.value, "delivered")
    assert event.reason == "imported from q4.yaml"
    assert DependencyEvent.objects.filter(dependency_id="DEP-1").count() == 2


def test_a_file_with_three_problems_lists_all_three_and_changes_nothing(demo_in_db, tmp_path):
    text = DEMO_FILE.read_text()
    broken = (
        text.replace("manager: sofia", "manager: ghost", 1)
        .replace("confidence: 7", "confidence: 11", 1)
        .replace("provider: infra", "provider: infrastructure", 1)
    )
    assert broken.count("ghost") == 1
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    before = dump()
    code, _out, err = tandem("import", str(path))
    assert code == 2
    assert "'manager' names 'ghost'" in err
    assert "confidence" in err
    assert "'provider' names 'infrastructure'" in err
    assert "3 problems in" in err
    assert dump() == before


def test_an_import_interrupted_half_way_leaves_nothing_behind(generated_file):
    org = load_path(generated_file(60)).organization
    before = dump()
    seen: list[str] = []

    def interrupt(stage: str, done: int, total: int) -> None:
        seen.append(stage)
        if stage == "check-ins":  # people, teams, objectives... are already written
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        organization_import(org=org, source="big.yaml", today=TODAY, progress=interrupt)
    assert {"people", "objectives", "key_results"} <= set(seen)
    assert dump() == before


def test_a_closed_cycle_refuses_changes_but_takes_score_overrides(demo_in_db, tmp_path):
    assert Cycle.objects.get(id="2026-Q3").state == Cycle.State.CLOSED
    q3_kr = next(
        kr
        for kr in demo_in_db.key_results.values()
        if demo_in_db.objectives[kr.objective].cycle == "2026-Q3"
    )
    retitled = with_kr(demo_in_db, q3_kr.id, title="Something else entirely")
    before = dump()
    with pytest.raises(ImportRefusedError) as refused:
        organization_import(org=retitled, source="t", today=TODAY)
    assert refused.value.problems == [
        f"{q3_kr.id}: changes a key result of cycle '2026-Q3', which is closed; closed cycles "
        "are read-only except for score overrides (reopen the cycle in the admin first)"
    ]
    assert dump() == before
    code, _out, err = tandem("import", str(write(retitled, tmp_path / "t.yaml")))
    assert code == 2
    assert "which is closed" in err
    assert "nothing was written" in err

    graded = with_kr(demo_in_db, q3_kr.id, score_override=m.ScoreOverride(0.5, "scope cut"))
    organization_import(org=graded, source="t", today=TODAY)
    row = KeyResult.objects.get(id=q3_kr.id)
    assert (row.override_score, row.override_reason) == (0.5, "scope cut")


def test_prune_lists_what_it_deletes_and_needs_confirmation(demo_in_db, tmp_path):
    objectives = {k: v for k, v in demo_in_db.objectives.items() if k != "CS-1"}
    key_results = {k: v for k, v in demo_in_db.key_results.items() if v.objective != "CS-1"}
    dependencies = {
        k: v
        for k, v in demo_in_db.dependencies.items()
        if v.from_id in key_results or v.from_id in objectives
    }
    smaller = dataclasses.replace(
        demo_in_db, objectives=objectives, key_results=key_results, dependencies=dependencies
    )
    path = write(smaller, tmp_path / "smaller.yaml")
    before = dump()

    code, _out, err = tandem("import", str(path))  # without --prune: nothing is deleted
    assert code == 0, err
    assert dump() == before

    code, _out, err = tandem("import", str(path), "--prune")  # no terminal to ask at
    assert code == 2
    assert "objectives: CS-1" in err
    assert "add --yes" in err
    assert dump() == before

    code, _out, err = tandem("import", str(path), "--prune", "--yes")
    assert code == 0, err
    assert not Objective.objects.filter(id="CS-1").exists()
    assert organization_load() == smaller


def test_prune_removes_teams_and_cycles_from_the_leaves_up(demo_organization):
    org = demo_organization
    # Imported before Q3 ended, so no cycle is closed yet and everything may go.
    organization_import(org=org, source="t", today=date(2026, 9, 1))
    tiny = m.Organization(
        name="Tiny",
        people={"zoe": org.people["zoe"]},
        teams={"co": m.Team("co", "Company", None, "zoe", ("zoe",))},
        cycles={"C": m.Cycle("C", TODAY, date(2026, 12, 31))},
    )
    plan = organization_import(org=tiny, source="t", today=TODAY, prune=True)
    assert set(plan.kinds["teams"].deleted) == set(org.teams)
    assert organization_load() == tiny


def test_import_queries_grow_with_batches_not_objects(generated_file) -> None:
    def count(people: int) -> tuple[int, int]:
        org = load_path(generated_file(people)).organization
        with CaptureQueriesContext(connection) as queries:
            plan = organization_import(org=org, source="t", today=date(2026, 9, 1), prune=True)
        return len(queries), plan.changes

    small_queries, small_objects = count(100)
    large_queries, large_objects = count(1000)  # ten times the people
    assert large_objects > 4 * small_objects
    # Rows go in batches (of about a hundred on SQLite, which caps a statement at 999
    # parameters; of 2000 on PostgreSQL): one more query per batch, never one per object.
    assert large_queries - small_queries < (large_objects - small_objects) / 50
