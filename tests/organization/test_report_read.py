"""The report's read (``organization_load(as_of=day)``) gives what the whole history gives.

It holds, per key result, only the check-ins the engine reads on that day; every evaluation,
report and lint finding as of that day must equal those computed on the full read.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from django.db import connection
from django.db.models import JSONField, Value
from django.test.utils import CaptureQueriesContext

from tandem import DEMO_FILE
from tandem.checkins.models import CheckIn
from tandem.core import model as m
from tandem.core.engine import evaluate
from tandem.core.quality import lint
from tandem.core.report import build_report, resolve_scope
from tandem.okrfile import load_path
from tandem.organization.imports import organization_import
from tandem.organization.selectors import organization_load
from tests.conftest import TODAY
from tests.dbstate import tandem
from tests.okr_text import org

pytestmark = pytest.mark.django_db

# Same-day check-ins keep their order in the file: on 2026-10-12 the value 20 comes after a
# confidence-only check-in and before another one, so the latest is the confidence 3 and
# the latest value 20.
CHECKINS = """
    - id: SR-1
      title: Make search fast
      cycle: Q4
      owner: search
      key_results:
        - id: NUM
          title: p95 latency in ms
          metric: {start: 900, target: 300, unit: ms}
          checkins:
            - {date: 2026-10-05, value: 800, confidence: 7, note: first, by: ana}
            - {date: 2026-10-12, confidence: 5, note: waiting}
            - {date: 2026-10-12, value: 700}
            - {date: 2026-10-12, confidence: 3, by: ben}
            - {date: 2026-10-20, note: only a note}
            - {date: 2026-11-02, value: 600.5, confidence: 8}
            - {date: 2026-11-20, confidence: 9}
        - id: KEEP
          title: Error rate stays low
          metric: {keep_below: 1.5, unit: "%"}
          checkins:
            - {date: 2026-10-03, value: 2}
            - {date: 2026-10-03, value: 1}
            - {date: 2026-10-17, confidence: 2}
        - id: BOOL
          title: Index shipped
          metric: boolean
          checkins:
            - {date: 2026-10-10, value: false, confidence: 6}
            - {date: 2026-11-01, value: true}
            - {date: 2026-11-08, note: done and dusted}
        - id: NOVALUE
          title: Confidence only
          metric: {start: 0, target: 10}
          checkins:
            - {date: 2026-10-15, confidence: 4}
            - {date: 2026-11-15, confidence: 8}
        - id: NONE
          title: Never checked in
          metric: {start: 0, target: 10}
        - id: STEPS
          title: Migration steps
          metric: {milestones: [{title: a, done_on: 2026-10-20}, {title: b, done_on: 2026-12-01}]}
          checkins:
            - {date: 2026-10-25, confidence: 6, note: half way}
    - id: SR-2
      title: Last quarter
      cycle: Q3
      owner: search
      key_results:
        - id: OLD
          title: Relevance
          metric: {start: 0, target: 1}
          checkins:
            - {date: 2026-07-10, value: 0.25, confidence: 6}
            - {date: 2026-09-30, value: 0.75}
    - id: NW-1
      title: Company goal
      cycle: FY
      owner: nw
      key_results:
        - {id: ROLL, title: Teams deliver, metric: rollup,
           checkins: [{date: 2026-11-05, confidence: 4}]}
    - id: IN-1
      title: Infra part
      cycle: Q4
      owner: infra
      aligns_to: ROLL
      key_results:
        - id: MACH
          title: Machines racked
          metric: {start: 0, target: 40}
          checkins:
            - {date: 2026-10-01, value: 10, confidence: 8}
            - {date: 2026-11-10, confidence: 2}
"""
DEPENDENCIES = """
    - {id: DEP-1, from: NUM, provider: infra, need: machines, state: accepted,
       provider_kr: MACH}
"""
# Before any check-in, on the first, between two, on a day of several, after a cycle's end
# (Q3 ends on 2026-09-30, Q4 and FY on 2026-12-31) and long after everything.
DAYS = [
    date(2026, 6, 1),
    date(2026, 7, 10),
    date(2026, 9, 30),
    date(2026, 10, 1),
    date(2026, 10, 3),
    date(2026, 10, 8),
    date(2026, 10, 12),
    date(2026, 10, 13),
    date(2026, 10, 20),
    date(2026, 10, 25),
    date(2026, 11, 2),
    date(2026, 11, 15),
    date(2026, 11, 21),
    date(2026, 12, 31),
    date(2027, 3, 1),
]


def assert_reads_agree(day: date) -> None:
    """Evaluation, report of every cycle and lint as of ``day``: full read = as-of read."""
    full, partial = organization_load(), organization_load(as_of=day)
    assert partial.people == full.people
    assert list(partial.objectives) == list(full.objectives)
    assert list(partial.key_results) == list(full.key_results)
    full_ev, partial_ev = evaluate(full, day), evaluate(partial, day)
    assert partial_ev == full_ev, day
    scope = resolve_scope(full, day, cycle="all")
    assert json.dumps(build_report(partial, partial_ev, scope)) == json.dumps(
        build_report(full, full_ev, scope)
    )
    assert [f.as_json() for f in lint(partial, partial_ev)] == [
        f.as_json() for f in lint(full, full_ev)
    ]


@pytest.fixture
def checkins_in_db() -> m.Organization:
    organization = org(CHECKINS, DEPENDENCIES)
    # As of a day before Q3 closes, so that its check-ins may go in.
    organization_import(org=organization, source="t", today=date(2026, 9, 1))
    return organization


def test_the_as_of_read_keeps_the_latest_checkin_and_the_latest_value(checkins_in_db):
    def kept(day: date, kr_id: str) -> tuple[m.CheckIn, ...]:
        return organization_load(as_of=day).key_results[kr_id].checkins

    num = checkins_in_db.key_results["NUM"].checkins
    assert kept(date(2026, 10, 4), "NUM") == ()
    assert kept(date(2026, 10, 5), "NUM") == (num[0],)
    # A numeric key result of a cycle under way keeps every value too (for its forecast).
    assert kept(date(2026, 10, 12), "NUM") == (num[0], num[2], num[3])
    assert kept(date(2026, 10, 31), "NUM") == (num[0], num[2], num[4])
    assert kept(date(2026, 11, 2), "NUM") == (num[0], num[2], num[5])
    # On the cycle's last day there is no forecast (nor yet a calibration): the two alone.
    assert kept(date(2026, 12, 31), "NUM") == (num[5], num[6])
    # Once the cycle is over, also the last confidence by its middle (2026-11-15) for the
    # calibration: that of 2026-11-02, kept anyway.
    assert kept(date(2027, 1, 1), "NUM") == (num[5], num[6])
    keep = checkins_in_db.key_results["KEEP"].checkins
    assert kept(date(2026, 10, 3), "KEEP") == (keep[1],)
    assert kept(date(2026, 11, 1), "KEEP") == (keep[1], keep[2])
    assert kept(date(2026, 11, 30), "NOVALUE") == (
        checkins_in_db.key_results["NOVALUE"].checkins[1],
    )
    assert kept(date(2026, 11, 30), "NONE") == ()
    bool_checkins = checkins_in_db.key_results["BOOL"].checkins
    assert kept(date(2026, 11, 8), "BOOL") == (bool_checkins[1], bool_checkins[2])
    assert kept(date(2026, 10, 31), "BOOL") == (bool_checkins[0],)
    # Everything else is the whole organisation.
    whole = organization_load()
    partial = organization_load(as_of=TODAY)
    assert partial.people == whole.people
    assert partial.teams == whole.teams
    assert partial.cycles == whole.cycles
    assert partial.objectives == whole.objectives
    assert partial.dependencies == whole.dependencies
    for kr_id, kr in whole.key_results.items():
        assert partial.key_results[kr_id].checkins == kept(TODAY, kr_id)
        assert partial.key_results[kr_id] == replace(kr, checkins=kept(TODAY, kr_id))
        # Its trend line is the one through the check-ins read, from the same start.
        assert partial.key_results[kr_id].trend == replace(kr, checkins=kept(TODAY, kr_id)).trend


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_as_of_read_evaluates_like_the_whole_history(checkins_in_db, day):
    assert_reads_agree(day)


def test_a_json_null_value_counts_as_no_value_in_both_reads(checkins_in_db):
    # The ORM writes SQL NULL for None; a JSON null can still come from elsewhere.
    CheckIn.objects.create(
        key_result_id="NUM", date=date(2026, 11, 25), value=Value(None, JSONField()), confidence=6
    )
    CheckIn.objects.create(
        key_result_id="KEEP", date=date(2026, 11, 25), value=Value(None, JSONField())
    )
    for day in (date(2026, 11, 25), date(2026, 12, 31)):
        assert_reads_agree(day)
    num = organization_load(as_of=date(2026, 11, 25)).key_results["NUM"].checkins
    assert [(c.date, c.value, c.confidence) for c in num] == [
        (date(2026, 10, 5), 800, 7),
        (date(2026, 10, 12), 700, None),
        (date(2026, 11, 2), 600.5, 8),
        (date(2026, 11, 25), None, 6),
    ]


@pytest.mark.parametrize("source", ["demo", "generated-200"])
def test_reports_and_lint_from_the_database_match_the_file_on_many_days(source, generated_file):
    path = str(DEMO_FILE if source == "demo" else generated_file(200))
    organization_import(org=load_path(path).organization, source="f", today=TODAY)
    for day in ("2026-01-15", "2026-07-01", "2026-08-20", "2026-10-01", "2026-11-21", "2027-02-01"):
        for command in (["report", "-f", "json", "--cycle", "all"], ["lint", "-f", "json"]):
            from_file = tandem(*command, path, "--as-of", day)
            from_database = tandem(*command, "--as-of", day)
            assert from_database == from_file, (command, day)


def test_the_as_of_read_takes_the_same_queries_at_ten_times_the_size(generated_file):
    def queries_for(people: int) -> int:
        organization = load_path(generated_file(people)).organization
        organization_import(org=organization, source="f", today=date(2026, 9, 1), prune=True)
        with CaptureQueriesContext(connection) as queries:
            loaded = organization_load(as_of=TODAY)
        assert len(loaded.key_results) == len(organization.key_results)
        return len(queries)

    assert queries_for(100) == queries_for(1000) == 13
