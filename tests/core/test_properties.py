"""Invariants that hold for any organisation, checked on generated ones (hypothesis)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem import DEMO_FILE
from tandem.core import model as m
from tandem.core.engine import Health, evaluate
from tandem.core.quality import lint
from tandem.core.report import build_report, resolve_scope
from tandem.okrfile import OkrFileError, load_text

CYCLES = {
    "FY": m.Cycle("FY", date(2026, 1, 1), date(2026, 12, 31)),
    "Q3": m.Cycle("Q3", date(2026, 7, 1), date(2026, 9, 30), "FY"),
    "Q4": m.Cycle("Q4", date(2026, 10, 1), date(2026, 12, 31), "FY"),
}
PEOPLE = {pid: m.Person(pid, pid.title()) for pid in ("p0", "p1", "p2", "p3")}
DAYS = st.integers(min_value=0, max_value=500).map(lambda d: date(2026, 1, 1) + timedelta(d))
NUMBERS = st.integers(min_value=-50, max_value=150)


def metrics() -> st.SearchStrategy[m.Metric]:
    milestone = st.builds(m.Milestone, st.just("step"), st.integers(0, 3), st.none() | DAYS)
    return st.one_of(
        st.builds(m.NumericMetric, NUMBERS, NUMBERS, st.sampled_from([None, "ms", "%"])),
        st.builds(m.ThresholdMetric, NUMBERS, st.booleans(), st.sampled_from([None, "%"])),
        st.just(m.BooleanMetric()),
        st.builds(m.MilestonesMetric, st.lists(milestone, min_size=1, max_size=3).map(tuple)),
        st.just(m.RollupMetric()),
    )


def checkins(metric: m.Metric) -> st.SearchStrategy[tuple[m.CheckIn, ...]]:
    if isinstance(metric, m.BooleanMetric):
        values: st.SearchStrategy[float | bool | None] = st.none() | st.booleans()
    elif isinstance(metric, m.NumericMetric | m.ThresholdMetric):
        values = st.none() | NUMBERS
    else:
        values = st.none()
    checkin = st.builds(m.CheckIn, DAYS, values, st.none() | st.integers(0, 10))
    return st.lists(checkin, max_size=4).map(lambda cs: tuple(sorted(cs, key=lambda c: c.date)))


@st.composite
def organizations(draw: st.DrawFn) -> m.Organization:
    team_ids = ["root"] + [f"t{i}" for i in range(draw(st.integers(1, 4)))]
    teams = {"root": m.Team("root", "Company", None, "p0", ("p0",))}
    for tid in team_ids[1:]:
        parent = draw(st.sampled_from(list(teams)))
        teams[tid] = m.Team(tid, f"Team {tid}", parent, None, ("p1", "p2"))
    count = draw(st.integers(1, 8))
    objective_ids = [f"O{i}" for i in range(count)]
    key_results: dict[str, m.KeyResult] = {}
    objectives: dict[str, m.Objective] = {}
    for oid in objective_ids:
        cycle = CYCLES[draw(st.sampled_from(list(CYCLES)))]
        kr_ids = [f"{oid}.{k}" for k in range(draw(st.integers(0, 3)))]
        for kid in kr_ids:
            metric = draw(metrics())
            key_results[kid] = m.KeyResult(
                kid,
                oid,
                "Grow something",
                metric,
                draw(st.sampled_from([None, "p1"])),
                (),
                draw(st.sampled_from([0, 1, 2.5])),
                draw(checkins(metric)),
                # Added on any day up to its cycle's end (before its start: from the start).
                since=draw(st.none() | st.dates(cycle.start - timedelta(30), cycle.end)),
            )
        objectives[oid] = m.Objective(
            oid,
            "Do it",
            cycle.id,
            draw(st.sampled_from([*team_ids, "p1", "p3"])),
            key_results=tuple(kr_ids),
        )
    targets = [None, "missing", *objective_ids, *key_results]
    objectives = {
        oid: m.Objective(
            o.id,
            o.title,
            o.cycle,
            o.owner,
            aligns_to=draw(st.sampled_from(targets)),
            key_results=o.key_results,
        )
        for oid, o in objectives.items()
    }
    sources = [*objective_ids, *key_results]
    dependencies = {}
    for i in range(draw(st.integers(0, 5))):
        dependencies[f"D{i}"] = m.Dependency(
            f"D{i}",
            draw(st.sampled_from(sources)),
            draw(st.sampled_from(team_ids)),
            "help",
            draw(st.sampled_from(list(m.DependencyState))),
            draw(st.none() | DAYS),
            draw(st.sampled_from([None, *key_results])),
        )
    return m.Organization(
        "Generated", m.Settings(), PEOPLE, teams, CYCLES, objectives, key_results, dependencies
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org=organizations(), as_of=DAYS)
def test_invariants_hold_for_any_organisation(org: m.Organization, as_of: date) -> None:
    result = evaluate(org, as_of)
    for kr in result.key_results.values():
        assert 0.0 <= kr.progress <= 1.0
        assert kr.health.rank >= kr.own_health.rank  # dependencies never improve health
        if kr.progress == 1.0:  # achieved: nothing holds it back
            assert (kr.health, kr.at_risk_from) == (Health.ON_TRACK, ())
        # Measured from its own start, on or after its cycle's: never more is expected, but
        # everything from one added on the cycle's last day.
        since = org.key_results[kr.id].since
        cycle = CYCLES[org.objectives[kr.objective].cycle]
        elapsed = result.cycles[cycle.id].elapsed
        if since is None or since <= cycle.start:
            assert kr.expected_progress == elapsed
        elif since == cycle.end:
            assert kr.expected_progress == 1.0
        else:
            assert 0.0 <= kr.expected_progress <= elapsed
        for dep_id in kr.at_risk_from:
            status = result.dependencies[dep_id].status.health
            assert status is not None
            assert status.rank > kr.own_health.rank
    for objective in org.objectives.values():
        progress = result.objectives[objective.id].progress
        weighted = [
            result.key_results[k].progress
            for k in objective.key_results
            if org.key_results[k].weight > 0
        ]
        if weighted:
            assert progress is not None
            assert min(weighted) - 1e-9 <= progress <= max(weighted) + 1e-9
        else:
            assert progress is None
    # Reports and lint never crash, and the report is plain JSON.
    report = build_report(org, result, resolve_scope(org, as_of, cycle="all"))
    json.dumps(report)
    assert len(report["key_results"]) == len(org.key_results)
    for finding in lint(org, result):
        assert finding.message


DEMO = DEMO_FILE.read_text()


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_damaged_file_gives_a_problem_listing_never_a_traceback(data: st.DataObject) -> None:
    lines = DEMO.splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "garble", "dedent", "duplicate"]))
        if action == "delete":
            del lines[index]
        elif action == "garble":
            junk = data.draw(st.text(alphabet=":-[]{}#&*!|>'\"% abc0123\t", max_size=6))
            at = data.draw(st.integers(0, len(lines[index])))
            lines[index] = lines[index][:at] + junk + lines[index][at:]
        elif action == "dedent":
            lines[index] = lines[index].lstrip()
        else:
            lines.insert(index, lines[index])
    problems = []
    try:
        load_text("\n".join(lines), filename="demo.yaml")
    except OkrFileError as exc:
        problems = exc.problems
        assert problems, "an OkrFileError always lists at least one problem"
    for problem in problems:
        assert problem.message
        assert problem.line is None or 1 <= problem.line <= len(lines) + 1
