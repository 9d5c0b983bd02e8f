"""The rules whose findings are warnings: what an OKR coach would question.

``dependency-overdue`` is an error but stays beside the other dependency rules: the order
rules register in is the order of findings on one target, and of the rules on the pages.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator

from tandem.core import model as m
from tandem.core.engine import Evaluation
from tandem.core.quality.findings import Finding, Severity, finding, owner_name, rule
from tandem.core.similarity import similar_rows, vectorize


@rule("too-many-objectives", Severity.WARNING)
def _too_many_objectives(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    limit = org.settings.max_objectives_per_owner
    counts = Counter((o.owner, o.cycle) for o in org.objectives.values())
    for (owner, cycle), count in counts.items():
        if count > limit:
            yield finding(
                "too-many-objectives",
                owner,
                f"{owner_name(org, owner)} has {count} objectives in {cycle} (more "
                f"than {limit}): focus on the few that matter most and drop or merge "
                "the rest",
            )


@rule("too-many-key-results", Severity.WARNING)
def _too_many_key_results(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    limit = org.settings.max_key_results_per_objective
    for objective in org.objectives.values():
        if len(objective.key_results) > limit:
            yield finding(
                "too-many-key-results",
                objective.id,
                f"{len(objective.key_results)} key results (more than {limit}): keep "
                "the ones that best show success; the rest are often tasks or "
                "health metrics",
            )


ACTIVITY_VERBS = (
    "launch",
    "build",
    "implement",
    "create",
    "write",
    "hold",
    "run",
    "organise",
    "organize",
    "complete",
    "finish",
    "deliver",
    "ship",
    "migrate",
    "develop",
    "design",
    "set up",
    "introduce",
    "conduct",
    "prepare",
    "publish",
    "roll out",
)
_TASK_LIKE = re.compile(
    r"^\s*(" + "|".join(v.replace(" ", r"\s+") for v in ACTIVITY_VERBS) + r")\b", re.IGNORECASE
)


@rule("kr-task-like", Severity.WARNING)
def _kr_task_like(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for kr in org.key_results.values():
        if isinstance(kr.metric, m.BooleanMetric | m.MilestonesMetric):
            match = _TASK_LIKE.match(kr.title)
            if match:
                yield finding(
                    "kr-task-like",
                    kr.id,
                    f"'{kr.title}' starts with '{match.group(1)}' and reads like a "
                    "task (an output): say what changes when it is done, as a number "
                    "to move (e.g. 'checkout conversion from 2.1% to 3%')",
                )


@rule("kr-without-owner", Severity.WARNING)
def _kr_without_owner(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for kr in org.key_results.values():
        if kr.owner is None and org.objectives[kr.objective].owner in org.teams:
            yield finding(
                "kr-without-owner",
                kr.id,
                "no one owns this key result: name the person who drives it and checks in",
            )


@rule("unaligned-objective", Severity.WARNING)
def _unaligned_objective(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for objective in org.objectives.values():
        level = ev.objectives[objective.id].level
        if level is not m.Level.COMPANY and objective.aligns_to is None:
            yield finding(
                "unaligned-objective",
                objective.id,
                f"this {level.value} objective does not align to anything: set "
                "aligns_to to the company or team objective or key result it "
                "serves, so people see why it matters",
            )


@rule("individual-heavy-team", Severity.WARNING)
def _individual_heavy_team(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    limit = org.settings.individual_share_limit
    team_counts: Counter[tuple[str, str]] = Counter()
    personal: dict[str, Counter[str]] = defaultdict(Counter)
    for objective in org.objectives.values():
        if objective.owner in org.teams:
            team_counts[objective.owner, objective.cycle] += 1
        elif objective.owner in org.people:
            personal[objective.owner][objective.cycle] += 1
    for team in org.teams.values():
        individual: Counter[str] = Counter()
        for member in team.members:
            individual.update(personal.get(member, {}))
        for cycle, count in individual.items():
            total = count + team_counts[team.id, cycle]
            if count / total > limit:
                yield finding(
                    "individual-heavy-team",
                    team.id,
                    f"in {cycle}, {count} of {total} objectives of {team.name} and "
                    f"its members are individual (more than {limit:.0%}): turn shared "
                    "goals into team objectives and keep individual ones few",
                )


@rule("umbrella-kr-without-contributors", Severity.WARNING)
def _umbrella_kr_without_contributors(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for objective in org.objectives.values():
        if objective.umbrella is None:
            continue
        for key_result_id in objective.key_results:
            if not org.key_results[key_result_id].contributors:
                yield finding(
                    "umbrella-kr-without-contributors",
                    key_result_id,
                    "a key result of an umbrella objective has no contributors: list "
                    "the people or teams who move it alongside its owner",
                )


def _aligns_to_other(org: m.Organization, a: m.Objective, b: m.Objective) -> bool:
    """True when ``a`` aligns to ``b`` itself or to one of its key results."""
    target = a.aligns_to
    if target is None:
        return False
    return target == b.id or (
        target in org.key_results and org.key_results[target].objective == b.id
    )


@rule("possible-overlap", Severity.WARNING)
def _possible_overlap(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    objectives = list(org.objectives.values())
    vectors = vectorize([o.title for o in objectives])
    by_cycle: dict[str, list[int]] = defaultdict(list)
    for index, objective in enumerate(objectives):
        by_cycle[objective.cycle].append(index)
    cycle_ids = list(by_cycle)
    candidates = (
        pair
        for position, first in enumerate(cycle_ids)
        for second in cycle_ids[position:]
        if org.cycles[first].overlaps(org.cycles[second])
        for pair in similar_rows(
            vectors,
            by_cycle[first],
            by_cycle[second],
            org.settings.overlap_threshold,
            same=first == second,
        )
    )
    for i, j, similarity in candidates:
        a, b = objectives[min(i, j)], objectives[max(i, j)]
        if a.owner == b.owner:
            continue
        if _aligns_to_other(org, a, b) or _aligns_to_other(org, b, a):
            continue
        yield finding(
            "possible-overlap",
            a.id,
            f"'{a.title}' ({owner_name(org, a.owner)}) and '{b.title}' "
            f"({owner_name(org, b.owner)}) look alike ({similarity:.0%} similar): "
            "agree on one shared objective, or an umbrella objective with both "
            "teams as contributors",
            related=b.id,
        )


def _direction(metric: m.Metric) -> int:
    if isinstance(metric, m.NumericMetric):
        return (metric.target > metric.start) - (metric.target < metric.start)
    if isinstance(metric, m.ThresholdMetric):
        return 1 if metric.above else -1
    return 0


@rule("conflicting-key-results", Severity.WARNING)
def _conflicting_key_results(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    directed = [
        kr for kr in org.key_results.values() if m.metric_unit(kr.metric) and _direction(kr.metric)
    ]
    # Only key results of one unit can conflict: compare within each unit, up against down.
    ups: dict[str, list[int]] = defaultdict(list)
    downs: dict[str, list[int]] = defaultdict(list)
    for index, kr in enumerate(directed):
        unit = (m.metric_unit(kr.metric) or "").lower()
        (ups if _direction(kr.metric) > 0 else downs)[unit].append(index)
    if not any(unit in downs for unit in ups):
        return
    # One vocabulary for all, so that every subset's vectors are comparable.
    vectors = vectorize([kr.title for kr in directed])
    threshold = org.settings.overlap_threshold
    order = {key_result_id: i for i, key_result_id in enumerate(org.key_results)}
    candidates = (
        pair
        for unit, up_rows in ups.items()
        for pair in similar_rows(vectors, up_rows, downs.get(unit, []), threshold, same=False)
    )
    for i, j, similarity in candidates:
        up, down = directed[i], directed[j]
        up_cycle = org.cycles[org.objectives[up.objective].cycle]
        down_cycle = org.cycles[org.objectives[down.objective].cycle]
        if not up_cycle.overlaps(down_cycle):
            continue
        first, second = sorted((up, down), key=lambda kr: order[kr.id])
        yield finding(
            "conflicting-key-results",
            first.id,
            f"'{up.title}' raises and '{down.title}' lowers the same measure "
            f"({m.metric_unit(up.metric)}, {similarity:.0%} similar titles): the "
            "owners should agree which way it should move",
            related=second.id,
        )


@rule("dependency-unconfirmed", Severity.WARNING)
def _dependency_unconfirmed(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for dep in org.dependencies.values():
        if dep.state is m.DependencyState.REQUESTED:
            yield finding(
                "dependency-unconfirmed",
                dep.id,
                f"{owner_name(org, dep.provider)} has not answered this request yet: "
                "ask them to accept it (ideally naming the key result that delivers "
                "it) or decline it",
            )


def _from_cycle(org: m.Organization, dep: m.Dependency) -> m.Cycle:
    objective_id = (
        org.key_results[dep.from_id].objective if dep.from_id in org.key_results else dep.from_id
    )
    return org.cycles[org.objectives[objective_id].cycle]


@rule("dependency-declined", Severity.WARNING)
def _dependency_declined(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for dep in org.dependencies.values():
        if dep.state is not m.DependencyState.DECLINED:
            continue
        if ev.cycles[_from_cycle(org, dep).id].active:
            yield finding(
                "dependency-declined",
                dep.id,
                f"{owner_name(org, dep.provider)} declined this request, and "
                f"{dep.from_id} still counts on it: find another way, change the key "
                "result, or cancel the dependency",
            )


@rule("dependency-overdue", Severity.ERROR)
def _dependency_overdue(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    open_states = (m.DependencyState.REQUESTED, m.DependencyState.ACCEPTED)
    for dep in org.dependencies.values():
        if dep.due is not None and dep.due < ev.as_of and dep.state in open_states:
            yield finding(
                "dependency-overdue",
                dep.id,
                f"due on {dep.due} and not delivered: agree a new date with "
                f"{owner_name(org, dep.provider)}, or mark it delivered or cancelled",
            )


@rule("stale-checkin", Severity.WARNING)
def _stale_checkin(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    days = org.settings.stale_after_days
    for kr in org.key_results.values():
        result = ev.key_results[kr.id]
        if result.stale and ev.cycles[org.objectives[kr.objective].cycle].active:
            age = (ev.as_of - result.last_update).days
            yield finding(
                "stale-checkin",
                kr.id,
                f"no update for {age} days (since {result.last_update}; more than "
                f"{days}): check in with the current value and your confidence",
            )
