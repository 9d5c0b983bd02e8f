"""The computation rules of SPEC section 2, for one as-of date.

:func:`evaluate` makes one pass over the organisation: every key result, objective and
dependency is computed once, in dependency order, so the cost grows linearly with the size of
the organisation. Loops (alignment loops through roll-ups, dependency loops through
``provider_kr``) are found as strongly connected components and broken deterministically:
nothing propagates around a loop.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from tandem.core import model as m
from tandem.core.graph import loops, single_successor_loops, strongly_connected
from tandem.core.numbers import usable_number

# Floating-point slack for comparisons against thresholds such as a 0.7 score.
EPSILON = 1e-9


class Health(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"

    @property
    def rank(self) -> int:
        return _HEALTH_RANK[self]


_HEALTH_RANK = {Health.ON_TRACK: 0, Health.AT_RISK: 1, Health.OFF_TRACK: 2}


def worst(healths: Iterable[Health | None]) -> Health | None:
    # Identity tests rather than ranks: this runs for every objective.
    result: Health | None = None
    for health in healths:
        if health is Health.OFF_TRACK:
            return health
        if health is Health.AT_RISK or (health is not None and result is None):
            result = health
    return result


class DependencyStatus(StrEnum):
    DONE = "done"
    CANCELLED = "cancelled"
    OK = "ok"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"

    @property
    def health(self) -> Health | None:
        """The health this status imposes on the key result that needs the help, if any."""
        return _STATUS_HEALTH.get(self)


_STATUS_HEALTH = {
    DependencyStatus.OK: Health.ON_TRACK,
    DependencyStatus.AT_RISK: Health.AT_RISK,
    DependencyStatus.OFF_TRACK: Health.OFF_TRACK,
}
_HEALTH_STATUS = {health: status for status, health in _STATUS_HEALTH.items()}


@dataclass(frozen=True, slots=True)
class CycleResult:
    id: str
    elapsed: float
    started: bool
    # A cycle has ended on its last day: that is when grading starts (SPEC: "on or after").
    ended: bool

    @property
    def active(self) -> bool:
        return self.started and not self.ended


# The results of key results and objectives are not frozen, unlike everything else here: an
# evaluation builds one per key result and objective (16,000 at 10,000 people), and a frozen
# dataclass stores each field through object.__setattr__, which took six times as long and a
# tenth of the engine's time. Nothing changes them once built: treat them as read-only.
@dataclass(slots=True)
class KeyResultResult:
    id: str
    objective: str
    progress: float
    current: float | bool | None
    confidence: int | None
    own_health: Health
    health: Health
    at_risk_from: tuple[str, ...]
    last_update: date
    stale: bool
    score: float | None
    # Measured from the key result's own start (its cycle's, or the later day it was added).
    expected_progress: float


@dataclass(slots=True)  # not frozen: see KeyResultResult
class ObjectiveResult:
    id: str
    level: m.Level
    progress: float | None
    expected_progress: float
    health: Health | None
    score: float | None
    met_expectation: bool | None
    alignment_valid: bool


@dataclass(frozen=True, slots=True)
class DependencyResult:
    id: str
    status: DependencyStatus
    # On a loop of provider_kr links: its status comes from its state alone.
    in_loop: bool


@dataclass(frozen=True, slots=True)
class Evaluation:
    as_of: date
    cycles: dict[str, CycleResult]
    objectives: dict[str, ObjectiveResult]
    key_results: dict[str, KeyResultResult]
    dependencies: dict[str, DependencyResult]
    # Each loop of aligns_to links, as the objective ids on it.
    alignment_loops: list[list[str]]
    # Each loop of dependencies linked through provider_kr, as dependency ids in file order.
    dependency_loops: list[list[str]]
    # Objectives (by id) whose alignment to a key result or objective (the key) is valid.
    aligned_below: dict[str, list[str]]


def elapsed_fraction(cycle: m.Cycle, as_of: date) -> float:
    span = (cycle.end - cycle.start).days
    return min(max((as_of - cycle.start).days / span, 0.0), 1.0)


def expected_since(since: date, end: date, as_of: date) -> float:
    """The expected progress of a key result added on ``since`` to a cycle ending on ``end``:
    the share of its own time gone by, 1 when it was added on the cycle's last day."""
    span = (end - since).days
    if span <= 0:
        return 1.0
    return min(max((as_of - since).days / span, 0.0), 1.0)


def key_result_start(kr: m.KeyResult, cycle: m.Cycle) -> date:
    """The key result's own start (SPEC section 2): the later of its cycle's start and the day
    it was added."""
    since = kr.since
    return since if since is not None and since > cycle.start else cycle.start


def round_score(progress: float) -> float:
    """Half-up to one decimal (0.25 -> 0.3), immune to binary float noise."""
    exact = Decimal(repr(round(progress, 9)))
    return float(exact.quantize(_TENTH, rounding=ROUND_HALF_UP))


_TENTH = Decimal("0.1")


def level_of(objective: m.Objective, org: m.Organization, root_id: str | None) -> m.Level:
    if objective.owner == root_id:
        return m.Level.COMPANY
    if objective.owner in org.teams:
        return m.Level.TEAM
    return m.Level.INDIVIDUAL


def pace_health(progress: float, elapsed: float) -> Health:
    if progress >= elapsed - 0.10 - EPSILON:
        return Health.ON_TRACK
    if progress >= elapsed - 0.25 - EPSILON:
        return Health.AT_RISK
    return Health.OFF_TRACK


def confidence_health(confidence: int, settings: m.Settings) -> Health:
    if confidence >= settings.on_track_confidence:
        return Health.ON_TRACK
    if confidence >= settings.at_risk_confidence:
        return Health.AT_RISK
    return Health.OFF_TRACK


@dataclass(slots=True)
class _Reading:
    """What a key result's check-ins and milestones say on the as-of date."""

    progress: float | None  # None for roll-ups until their children are known
    current: float | bool | None
    confidence: int | None
    last_update: date
    # What its pace is judged against: its cycle's elapsed fraction, or its own from `since`.
    expected: float


def _checkin_date(checkin: m.CheckIn) -> date:
    return checkin.date


def _latest_value(checkins: Sequence[m.CheckIn], measured: bool) -> float | bool | None:
    """The latest value recorded: a check-in without one (a confidence or a note only) keeps
    the one before. A number that breaks tandem.core.numbers' rule (a row written before it,
    or by hand) is left out as if absent; the unusable-number quality rule reports it."""
    for checkin in reversed(checkins):
        value = checkin.value
        if value is not None and (not measured or usable_number(value)):
            return value
    return None


def _milestones(
    metric: m.MilestonesMetric, newest: date | None, start: date, as_of: date
) -> tuple[float, int, date]:
    """Progress, the number of milestones done, and the last update: the latest of ``newest``
    (the latest check-in's date) and the milestones done by ``as_of``, else ``start``."""
    # Integer starts, as sum() has, so that whole-number weights add up the same way.
    total: float = 0
    done_weight: float = 0
    done = 0
    for milestone in metric.milestones:
        total += milestone.weight
        done_on = milestone.done_on
        if done_on is not None and done_on <= as_of:
            done_weight += milestone.weight
            done += 1
            if newest is None or done_on > newest:
                newest = done_on
    progress = done_weight / total if total > 0 else 0.0
    return progress, done, newest if newest is not None else start


def _read(kr: m.KeyResult, cycle: m.Cycle, elapsed: float, as_of: date) -> _Reading:
    # Runs once per key result, so it avoids building lists: the check-ins are sorted by
    # date, and the database's read as of a day holds none after it (the slice is then
    # skipped).
    checkins = kr.checkins
    if checkins and checkins[-1].date > as_of:
        checkins = checkins[: bisect.bisect_right(checkins, as_of, key=_checkin_date)]
    latest = checkins[-1] if checkins else None
    # Its own start (key_result_start, inlined) and what is expected of it by now: most key
    # results have been there since the cycle started and share the cycle's fraction.
    start = cycle.start
    expected = elapsed
    since = kr.since
    if since is not None and since > start:
        start = since
        expected = expected_since(since, cycle.end, as_of)
    last_update = latest.date if latest is not None else start
    metric = kr.metric
    value = _latest_value(checkins, isinstance(metric, m.NumericMetric | m.ThresholdMetric))
    progress: float | None
    current: float | bool | None
    if isinstance(metric, m.NumericMetric):
        if usable_number(metric.start) and usable_number(metric.target):
            current = value if value is not None else metric.start
            span = metric.target - metric.start
            progress = 0.0 if span == 0 else (float(current) - metric.start) / span
        else:
            current, progress = value, 0.0
    elif isinstance(metric, m.ThresholdMetric):
        current = value
        if current is None or not usable_number(metric.threshold):
            progress = 0.0
        elif metric.above:
            progress = 1.0 if current >= metric.threshold else 0.0
        else:
            progress = 1.0 if current <= metric.threshold else 0.0
    elif isinstance(metric, m.BooleanMetric):
        current = value is True
        progress = 1.0 if current else 0.0
    elif isinstance(metric, m.MilestonesMetric):
        newest = latest.date if latest is not None else None
        progress, current, last_update = _milestones(metric, newest, start, as_of)
    else:
        current, progress = None, None
    if progress is not None:
        # Clamped to [0, 1], as min(max(progress, 0.0), 1.0) would.
        if progress < 0.0:
            progress = 0.0
        elif progress > 1.0:
            progress = 1.0
    confidence = latest.confidence if latest is not None else None
    return _Reading(progress, current, confidence, last_update, expected)


class _Evaluator:
    """One evaluation. The passes over every key result and objective run on plain dicts
    keyed by id and on local variables: at 10,000 people they see 12,000 key results, and
    attribute and method look-ups per key result were most of the engine's time."""

    def __init__(self, org: m.Organization, as_of: date) -> None:
        self.org = org
        self.as_of = as_of
        self.settings = org.settings
        root = org.root_team
        self.root_id = root.id if root else None
        self.cycles = {
            c.id: CycleResult(c.id, elapsed_fraction(c, as_of), as_of >= c.start, as_of >= c.end)
            for c in org.cycles.values()
        }
        # Objectives whose aligns_to names the key (an objective or key result id), as written.
        self.aligned: dict[str, list[str]] = defaultdict(list)
        for objective in org.objectives.values():
            if objective.aligns_to is not None:
                self.aligned[objective.aligns_to].append(objective.id)
        self.dependency_order = {dep_id: i for i, dep_id in enumerate(org.dependencies)}
        self.deps_from: dict[str, list[str]] = defaultdict(list)
        for dep in org.dependencies.values():
            self.deps_from[dep.from_id].append(dep.id)
        # Each objective's cycle result, and its key results that count (weight above 0)
        # with their weights, in order: looked up once here rather than per key result.
        self.objective_cycle = {
            oid: self.cycles[objective.cycle] for oid, objective in org.objectives.items()
        }
        key_results = org.key_results
        self.counted: dict[str, list[tuple[str, float]]] = {}
        for oid, objective in org.objectives.items():
            weights = [(kid, key_results[kid].weight) for kid in objective.key_results]
            self.counted[oid] = [(kid, weight) for kid, weight in weights if weight > 0]
        cycles = org.cycles
        cycle_of_objective = {oid: cycles[o.cycle] for oid, o in org.objectives.items()}
        objective_cycle = self.objective_cycle
        self.readings = {
            kr.id: _read(
                kr, cycle_of_objective[kr.objective], objective_cycle[kr.objective].elapsed, as_of
            )
            for kr in key_results.values()
        }

    def run(self) -> Evaluation:
        parents = self.parents()
        alignment_loops = self.alignment_loops(parents)
        on_alignment_loop = {oid for loop in alignment_loops for oid in loop}
        objective_progress = self.progress()
        dependency_loops = self.dependency_loops()
        looped = {d for loop in dependency_loops for d in loop}
        own, effective, objective_health, statuses = self.health(looped)
        key_results = self.key_result_results(own, effective, statuses)
        objectives, aligned_below = self.objective_results(
            key_results, objective_progress, objective_health, parents, on_alignment_loop
        )
        dependencies = {
            dep_id: DependencyResult(dep_id, status, dep_id in looped)
            for dep_id, status in statuses.items()
        }
        return Evaluation(
            as_of=self.as_of,
            cycles=self.cycles,
            objectives=objectives,
            key_results=key_results,
            dependencies=dependencies,
            alignment_loops=alignment_loops,
            dependency_loops=dependency_loops,
            aligned_below=aligned_below,
        )

    def key_result_results(
        self,
        own: dict[str, Health],
        effective: dict[str, Health],
        statuses: dict[str, DependencyStatus],
    ) -> dict[str, KeyResultResult]:
        as_of = self.as_of
        stale_after = self.settings.stale_after_days
        readings = self.readings
        objective_cycle = self.objective_cycle
        deps_from = self.deps_from
        key_results: dict[str, KeyResultResult] = {}
        for kid, kr in self.org.key_results.items():
            reading = readings[kid]
            objective_id = kr.objective
            progress = reading.progress or 0.0
            own_health = own[kid]
            lowered_by: tuple[str, ...] = ()
            # Once achieved (progress 1), nothing holds it back: see settle.
            if progress < 1.0 and (kid in deps_from or objective_id in deps_from):
                own_rank = _HEALTH_RANK[own_health]
                lowered_by = tuple(
                    dep_id
                    for dep_id in self.deps_affecting(kr)
                    if (h := statuses[dep_id].health) is not None and _HEALTH_RANK[h] > own_rank
                )
            score = None
            if objective_cycle[objective_id].ended:
                override = kr.score_override
                score = override.score if override else round_score(progress)
            last_update = reading.last_update
            key_results[kid] = KeyResultResult(
                kid,
                objective_id,
                progress,
                reading.current,
                reading.confidence,
                own_health,
                effective[kid],
                lowered_by,
                last_update,
                (as_of - last_update).days > stale_after,
                score,
                reading.expected,
            )
        return key_results

    def objective_results(
        self,
        key_results: dict[str, KeyResultResult],
        progress: dict[str, float | None],
        health: dict[str, Health | None],
        parents: dict[str, str],
        on_alignment_loop: set[str],
    ) -> tuple[dict[str, ObjectiveResult], dict[str, list[str]]]:
        """The objectives' results, and the objectives whose alignment is valid by what they
        align to."""
        objectives: dict[str, ObjectiveResult] = {}
        aligned_below: dict[str, list[str]] = {}
        org = self.org
        cycles = org.cycles
        # An alignment is valid when the parent's cycle contains the child's: the pairs of
        # cycles (parent, child) that fit are few and known up front.
        fitting = {(a, b) for a in cycles for b in cycles if cycles[a].contains(cycles[b])}
        teams, root_id, counted = org.teams, self.root_id, self.counted
        for oid, objective in org.objectives.items():
            cycle = self.objective_cycle[oid]
            parent = parents.get(oid)
            valid = (
                parent is not None
                and oid not in on_alignment_loop
                and (org.objectives[parent].cycle, objective.cycle) in fitting
            )
            if valid and objective.aligns_to is not None:
                aligned_below.setdefault(objective.aligns_to, []).append(oid)
            score = met = None
            if cycle.ended:
                # The weighted mean of the key results' scores (see weighted_mean).
                total = weighted = 0.0
                for kid, weight in counted[oid]:
                    total += weight
                    weighted += weight * (key_results[kid].score or 0.0)
                if total > 0:
                    score = weighted / total
                    bar = 1.0 if objective.kind is m.Kind.COMMITTED else 0.7
                    met = score >= bar - EPSILON
            # level_of, inlined.
            if objective.owner == root_id:
                level = m.Level.COMPANY
            elif objective.owner in teams:
                level = m.Level.TEAM
            else:
                level = m.Level.INDIVIDUAL
            objectives[oid] = ObjectiveResult(
                oid, level, progress[oid], cycle.elapsed, health[oid], score, met, valid
            )
        return objectives, aligned_below

    # --- helpers -------------------------------------------------------------------------------

    def weighted_mean(
        self, objective: m.Objective, value_of: Callable[[str], float]
    ) -> float | None:
        total = weighted = 0.0
        for kid, weight in self.counted[objective.id]:
            total += weight
            weighted += weight * value_of(kid)
        return weighted / total if total > 0 else None

    def deps_affecting(self, kr: m.KeyResult) -> list[str]:
        """Dependencies whose ``from`` is the key result or its objective, in file order."""
        own, inherited = self.deps_from.get(kr.id, []), self.deps_from.get(kr.objective, [])
        if not inherited:
            return own
        if not own:
            return inherited
        return sorted(own + inherited, key=self.dependency_order.__getitem__)

    def objective_of_target(self, target: str) -> m.Objective | None:
        """The objective an ``aligns_to`` value points at (directly or through its key result)."""
        if target in self.org.objectives:
            return self.org.objectives[target]
        kr = self.org.key_results.get(target)
        return self.org.objectives[kr.objective] if kr else None

    def parents(self) -> dict[str, str]:
        """The objective each objective aligns to (directly or through its key result), for
        those whose ``aligns_to`` names one."""
        found: dict[str, str] = {}
        for oid, objective in self.org.objectives.items():
            target = objective.aligns_to
            parent = self.objective_of_target(target) if target else None
            if parent is not None:
                found[oid] = parent.id
        return found

    # --- loops ---------------------------------------------------------------------------------

    def alignment_loops(self, parents: dict[str, str]) -> list[list[str]]:
        # Every objective aligns to at most one other: a walk along aligns_to finds the
        # loops (in the order, and with the members, of graph.loops) without Tarjan's work.
        order = {oid: i for i, oid in enumerate(self.org.objectives)}
        found = single_successor_loops(self.org.objectives, parents.get)
        return [sorted(loop, key=order.__getitem__) for loop in found]

    def dependency_loops(self) -> list[list[str]]:
        org = self.org

        def next_deps(dep_id: str) -> list[str]:
            provider_kr = org.dependencies[dep_id].provider_kr
            if provider_kr is None or provider_kr not in org.key_results:
                return []
            objective = org.key_results[provider_kr].objective
            return self.deps_from.get(provider_kr, []) + self.deps_from.get(objective, [])

        found = loops(org.dependencies, next_deps)
        return [sorted(loop, key=self.dependency_order.__getitem__) for loop in found]

    # --- progress ------------------------------------------------------------------------------

    def progress(self) -> dict[str, float | None]:
        """Objective progress; fills in the progress of roll-up key results on the way."""
        org = self.org
        readings = self.readings
        rollups = [kid for kid, r in readings.items() if r.progress is None]

        def needs(node: tuple[str, str]) -> list[tuple[str, str]]:
            kind, id_ = node
            if kind == "o":
                return [
                    ("k", kid)
                    for kid in org.objectives[id_].key_results
                    if readings[kid].progress is None
                ]
            return [("o", oid) for oid in self.aligned.get(id_, ())]

        # Only roll-ups need a graph pass (and the objectives they reach); the rest follows.
        nodes = [("k", kid) for kid in rollups]
        result: dict[str, float | None] = {}
        for component in strongly_connected(nodes, needs):
            members = set(component)
            # Inside a loop, roll-ups are computed first, without the loop's own objectives.
            for kind, id_ in sorted(component, key=lambda node: node[0] != "k"):
                if kind == "k":
                    children = [
                        result[oid]
                        for oid in self.aligned.get(id_, ())
                        if ("o", oid) not in members and result.get(oid) is not None
                    ]
                    values = [v for v in children if v is not None]
                    readings[id_].progress = sum(values) / len(values) if values else 0.0
                else:
                    objective = org.objectives[id_]
                    result[id_] = self.weighted_mean(
                        objective, lambda kid: readings[kid].progress or 0.0
                    )
        # The rest: the weighted mean of the key results' progress (see weighted_mean).
        counted = self.counted
        for oid in org.objectives:
            if oid not in result:
                total = weighted = 0.0
                for kid, weight in counted[oid]:
                    total += weight
                    weighted += weight * (readings[kid].progress or 0.0)
                result[oid] = weighted / total if total > 0 else None
        return result

    # --- health --------------------------------------------------------------------------------

    def own_health(self, kr: m.KeyResult, children: list[Health | None]) -> Health:
        reading = self.readings[kr.id]
        progress = reading.progress or 0.0
        if progress >= 1.0:
            return Health.ON_TRACK
        if reading.confidence is not None:
            return confidence_health(reading.confidence, self.settings)
        if isinstance(kr.metric, m.RollupMetric):
            from_children = worst(children)
            if from_children is not None:
                return from_children
        return pace_health(progress, reading.expected)

    def status_from_state(self, dep: m.Dependency) -> DependencyStatus | None:
        """The status when the state alone decides it; None when the provider KR does."""
        state = dep.state
        if state is m.DependencyState.DELIVERED:
            return DependencyStatus.DONE
        if state is m.DependencyState.CANCELLED:
            return DependencyStatus.CANCELLED
        if state is m.DependencyState.DECLINED:
            return DependencyStatus.OFF_TRACK
        if dep.due is not None and dep.due < self.as_of:
            return DependencyStatus.OFF_TRACK
        if state is m.DependencyState.REQUESTED:
            return DependencyStatus.AT_RISK
        if dep.provider_kr is None:
            return DependencyStatus.OK
        return None

    def settle(self) -> dict[str, Health]:
        """The health of the key results whose own check-ins decide it: those achieved
        (progress 1: on track whatever their dependencies and roll-up children, SPEC section 2)
        and those that neither depend on anything nor roll up. This is own_health without
        children, inlined, as it runs for nearly every key result."""
        own: dict[str, Health] = {}
        readings = self.readings
        deps_from = self.deps_from
        on_track_confidence = self.settings.on_track_confidence
        at_risk_confidence = self.settings.at_risk_confidence
        for kid, kr in self.org.key_results.items():
            reading = readings[kid]
            progress = reading.progress or 0.0
            if progress >= 1.0:
                own[kid] = Health.ON_TRACK
                continue
            if (
                kid in deps_from
                or kr.objective in deps_from
                or isinstance(kr.metric, m.RollupMetric)
            ):
                continue
            confidence = reading.confidence
            if confidence is not None:
                if confidence >= on_track_confidence:
                    health = Health.ON_TRACK
                elif confidence >= at_risk_confidence:
                    health = Health.AT_RISK
                else:
                    health = Health.OFF_TRACK
            else:
                health = pace_health(progress, reading.expected)
            own[kid] = health
        return own

    def health(
        self, looped: set[str]
    ) -> tuple[
        dict[str, Health], dict[str, Health], dict[str, Health | None], dict[str, DependencyStatus]
    ]:
        org = self.org
        objective_health: dict[str, Health | None] = {}
        statuses: dict[str, DependencyStatus] = {}
        decided = {d.id: self.status_from_state(d) for d in org.dependencies.values()}
        # Most key results need nothing but their own check-ins: settle them first, so that
        # the graph pass below only walks what can propagate (dependencies and roll-ups).
        own = self.settle()
        effective = dict(own)
        settled = set(effective)

        def needs(node: tuple[str, str]) -> list[tuple[str, str]]:
            kind, id_ = node
            if kind == "d":
                provider_kr = org.dependencies[id_].provider_kr
                if (
                    decided[id_] is None
                    and id_ not in looped
                    and provider_kr
                    and provider_kr not in settled
                ):
                    return [("k", provider_kr)]
                return []
            if kind == "o":
                return [
                    ("k", kid)
                    for kid in org.objectives[id_].key_results
                    if org.key_results[kid].weight > 0 and kid not in settled
                ]
            kr = org.key_results[id_]
            edges = [("d", dep_id) for dep_id in self.deps_affecting(kr)]
            if isinstance(kr.metric, m.RollupMetric):
                edges += [("o", oid) for oid in self.aligned.get(id_, ())]
            return edges

        nodes = [("k", kid) for kid in org.key_results if kid not in settled]
        nodes += [("d", did) for did in org.dependencies]
        rank = {"d": 0, "k": 1, "o": 2}
        for component in strongly_connected(nodes, needs):
            # Nearly every component is a single node: only a loop needs the set and the
            # order below.
            members: Collection[tuple[str, str]] = component
            if len(component) > 1:
                members = set(component)
                # Inside a loop: dependencies, then key results, then objectives, each
                # ignoring what the loop itself would feed back.
                component = sorted(component, key=lambda node: rank[node[0]])  # noqa: PLW2901
            for kind, id_ in component:
                if kind == "d":
                    status = decided[id_]
                    provider_kr = org.dependencies[id_].provider_kr
                    if status is None:
                        provider_health = effective.get(provider_kr or "")
                        # On a loop of provider_kr links nothing propagates: state alone.
                        if (
                            id_ in looped
                            or provider_health is None
                            or ("k", provider_kr) in members
                        ):
                            status = DependencyStatus.OK
                        else:
                            status = _HEALTH_STATUS[provider_health]
                    statuses[id_] = status
                elif kind == "k":
                    kr = org.key_results[id_]
                    children = [
                        objective_health.get(oid)
                        for oid in self.aligned.get(id_, ())
                        if ("o", oid) not in members
                    ]
                    own[id_] = self.own_health(kr, children)
                    from_deps = [
                        statuses[d].health for d in self.deps_affecting(kr) if d in statuses
                    ]
                    effective[id_] = worst([own[id_], *from_deps]) or own[id_]
                else:
                    objective_health[id_] = worst(
                        effective.get(kid) for kid, _weight in self.counted[id_]
                    )
        self.objective_health_rest(effective, objective_health)
        return own, effective, objective_health, statuses

    def objective_health_rest(
        self, effective: dict[str, Health], objective_health: dict[str, Health | None]
    ) -> None:
        """The health of the objectives the graph pass did not reach: the worst of their key
        results that count (worst(), inlined: this runs for nearly every objective)."""
        counted = self.counted
        for oid in self.org.objectives:
            if oid not in objective_health:
                found: Health | None = None
                for kid, _weight in counted[oid]:
                    health = effective[kid]
                    if health is Health.OFF_TRACK:
                        found = health
                        break
                    if health is Health.AT_RISK or found is None:
                        found = health
                objective_health[oid] = found


def evaluate(org: m.Organization, as_of: date) -> Evaluation:
    """Compute every result of SPEC section 2 for ``as_of``."""
    return _Evaluator(org, as_of).run()
