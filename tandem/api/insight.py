"""Forecast, confidence calibration, blast radius and critical providers (SPEC section 5), on
what the caller may see. The forecasts and blast radii are also on every key result and
objective (and the report)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from tandem import clock
from tandem.api.auth import caller_of
from tandem.api.inputs import IsoDate
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.errors import InvalidError
from tandem.organization.insight import (
    blast_radius_get,
    calibration_get,
    critical_providers_get,
)

router = Router(tags=["insight"])

Health = Literal["on_track", "at_risk", "off_track"]


class Bin(Schema):
    confidence: int = Field(description="the confidence said by the cycle's middle, 0..10")
    n: int
    met: int = Field(description="how many of those met their objective's expectation")


class TeamCalibration(Schema):
    team: str
    team_name: str
    n: int
    brier: float = Field(description="mean((c/10 - met)^2): 0 is perfect, 0.25 always saying 5")
    overconfidence: float = Field(description="mean(c/10) - share met; above 0: overconfident")
    bins: list[Bin]


class CalibrationOut(Schema):
    as_of: date
    cycles: list[str] = Field(description="the closed cycles counted")
    teams: list[TeamCalibration]


class Step(Schema):
    key_result: str
    title: str
    health: Health
    dependency: str
    reason: str
    provider_kr: str | None
    depth: int


class Link(Schema):
    dependency: str
    key_result: str
    title: str
    objective: str


class Counts(Schema):
    key_results: int
    objectives: int
    teams: int


class CriticalProvider(Schema):
    key_result: str
    title: str
    objective: str
    team: str | None
    health: Health
    blast_radius: Counts
    teams_reached: list[str]
    path: list[Link] = Field(description="the dependencies to the nearest other team's key result")
    chain: list[Step] = Field(description="why the provider itself is not on track")


class CriticalOut(Schema):
    as_of: date
    items: list[CriticalProvider]


class Reached(Schema):
    key_result: str
    title: str
    objective: str
    via: str = Field(description="the dependency it depends through")


class WhatIf(Schema):
    objective: str
    title: str
    owner: str
    health: Health | None = Field(description="its health now")


class BlastRadiusOut(Schema):
    key_result: str
    key_results: int
    objectives: int
    teams: int
    reached: list[Reached]
    what_if: list[WhatIf] = Field(description="objectives that would turn off track if it did")


@router.get("/calibration", response={200: CalibrationOut, ERROR_STATUSES: Problem})
def calibration(request: HttpRequest, as_of: IsoDate | None = None, cycles: int = 4) -> Any:
    """How well each team's confidence by the middle of a cycle predicted its results: over
    the last `cycles` closed cycles (0: all of them), teams with at least one key result
    counted, by team id."""
    if cycles < 0:
        raise InvalidError("cycles must be 0 (all) or more", field="cycles")
    audience = caller_of(request).audience
    return calibration_get(audience=audience, as_of=as_of or clock.today(), last=cycles or None)


@router.get("/critical-providers", response={200: CriticalOut, ERROR_STATUSES: Problem})
def critical_providers(
    request: HttpRequest, as_of: IsoDate | None = None, cycle: str | None = None
) -> Any:
    """Key results not on track whose blast radius reaches other teams, the most reached
    first (at most 20), each with the dependencies to the nearest other team and its own
    risk chain. `cycle`: a cycle id or `all` (default: those under way)."""
    day = as_of or clock.today()
    audience = caller_of(request).audience
    return {
        "as_of": day,
        "items": critical_providers_get(audience=audience, as_of=day, cycle=cycle),
    }


@router.get(
    "/key-results/{key_result_id}/blast-radius",
    response={200: BlastRadiusOut, ERROR_STATUSES: Problem},
)
def blast_radius(request: HttpRequest, key_result_id: str, as_of: IsoDate | None = None) -> Any:
    """What depends on the key result through dependencies (directly or through others), and
    the objectives that would turn off track if it did ("what if")."""
    audience = caller_of(request).audience
    return blast_radius_get(
        audience=audience, as_of=as_of or clock.today(), key_result_id=key_result_id
    )
