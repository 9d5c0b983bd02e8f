"""The statistics of a closed cycle (docs/formulas.md, "Cycle statistics"): per team and for
the company, how many objectives and key results, how many met their expectation (committed
and aspirational apart), the spread of the scores, how regularly key results were checked in
on, what became of the dependencies asked for, and the trend over the previous cycles of the
same length.

Every score and ``met_expectation`` is the engine's (:mod:`tandem.core.engine`): nothing here
grades again. The caller passes, for each cycle, the evaluation that holds its scores (as of a
day on or after its end), and the dependency events it knows (none from an OKR file).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from tandem.core import model as m
from tandem.core.results import Evaluation
from tandem.core.rules import key_result_start

BUCKETS = 10  # the histogram's: [0, 0.1), [0.1, 0.2) ... [0.9, 1.0]
TREND_CYCLES = 8  # the trend covers this cycle and up to seven before it
# Cycles are "of the same length" when their lengths differ by at most this share (quarters
# of 90 to 92 days, months of 28 to 31 days).
SAME_LENGTH = 0.1
_REACHED = frozenset({m.DependencyState.ACCEPTED, m.DependencyState.DELIVERED})


@dataclass(frozen=True, slots=True)
class DependencyEvent:
    """A dependency reached ``state`` on the day ``on``."""

    dependency: str
    state: m.DependencyState
    on: date


@dataclass(frozen=True, slots=True)
class Spread:
    """The spread of some scores: None for every figure when there are none."""

    count: int
    minimum: float | None
    q1: float | None
    median: float | None
    q3: float | None
    maximum: float | None
    mean: float | None
    # How many scores fall in each tenth: [0, 0.1), [0.1, 0.2) ... [0.9, 1.0] (1.0 in the last).
    histogram: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Met:
    """Objectives of one kind: how many, how many have a score (``judged``), how many met."""

    objectives: int
    judged: int
    met: int

    @property
    def share(self) -> float | None:
        return self.met / self.judged if self.judged else None


@dataclass(frozen=True, slots=True)
class Regularity:
    """How regularly key results were checked in on during the cycle (roll-ups left out)."""

    key_results: int
    weeks: int  # key-result-weeks, from each key result's own start to the cycle's end
    weeks_checked_in: int  # of which with at least one check-in
    median_gap_days: float | None  # between consecutive check-in days of a key result

    @property
    def share(self) -> float | None:
        return self.weeks_checked_in / self.weeks if self.weeks else None


@dataclass(frozen=True, slots=True)
class DependencyCounts:
    requested: int  # every dependency, whatever became of it
    accepted: int  # accepted at some point (delivered ones included)
    declined: int  # declined at some point
    delivered: int
    on_time: int  # delivered on or before the due date (or without one)
    late: int  # delivered after the due date
    cancelled: int

    @property
    def on_time_share(self) -> float | None:
        """Of the delivered ones whose delivery day is known."""
        known = self.on_time + self.late
        return self.on_time / known if known else None


@dataclass(frozen=True, slots=True)
class GroupStats:
    objectives: int
    key_results: int
    committed: Met
    aspirational: Met
    objective_scores: Spread
    key_result_scores: Spread
    checkins: Regularity
    dependencies: DependencyCounts  # asked for by these objectives and their key results

    @property
    def met(self) -> Met:
        both = (self.committed, self.aspirational)
        return Met(*(sum(getattr(k, f) for k in both) for f in ("objectives", "judged", "met")))


@dataclass(frozen=True, slots=True)
class TeamStats:
    team: str
    # Objectives owned by the team or one of its members, or umbrella ones it contributes to.
    stats: GroupStats
    provided: DependencyCounts  # asked of the team by the cycle's key results and objectives


@dataclass(frozen=True, slots=True)
class TrendPoint:
    cycle: str
    start: date
    end: date
    stats: GroupStats  # the company's


@dataclass(frozen=True, slots=True)
class CycleStats:
    cycle: str
    company: GroupStats
    teams: tuple[TeamStats, ...]  # teams with objectives in the cycle, in the file's order
    trend: tuple[TrendPoint, ...]  # oldest first, this cycle last


# --- the parts ---------------------------------------------------------------------------


def rounded(value: float | None) -> float | None:
    """To four decimals, as every interface shows them (no binary noise such as 0.85000001)."""
    return None if value is None else round(value, 4)


def quantile(ordered: Sequence[float], share: float) -> float:
    """The ``share`` quantile of sorted numbers, linear between them (Python's
    ``statistics.quantiles(method="inclusive")``, numpy's default): at position
    ``share * (n - 1)`` counting from 0."""
    position = share * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return float(ordered[below] + (ordered[above] - ordered[below]) * (position - below))


def spread(scores: Sequence[float]) -> Spread:
    """Minimum, quartiles (the inclusive method: linear between the sorted scores), median,
    maximum, mean and the histogram by tenths."""
    histogram = [0] * BUCKETS
    for score in scores:
        histogram[min(int(round(score * BUCKETS, 9)), BUCKETS - 1)] += 1
    if not scores:
        return Spread(0, None, None, None, None, None, None, tuple(histogram))
    ordered = sorted(scores)
    return Spread(
        count=len(ordered),
        minimum=ordered[0],
        q1=rounded(quantile(ordered, 0.25)),
        median=rounded(quantile(ordered, 0.5)),
        q3=rounded(quantile(ordered, 0.75)),
        maximum=ordered[-1],
        mean=rounded(sum(ordered) / len(ordered)),
        histogram=tuple(histogram),
    )


def met_of(objectives: Iterable[m.Objective], evaluation: Evaluation, kind: m.Kind) -> Met:
    counted = judged = met = 0
    for objective in objectives:
        if objective.kind is not kind:
            continue
        counted += 1
        result = evaluation.objectives[objective.id].met_expectation
        if result is not None:
            judged += 1
            met += result
    return Met(counted, judged, met)


def regularity(
    key_results: Iterable[m.KeyResult],
    cycle: m.Cycle,
    held: dict[str, _Weeks | None] | None = None,
) -> Regularity:
    """Each key result's weeks count from its own start; week ``i`` holds the days
    ``start + 7i`` to ``start + 7i + 6`` (the last one may be shorter). Check-ins outside the
    key result's own start and the cycle's end are not counted. ``held``: each key result's
    weeks once worked out (a key result counts for the company and for its teams)."""
    counted = weeks = checked = 0
    gaps: list[int] = []
    for key_result in key_results:
        if held is None:
            found = _weeks(key_result, cycle)
        elif key_result.id in held:
            found = held[key_result.id]
        else:
            found = held[key_result.id] = _weeks(key_result, cycle)
        if found is not None:
            counted += 1
            weeks += found.weeks
            checked += found.checked
            gaps.extend(found.gaps)
    median = quantile(sorted(gaps), 0.5) if gaps else None
    return Regularity(counted, weeks, checked, median)


@dataclass(frozen=True, slots=True)
class _Weeks:
    weeks: int
    checked: int
    gaps: tuple[int, ...]


def _weeks(key_result: m.KeyResult, cycle: m.Cycle) -> _Weeks | None:
    """One key result's weeks, those checked in and the gaps between check-in days; None for
    a roll-up (not checked in on)."""
    if isinstance(key_result.metric, m.RollupMetric):
        return None
    since = key_result_start(key_result, cycle)
    days = sorted({c.date for c in key_result.checkins if since <= c.date <= cycle.end})
    return _Weeks(
        ((cycle.end - since).days + 7) // 7,
        len({(day - since).days // 7 for day in days}),
        tuple((days[i] - days[i - 1]).days for i in range(1, len(days))),
    )


def dependency_counts(
    dependencies: Iterable[m.Dependency], events: Mapping[str, Sequence[DependencyEvent]]
) -> DependencyCounts:
    """``events``: each dependency's, oldest first. A dependency delivered without an event
    (as an OKR file says it) was delivered on an unknown day: neither on time nor late."""
    requested = accepted = declined = delivered = on_time = late = cancelled = 0
    for dependency in dependencies:
        history = events.get(dependency.id, ())
        reached = {event.state for event in history} | {dependency.state}
        requested += 1
        accepted += not _REACHED.isdisjoint(reached)
        declined += m.DependencyState.DECLINED in reached
        cancelled += dependency.state is m.DependencyState.CANCELLED
        if dependency.state is not m.DependencyState.DELIVERED:
            continue
        delivered += 1
        days = [e.on for e in history if e.state is m.DependencyState.DELIVERED]
        if dependency.due is None:
            on_time += 1
        elif days:
            on_time += days[-1] <= dependency.due
            late += days[-1] > dependency.due
    return DependencyCounts(requested, accepted, declined, delivered, on_time, late, cancelled)


def group_stats(
    org: m.Organization,
    evaluation: Evaluation,
    cycle: m.Cycle,
    objectives: Sequence[m.Objective],
    *,
    events: Mapping[str, Sequence[DependencyEvent]],
    needs: Mapping[str, Sequence[m.Dependency]] | None = None,
    held: dict[str, _Weeks | None] | None = None,
) -> GroupStats:
    """The statistics of ``objectives`` (of ``cycle``), graded by ``evaluation``. ``needs``:
    the dependencies by what asks for them (:func:`needs_of`; computed when None)."""
    if needs is None:
        needs = needs_of(org)
    key_results = [org.key_results[k] for o in objectives for k in o.key_results]
    mine = [o.id for o in objectives] + [k.id for k in key_results]
    scores = [evaluation.objectives[o.id].score for o in objectives]
    kr_scores = [evaluation.key_results[k.id].score for k in key_results]
    return GroupStats(
        objectives=len(objectives),
        key_results=len(key_results),
        committed=met_of(objectives, evaluation, m.Kind.COMMITTED),
        aspirational=met_of(objectives, evaluation, m.Kind.ASPIRATIONAL),
        objective_scores=spread([s for s in scores if s is not None]),
        key_result_scores=spread([s for s in kr_scores if s is not None]),
        checkins=regularity(key_results, cycle, held),
        dependencies=dependency_counts((d for i in mine for d in needs.get(i, ())), events),
    )


def needs_of(org: m.Organization) -> dict[str, list[m.Dependency]]:
    """The dependencies by the key result or objective that asks for them."""
    needs: dict[str, list[m.Dependency]] = defaultdict(list)
    for dependency in org.dependencies.values():
        needs[dependency.from_id].append(dependency)
    return needs


# --- who counts where ----------------------------------------------------------------------


def teams_of_objectives(
    org: m.Organization, objectives: Iterable[m.Objective]
) -> dict[str, list[m.Objective]]:
    """Each team's objectives: owned by it or one of its members, or umbrella objectives it
    contributes to (an objective can count for several teams)."""
    person_teams: dict[str, list[str]] = defaultdict(list)
    for team in org.teams.values():
        for person in dict.fromkeys((*team.members, *([team.lead] if team.lead else []))):
            person_teams[person].append(team.id)
    found: dict[str, list[m.Objective]] = defaultdict(list)
    for objective in objectives:
        owner = objective.owner
        teams = [owner] if owner in org.teams else list(person_teams.get(owner, ()))
        if objective.umbrella is not None:
            teams.extend(objective.umbrella.teams)
        for team_id in dict.fromkeys(teams):
            found[team_id].append(objective)
    return found


def same_length(cycle: m.Cycle, other: m.Cycle) -> bool:
    length, others = (cycle.end - cycle.start).days, (other.end - other.start).days
    return abs(length - others) <= SAME_LENGTH * max(length, 1)


def trend_cycles(org: m.Organization, cycle_id: str, closed: Iterable[str]) -> list[m.Cycle]:
    """The closed cycles of the same length as ``cycle_id`` that end on or before it, up to
    :data:`TREND_CYCLES` of them, oldest first, ``cycle_id`` last."""
    cycle = org.cycles[cycle_id]
    earlier = [
        org.cycles[c]
        for c in closed
        if c != cycle_id
        and c in org.cycles
        and org.cycles[c].end <= cycle.end
        and same_length(cycle, org.cycles[c])
    ]
    earlier.sort(key=lambda c: (c.end, c.start, c.id))
    return [*earlier[-(TREND_CYCLES - 1) :], cycle]


# --- the whole --------------------------------------------------------------------------


def cycle_stats(
    org: m.Organization,
    graded: Mapping[str, Evaluation],
    cycle_id: str,
    *,
    closed: Iterable[str],
    events: Iterable[DependencyEvent] = (),
) -> CycleStats:
    """The statistics of ``cycle_id``. ``graded``: for this cycle and every closed one, the
    evaluation holding its scores; ``closed``: the ids of the closed cycles (the trend's);
    ``events``: the dependencies' changes of state, in the order they happened."""
    source = _Source(org, _events_by_dependency(events), needs_of(org))
    by_cycle: dict[str, list[m.Objective]] = defaultdict(list)
    for objective in org.objectives.values():
        by_cycle[objective.cycle].append(objective)
    trend = tuple(
        TrendPoint(c.id, c.start, c.end, source.stats(graded[c.id], c, by_cycle[c.id]))
        for c in trend_cycles(org, cycle_id, [c for c in closed if c in graded])
    )
    return CycleStats(
        cycle=cycle_id,
        company=trend[-1].stats,
        teams=_teams(source, graded[cycle_id], org.cycles[cycle_id], by_cycle[cycle_id]),
        trend=trend,
    )


def _events_by_dependency(events: Iterable[DependencyEvent]) -> dict[str, list[DependencyEvent]]:
    found: dict[str, list[DependencyEvent]] = defaultdict(list)
    for event in events:
        found[event.dependency].append(event)
    return found


@dataclass(frozen=True, slots=True)
class _Source:
    """What every group's statistics read, indexed once."""

    org: m.Organization
    events: Mapping[str, Sequence[DependencyEvent]]
    needs: Mapping[str, Sequence[m.Dependency]]
    held: dict[str, _Weeks | None] = field(default_factory=dict)

    def stats(
        self, evaluation: Evaluation, cycle: m.Cycle, objectives: Sequence[m.Objective]
    ) -> GroupStats:
        return group_stats(
            self.org,
            evaluation,
            cycle,
            objectives,
            events=self.events,
            needs=self.needs,
            held=self.held,
        )


def _teams(
    source: _Source, evaluation: Evaluation, cycle: m.Cycle, objectives: Sequence[m.Objective]
) -> tuple[TeamStats, ...]:
    """Each team with objectives in the cycle, or asked for help by them, in the file's order."""
    org = source.org
    per_team = teams_of_objectives(org, objectives)
    in_cycle = [o.id for o in objectives] + [k for o in objectives for k in o.key_results]
    provided: dict[str, list[m.Dependency]] = defaultdict(list)
    for dependency in (d for i in in_cycle for d in source.needs.get(i, ())):
        provided[dependency.provider].append(dependency)
    return tuple(
        TeamStats(
            team_id,
            source.stats(evaluation, cycle, per_team.get(team_id, [])),
            dependency_counts(provided.get(team_id, ()), source.events),
        )
        for team_id in org.teams
        if team_id in per_team or team_id in provided
    )


# --- as JSON (the CLI's and the API's) -----------------------------------------------------


def stats_json(stats: CycleStats) -> dict[str, object]:
    """The statistics as plain JSON: numbers as numbers, shares with their counts."""
    return {
        "cycle": stats.cycle,
        "company": group_json(stats.company),
        "teams": [
            {"team": t.team, **group_json(t.stats), "provided": _dependencies_json(t.provided)}
            for t in stats.teams
        ],
        "trend": [
            {"cycle": p.cycle, "start": p.start.isoformat(), "end": p.end.isoformat()}
            | group_json(p.stats)
            for p in stats.trend
        ],
    }


def group_json(group: GroupStats) -> dict[str, object]:
    regular = group.checkins
    return {
        "objectives": group.objectives,
        "key_results": group.key_results,
        "met": {
            "committed": _met_json(group.committed),
            "aspirational": _met_json(group.aspirational),
            "all": _met_json(group.met),
        },
        "objective_scores": _spread_json(group.objective_scores),
        "key_result_scores": _spread_json(group.key_result_scores),
        "checkins": {
            "key_results": regular.key_results,
            "weeks": regular.weeks,
            "weeks_checked_in": regular.weeks_checked_in,
            "share": rounded(regular.share),
            "median_gap_days": regular.median_gap_days,
        },
        "dependencies": _dependencies_json(group.dependencies),
    }


def _met_json(met: Met) -> dict[str, object]:
    return {
        "objectives": met.objectives,
        "judged": met.judged,
        "met": met.met,
        "share": rounded(met.share),
    }


def _spread_json(scores: Spread) -> dict[str, object]:
    return asdict(scores) | {"histogram": list(scores.histogram)}


def _dependencies_json(counts: DependencyCounts) -> dict[str, object]:
    return asdict(counts) | {"on_time_share": rounded(counts.on_time_share)}
