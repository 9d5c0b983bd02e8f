"""What an evaluation finds (SPEC section 2): the health scale, the dependency statuses and the
results of every cycle, key result, objective and dependency for one as-of date.

:mod:`tandem.core.engine` computes them; everything else reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tandem.core import model as m


class Health(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"

    @property
    def rank(self) -> int:
        return HEALTH_RANK[self]


HEALTH_RANK = {Health.ON_TRACK: 0, Health.AT_RISK: 1, Health.OFF_TRACK: 2}


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
        return STATUS_HEALTH.get(self)


STATUS_HEALTH = {
    DependencyStatus.OK: Health.ON_TRACK,
    DependencyStatus.AT_RISK: Health.AT_RISK,
    DependencyStatus.OFF_TRACK: Health.OFF_TRACK,
}
HEALTH_STATUS = {health: status for status, health in STATUS_HEALTH.items()}


class ReasonCode(StrEnum):
    """Why a dependency has its status, one code a case of SPEC section 2."""

    DELIVERED = "delivered"  # done: it never puts anything at risk
    CANCELLED = "cancelled"  # cancelled: likewise
    DECLINED = "declined"  # off track: the provider team said no
    OVERDUE = "overdue"  # off track: past its due date and not delivered
    NOT_ACCEPTED = "not-accepted"  # at risk: requested, not answered yet
    ACCEPTED = "accepted"  # ok: accepted, and no key result of the provider delivers it
    PROVIDER_ON_TRACK = "provider-on-track"  # ok: the key result that delivers it is on track
    PROVIDER_AT_RISK = "provider-at-risk"  # at risk: ... is at risk
    PROVIDER_OFF_TRACK = "provider-off-track"  # off track: ... is off track
    # ok: accepted, and its provider key result waits on it in a loop: its state alone decides.
    IN_LOOP = "in-loop"

    @property
    def status(self) -> DependencyStatus:
        return _STATUS[self]

    @property
    def from_provider(self) -> bool:
        """Whether the status is the health of the key result that delivers the help (the
        chain goes on through it)."""
        return self in _FROM_PROVIDER


_STATUS = {
    ReasonCode.DELIVERED: DependencyStatus.DONE,
    ReasonCode.CANCELLED: DependencyStatus.CANCELLED,
    ReasonCode.DECLINED: DependencyStatus.OFF_TRACK,
    ReasonCode.OVERDUE: DependencyStatus.OFF_TRACK,
    ReasonCode.NOT_ACCEPTED: DependencyStatus.AT_RISK,
    ReasonCode.ACCEPTED: DependencyStatus.OK,
    ReasonCode.PROVIDER_ON_TRACK: DependencyStatus.OK,
    ReasonCode.PROVIDER_AT_RISK: DependencyStatus.AT_RISK,
    ReasonCode.PROVIDER_OFF_TRACK: DependencyStatus.OFF_TRACK,
    ReasonCode.IN_LOOP: DependencyStatus.OK,
}
_FROM_PROVIDER = frozenset(
    {ReasonCode.PROVIDER_ON_TRACK, ReasonCode.PROVIDER_AT_RISK, ReasonCode.PROVIDER_OFF_TRACK}
)


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
    # Why it has its status (tandem.core.risk): what the pages, the CLI and the API explain.
    reason: ReasonCode


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
