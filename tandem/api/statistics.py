"""A closed cycle's statistics, the JSON twin of its page and of `tandem stats --format json`:
the same figures (docs/formulas.md, "Cycle statistics"), on what the caller may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from tandem import clock
from tandem.api.auth import caller_of
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.core.cycle_stats import stats_json
from tandem.errors import ConflictError
from tandem.organization.cycle_stats import cycle_statistics_get

router = Router(tags=["cycle statistics"])


class MetOut(Schema):
    objectives: int
    judged: int = Field(description="those with a score (with key results)")
    met: int = Field(description="met their expectation: committed 1.0, aspirational 0.7")
    share: float | None = Field(description="met / judged; null when none is judged")


class MetByKindOut(Schema):
    committed: MetOut
    aspirational: MetOut
    all: MetOut


class SpreadOut(Schema):
    count: int
    minimum: float | None
    q1: float | None
    median: float | None
    q3: float | None
    maximum: float | None
    mean: float | None
    histogram: list[int] = Field(description="scores per tenth: [0, 0.1) ... [0.9, 1.0]")


class CheckinsOut(Schema):
    key_results: int = Field(description="key results counted (roll-ups are not)")
    weeks: int = Field(description="key-result-weeks from each one's start to the cycle's end")
    weeks_checked_in: int = Field(description="of which with at least one check-in")
    share: float | None
    median_gap_days: float | None = Field(description="between consecutive check-in days")


class DependenciesOut(Schema):
    requested: int
    accepted: int = Field(description="accepted at some point (delivered ones included)")
    declined: int = Field(description="declined at some point")
    delivered: int
    on_time: int = Field(description="delivered on or before the due date, or without one")
    late: int
    cancelled: int
    on_time_share: float | None = Field(description="on_time / (on_time + late)")


class GroupOut(Schema):
    objectives: int
    key_results: int
    met: MetByKindOut
    objective_scores: SpreadOut
    key_result_scores: SpreadOut
    checkins: CheckinsOut
    dependencies: DependenciesOut = Field(description="asked for by these objectives")


class TeamOut(GroupOut):
    team: str
    provided: DependenciesOut = Field(description="asked of the team in the cycle")


class TrendOut(GroupOut):
    cycle: str
    start: dt.date
    end: dt.date


class CycleStatisticsOut(Schema):
    cycle: str
    company: GroupOut
    teams: list[TeamOut] = Field(description="teams with objectives in the cycle, or asked")
    trend: list[TrendOut] = Field(
        description="the company over the closed cycles of the same length, up to 8, this last"
    )


@router.get(
    "/cycles/{cycle_id}/statistics",
    response={200: CycleStatisticsOut, ERROR_STATUSES: Problem},
)
def cycle_statistics(request: HttpRequest, cycle_id: str) -> dict[str, Any]:
    """A closed cycle's statistics, per team and for the company, with the trend over the
    previous closed cycles: only what you may see is counted. 409 when the cycle is not
    closed."""
    audience = caller_of(request).audience
    read = cycle_statistics_get(audience=audience, cycle_id=cycle_id, as_of=clock.today())
    if read.stats is None:
        raise ConflictError(f"cycle {cycle_id} is not closed: its statistics come when it is")
    return stats_json(read.stats)
