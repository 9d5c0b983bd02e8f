"""The plain data the engine works on.

Everything here is a frozen dataclass keyed by the human-readable ids of the OKR file. The
loader (``tandem.okrfile``) and, later, the database selectors build an :class:`Organization`;
the engine never sees YAML, ORM objects or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from tandem.core.trend import TrendLine, trend_line


class Kind(StrEnum):
    ASPIRATIONAL = "aspirational"
    COMMITTED = "committed"


class Visibility(StrEnum):
    PUBLIC = "public"
    TEAM = "team"
    PRIVATE = "private"


class DependencyState(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class Level(StrEnum):
    COMPANY = "company"
    TEAM = "team"
    INDIVIDUAL = "individual"


@dataclass(frozen=True, slots=True)
class Settings:
    on_track_confidence: int = 7
    at_risk_confidence: int = 4
    stale_after_days: int = 14
    max_objectives_per_owner: int = 5
    max_key_results_per_objective: int = 5
    individual_share_limit: float = 0.5
    overlap_threshold: float = 0.5


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    email: str | None = None
    manager: str | None = None
    # Archived (their history stays; their sign-in stops): not part of the OKR file, so not
    # part of what an import compares either.
    archived: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    name: str
    parent: str | None = None
    lead: str | None = None
    # Members in file order; the lead is always included (first if not listed).
    members: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cycle:
    id: str
    start: date
    end: date
    parent: str | None = None

    def contains(self, other: Cycle) -> bool:
        """True when ``other`` lies within this cycle (the same cycle always does)."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Cycle) -> bool:
        return self.start <= other.end and other.start <= self.end


# --- metrics -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NumericMetric:
    start: float
    target: float
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class ThresholdMetric:
    """``keep_above`` (``above=True``) or ``keep_below`` a threshold."""

    threshold: float
    above: bool
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class BooleanMetric:
    pass


@dataclass(frozen=True, slots=True)
class Milestone:
    title: str
    weight: float = 1.0
    done_on: date | None = None


@dataclass(frozen=True, slots=True)
class MilestonesMetric:
    milestones: tuple[Milestone, ...]


@dataclass(frozen=True, slots=True)
class RollupMetric:
    pass


Metric = NumericMetric | ThresholdMetric | BooleanMetric | MilestonesMetric | RollupMetric


def metric_unit(metric: Metric) -> str | None:
    if isinstance(metric, NumericMetric | ThresholdMetric):
        return metric.unit
    return None


def metric_fields(metric: Metric) -> dict[str, Any]:
    """The metric as the database and the API hold it: its form and the numbers it has (None
    for those its form has not)."""
    fields: dict[str, Any] = {"start": None, "target": None, "threshold": None, "unit": None}
    if isinstance(metric, NumericMetric):
        return fields | {
            "form": "numeric",
            "start": metric.start,
            "target": metric.target,
            "unit": metric.unit,
        }
    if isinstance(metric, ThresholdMetric):
        form = "keep_above" if metric.above else "keep_below"
        return fields | {"form": form, "threshold": metric.threshold, "unit": metric.unit}
    if isinstance(metric, MilestonesMetric):
        return fields | {"form": "milestones"}
    if isinstance(metric, BooleanMetric):
        return fields | {"form": "boolean"}
    return fields | {"form": "rollup"}


# --- OKRs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckIn:
    date: date
    # A number for numeric and threshold metrics, a bool for boolean ones, None when the
    # check-in only records a confidence or a note.
    value: float | bool | None = None
    confidence: int | None = None
    note: str | None = None
    by: str | None = None


@dataclass(frozen=True, slots=True)
class ScoreOverride:
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class KeyResult:
    id: str
    objective: str
    title: str
    metric: Metric
    # The owner as written, or the objective's owner when that is a person; None otherwise.
    owner: str | None = None
    contributors: tuple[str, ...] = ()
    weight: float = 1.0
    # Sorted by date; check-ins of the same date keep their recorded order.
    checkins: tuple[CheckIn, ...] = ()
    score_override: ScoreOverride | None = None
    description: str | None = None
    # The day it was added, when that is after its cycle's start; None: the cycle's start
    # (see key_result_since). The engine measures its pace and staleness from then.
    since: date | None = None
    # Its cycle's start, when the loader gives it: the day its trend line counts from unless
    # `since` is later. Not what the key result is (compare=False): what keeps `trend`.
    cycle_start: date | None = field(default=None, repr=False, compare=False)
    # Derived, not given: the trend line from its start through all its check-ins' values
    # (tandem.core.trend), for a numeric metric with at least two check-ins, when its cycle's
    # start is known; found when it is built, and again by dataclasses.replace, so it always
    # matches the check-ins. None without the cycle's start: a forecast finds its line.
    trend: TrendLine | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        opens = self.cycle_start
        if opens is not None and len(self.checkins) >= 2 and isinstance(self.metric, NumericMetric):
            since = self.since if self.since is not None and self.since > opens else opens
            object.__setattr__(self, "trend", trend_line(self.checkins, since.toordinal()))


def key_result_since(since: date | None, cycle_start: date) -> date | None:
    """What :attr:`KeyResult.since` holds for a key result added on ``since`` to a cycle
    starting on ``cycle_start``: the day, when it is after the start; None otherwise, as a key
    result added before its cycle started is measured from the start like the others. One form
    for one meaning, so that a file and the database holding the same plan compare equal."""
    return since if since is not None and since > cycle_start else None


@dataclass(frozen=True, slots=True)
class Umbrella:
    owner: str | None
    teams: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Objective:
    id: str
    title: str
    cycle: str
    owner: str
    kind: Kind = Kind.ASPIRATIONAL
    visibility: Visibility = Visibility.PUBLIC
    aligns_to: str | None = None
    umbrella: Umbrella | None = None
    description: str | None = None
    key_results: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Dependency:
    id: str
    from_id: str
    provider: str
    need: str
    state: DependencyState = DependencyState.REQUESTED
    due: date | None = None
    provider_kr: str | None = None


@dataclass(frozen=True, slots=True)
class Organization:
    """One organisation. Every mapping keeps the order of the source (file order)."""

    name: str
    settings: Settings = field(default_factory=Settings)
    people: dict[str, Person] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    cycles: dict[str, Cycle] = field(default_factory=dict)
    objectives: dict[str, Objective] = field(default_factory=dict)
    key_results: dict[str, KeyResult] = field(default_factory=dict)
    dependencies: dict[str, Dependency] = field(default_factory=dict)

    @property
    def root_team(self) -> Team | None:
        for team in self.teams.values():
            if team.parent is None:
                return team
        return None
