"""The generator's internal records: vocabulary entries and the organisation being built."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class MetricSpec:
    phrase: str
    unit: str
    up: bool  # the direction that counts as better
    low: float
    high: float
    # Metrics where teams legitimately pull in opposite directions (handle time, discounts):
    # they occasionally produce a "conflicting key results" finding.
    two_sided: bool = False

    @property
    def decimals(self) -> int:
        span = self.high - self.low
        return 0 if span >= 20 else 1 if span >= 2 else 2


@dataclass(frozen=True, slots=True)
class Domain:
    name: str
    slug: str
    areas: tuple[str, ...]
    metrics: tuple[MetricSpec, ...]


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    slug: str
    domains: tuple[Domain, ...]


# --- internal records ----------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class Cycle:
    id: str
    start: date
    end: date
    parent: str | None = None

    def contains(self, other: Cycle) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Cycle) -> bool:
        return self.start <= other.end and other.start <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.parent is not None:
            out["parent"] = self.parent
        out["start"] = self.start
        out["end"] = self.end
        return out


@dataclass(slots=True, eq=False)
class Objective:
    id: str
    cycle: Cycle
    team: Team  # the owning team, or the team of the owning person
    # Random rank: a dependency's provider_kr always lies in a lower-ranked objective, so the
    # generated dependency graph is acyclic except for the deliberate loops.
    rank: float
    record: dict[str, Any]
    key_results: list[str] = field(default_factory=list)
    rollup_krs: list[str] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Team:
    id: str
    name: str
    level: int  # 0 for the company
    parent: Team | None
    theme: Theme | None = None
    domain: Domain | None = None
    area: str | None = None
    # What the team works on, for teams below the departments: "Codename area" for an area
    # team, "Codename area facet" for its sub-teams.
    focus: str | None = None
    children: list[Team] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # the lead first
    objectives: list[Objective] = field(default_factory=list)
    child_options: list[Any] = field(default_factory=list)

    @property
    def lead(self) -> str:
        return self.members[0]

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.parent is not None:
            out["parent"] = self.parent.id
        out["lead"] = self.lead
        out["members"] = list(self.members)
        return out


@dataclass(frozen=True, slots=True)
class Topic:
    """What an objective is about: its domain (for metrics) and an object phrase."""

    domain: Domain | None
    obj: str
