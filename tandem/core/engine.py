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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from tandem.core import model as m
from tandem.core.graph import loops, strongly_connected

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
    result: Health | None = None
    for health in healths:
        if health is not None and (result is None or health.rank > result.rank):
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


def round_score(progress: float) -> float:
    """Half-up to one decimal (0.25 -> 0.3), immune to binary float noise."""
    exact = Decimal(repr(round(progress, 9)))
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


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


def _read(kr: m.KeyResult, cycle: m.Cycle, as_of: date) -> _Reading:
    dates = [c.date for c in kr.checkins]
    visible = kr.checkins[: bisect.bisect_right(dates, as_of)]
    latest = visible[-1] if visible else None
    last_update = latest.date if latest else cycle.start
    # A check-in without a value (a confidence or a note only) keeps the last value recorded.
    value = next((c.value for c in reversed(visible) if c.value is not None), None)
    metric = kr.metric
    progress: float | None
    current: float | bool | None
    if isinstance(metric, m.NumericMetric):
        current = value if value is not None else metric.start
        span = metric.target - metric.start
        progress = 0.0 if span == 0 else (float(current) - metric.start) / span
    elif isinstance(metric, m.ThresholdMetric):
        current = value
        if current is None:
            progress = 0.0
        elif metric.above:
            progress = 1.0 if current >= metric.threshold else 0.0
        else:
            progress = 1.0 if current <= metric.threshold else 0.0
    elif isinstance(metric, m.BooleanMetric):
        current = value is True
        progress = 1.0 if current else 0.0
    elif isinstance(metric, m.MilestonesMetric):
        done = [ms for ms in metric.milestones if ms.done_on is not None and ms.done_on <= as_of]
        total = sum(ms.weight for ms in metric.milestones)
        progress = sum(ms.weight for ms in done) / total if total > 0 else 0.0
        current = len(done)
        updates = [d for d in (latest.date if latest else None, *(ms.done_on for ms in done)) if d]
        last_update = max(updates) if updates else cycle.start
    else:
        current, progress = None, None
    if progress is not None:
        progress = min(max(progress, 0.0), 1.0)
    confidence = latest.confidence if latest else None
    return _Reading(progress, current, confidence, last_update)


class _Evaluator:
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
        self.readings = {
            kr.id: _read(kr, org.cycles[org.objectives[kr.objective].cycle], as_of)
            for kr in org.key_results.values()
        }

    def run(self) -> Evaluation:
        alignment_loops = self.alignment_loops()
        on_alignment_loop = {oid for loop in alignment_loops for oid in loop}
        objective_progress = self.progress()
        dependency_loops = self.dependency_loops()
        looped = {d for loop in dependency_loops for d in loop}
        own, effective, objective_health, statuses = self.health(looped)

        key_results: dict[str, KeyResultResult] = {}
        for kr in self.org.key_results.values():
            reading = self.readings[kr.id]
            cycle = self.cycle_of(kr.objective)
            progress = reading.progress or 0.0
            lowered_by = tuple(
                dep_id
                for dep_id in self.deps_affecting(kr)
                if (h := statuses[dep_id].health) is not None and h.rank > own[kr.id].rank
            )
            score = None
            if cycle.ended:
                score = kr.score_override.score if kr.score_override else round_score(progress)
            key_results[kr.id] = KeyResultResult(
                id=kr.id,
                objective=kr.objective,
                progress=progress,
                current=reading.current,
                confidence=reading.confidence,
                own_health=own[kr.id],
                health=effective[kr.id],
                at_risk_from=lowered_by,
                last_update=reading.last_update,
                stale=(self.as_of - reading.last_update).days > self.settings.stale_after_days,
                score=score,
            )

        objectives: dict[str, ObjectiveResult] = {}
        aligned_below: dict[str, list[str]] = defaultdict(list)
        for objective in self.org.objectives.values():
            cycle = self.cycle_of(objective.id)
            valid = objective.id not in on_alignment_loop and self.alignment_fits(objective)
            if valid and objective.aligns_to is not None:
                aligned_below[objective.aligns_to].append(objective.id)
            score = met = None
            if cycle.ended:
                score = self.weighted_mean(objective, lambda kid: key_results[kid].score or 0.0)
                if score is not None:
                    bar = 1.0 if objective.kind is m.Kind.COMMITTED else 0.7
                    met = score >= bar - EPSILON
            objectives[objective.id] = ObjectiveResult(
                id=objective.id,
                level=level_of(objective, self.org, self.root_id),
                progress=objective_progress[objective.id],
                expected_progress=cycle.elapsed,
                health=objective_health[objective.id],
                score=score,
                met_expectation=met,
                alignment_valid=valid,
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
            aligned_below=dict(aligned_below),
        )

    # --- helpers -------------------------------------------------------------------------------

    def cycle_of(self, objective_id: str) -> CycleResult:
        return self.cycles[self.org.objectives[objective_id].cycle]

    def weighted_mean(
        self, objective: m.Objective, value_of: Callable[[str], float]
    ) -> float | None:
        total = weighted = 0.0
        for kid in objective.key_results:
            weight = self.org.key_results[kid].weight
            if weight > 0:
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

    def alignment_fits(self, objective: m.Objective) -> bool:
        if objective.aligns_to is None:
            return False
        parent = self.objective_of_target(objective.aligns_to)
        if parent is None:
            return False
        return self.org.cycles[parent.cycle].contains(self.org.cycles[objective.cycle])

    # --- loops ---------------------------------------------------------------------------------

    def alignment_loops(self) -> list[list[str]]:
        def parent(oid: str) -> list[str]:
            target = self.org.objectives[oid].aligns_to
            found = self.objective_of_target(target) if target else None
            return [found.id] if found else []

        order = {oid: i for i, oid in enumerate(self.org.objectives)}
        return [sorted(loop, key=order.__getitem__) for loop in loops(self.org.objectives, parent)]

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
        rollups = [kid for kid, r in self.readings.items() if r.progress is None]

        def needs(node: tuple[str, str]) -> list[tuple[str, str]]:
            kind, id_ = node
            if kind == "o":
                return [
                    ("k", kid)
                    for kid in org.objectives[id_].key_results
                    if self.readings[kid].progress is None
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
                    self.readings[id_].progress = sum(values) / len(values) if values else 0.0
                else:
                    objective = org.objectives[id_]
                    result[id_] = self.weighted_mean(
                        objective, lambda kid: self.readings[kid].progress or 0.0
                    )
        for objective in org.objectives.values():
            if objective.id not in result:
                result[objective.id] = self.weighted_mean(
                    objective, lambda kid: self.readings[kid].progress or 0.0
                )
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
        return pace_health(progress, self.cycle_of(kr.objective).elapsed)

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

    def health(
        self, looped: set[str]
    ) -> tuple[
        dict[str, Health], dict[str, Health], dict[str, Health | None], dict[str, DependencyStatus]
    ]:
        org = self.org
        own: dict[str, Health] = {}
        effective: dict[str, Health] = {}
        objective_health: dict[str, Health | None] = {}
        statuses: dict[str, DependencyStatus] = {}
        decided = {d.id: self.status_from_state(d) for d in org.dependencies.values()}
        # Most key results need nothing but their own check-ins: settle them first, so that
        # the graph pass below only walks what can propagate (dependencies and roll-ups).
        for kr in org.key_results.values():
            if not isinstance(kr.metric, m.RollupMetric) and not self.deps_affecting(kr):
                own[kr.id] = effective[kr.id] = self.own_health(kr, [])
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
            members = set(component)
            # Inside a loop: dependencies, then key results, then objectives, each ignoring
            # what the loop itself would feed back.
            for kind, id_ in sorted(component, key=lambda node: rank[node[0]]):
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
                    objective = org.objectives[id_]
                    objective_health[id_] = worst(
                        effective.get(kid)
                        for kid in objective.key_results
                        if org.key_results[kid].weight > 0
                    )
        for objective in org.objectives.values():
            if objective.id not in objective_health:
                objective_health[objective.id] = worst(
                    effective[kid]
                    for kid in objective.key_results
                    if org.key_results[kid].weight > 0
                )
        return own, effective, objective_health, statuses


def evaluate(org: m.Organization, as_of: date) -> Evaluation:
    """Compute every result of SPEC section 2 for ``as_of``."""
    return _Evaluator(org, as_of).run()
