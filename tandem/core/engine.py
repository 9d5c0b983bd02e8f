"""The computation rules of SPEC section 2, for one as-of date.

:func:`evaluate` makes one pass over the organisation: every key result, objective and
dependency is computed once, in dependency order, so the cost grows linearly with the size of
the organisation. Loops (alignment loops through roll-ups, dependency loops through
``provider_kr``) are found as strongly connected components and broken deterministically:
nothing propagates around a loop.

One key result's rules are in :mod:`tandem.core.rules`, the results in :mod:`tandem.core.results`
(both importable from here too), a dependency's reason in :mod:`tandem.core.risk`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from datetime import date

from tandem.core import model as m
from tandem.core.graph import strongly_connected
from tandem.core.loops import objective_loops, provider_loops
from tandem.core.results import (
    HEALTH_RANK,
    CycleResult,
    DependencyResult,
    DependencyStatus,
    Evaluation,
    Health,
    KeyResultResult,
    ObjectiveResult,
    ReasonCode,
    worst,
)
from tandem.core.risk import reason_from_provider, reason_from_state
from tandem.core.rules import (
    EPSILON,
    EXPECTED_SCORE,
    confidence_health,
    elapsed_fraction,
    expected_since,
    key_result_start,
    level_of,
    pace_health,
    read,
    round_score,
)

__all__ = [
    "EPSILON",
    "CycleResult",
    "DependencyResult",
    "DependencyStatus",
    "Evaluation",
    "Health",
    "KeyResultResult",
    "ObjectiveResult",
    "ReasonCode",
    "confidence_health",
    "elapsed_fraction",
    "evaluate",
    "expected_since",
    "key_result_start",
    "level_of",
    "pace_health",
    "round_score",
    "worst",
]


class _Evaluator:
    """One evaluation. The passes over every key result and objective run on plain dicts
    keyed by id and on local variables: at 10,000 people they see 12,000 key results, and
    attribute and method look-ups per key result were most of the engine's time."""

    def __init__(
        self, org: m.Organization, as_of: date, forced: dict[str, Health] | None = None
    ) -> None:
        self.org = org
        self.as_of = as_of
        # Own healths imposed whatever the check-ins say (a "what if", tandem.core.blast).
        self.forced = forced or {}
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
        # Why each dependency has its status (tandem.core.risk), filled in by health().
        self.reasons: dict[str, ReasonCode] = {}
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
            kr.id: read(
                kr, cycle_of_objective[kr.objective], objective_cycle[kr.objective].elapsed, as_of
            )
            for kr in key_results.values()
        }

    def run(self) -> Evaluation:
        parents = self.parents()
        alignment_loops = objective_loops(self.org, parents)
        on_alignment_loop = {oid for loop in alignment_loops for oid in loop}
        objective_progress = self.progress()
        dependency_loops = provider_loops(self.org, self.deps_from, self.dependency_order)
        looped = {d for loop in dependency_loops for d in loop}
        own, effective, objective_health, statuses = self.health(looped)
        key_results = self.key_result_results(own, effective, statuses)
        objectives, aligned_below = self.objective_results(
            key_results, objective_progress, objective_health, parents, on_alignment_loop
        )
        dependencies = {
            dep_id: DependencyResult(dep_id, status, dep_id in looped, self.reasons[dep_id])
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
                own_rank = HEALTH_RANK[own_health]
                lowered_by = tuple(
                    dep_id
                    for dep_id in self.deps_affecting(kr)
                    if (h := statuses[dep_id].health) is not None and HEALTH_RANK[h] > own_rank
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
                    met = score >= EXPECTED_SCORE[objective.kind] - EPSILON
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
        if kr.id in self.forced:
            return self.forced[kr.id]
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
        reasons = self.reasons
        statuses: dict[str, DependencyStatus] = {}
        as_of = self.as_of
        decided = {d.id: reason_from_state(d, as_of) for d in org.dependencies.values()}
        # Most key results need nothing but their own check-ins: settle them first, so that
        # the graph pass below only walks what can propagate (dependencies and roll-ups).
        own = self.settle()
        for kid in self.forced:
            own.pop(kid, None)  # decided in the graph pass, by own_health
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
                    reason = decided[id_]
                    if reason is None:
                        provider_kr = org.dependencies[id_].provider_kr
                        # On a loop of provider_kr links nothing propagates: state alone.
                        reason = reason_from_provider(
                            effective.get(provider_kr or ""),
                            in_loop=id_ in looped or ("k", provider_kr) in members,
                        )
                    reasons[id_] = reason
                    statuses[id_] = reason.status
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


def evaluate(
    org: m.Organization, as_of: date, *, forced: dict[str, Health] | None = None
) -> Evaluation:
    """Compute every result of SPEC section 2 for ``as_of``; ``forced``: own healths to take
    for some key results whatever their check-ins say (what would happen if they slipped)."""
    return _Evaluator(org, as_of, forced).run()
