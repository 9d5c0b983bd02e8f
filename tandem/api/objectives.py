"""Objectives and key results: lists with filters, details with progress and health."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from tandem import clock
from tandem.api.auth import caller_of
from tandem.api.inputs import IsoDate
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.api.versions import etag, version_of
from tandem.core import model as m
from tandem.core.engine import key_result_start
from tandem.core.report import DECIMALS, Insight, key_result_row, objective_row
from tandem.errors import NotFoundError
from tandem.okrs.models import KeyResult, Objective
from tandem.organization.cache import View, insight_held, view_get
from tandem.organization.reports import scope_get

router = Router(tags=["objectives and key results"])

Health = Literal["on_track", "at_risk", "off_track"]


class Umbrella(Schema):
    owner: str | None
    teams: list[str]


class ObjectiveOut(Schema):
    id: str
    title: str
    description: str | None
    cycle: str
    owner: str
    kind: str
    visibility: str
    aligns_to: str | None
    umbrella: Umbrella | None
    level: str
    progress: float | None
    expected_progress: float | None
    health: str | None
    score: float | None
    met_expectation: bool | None
    forecast: float | None = Field(
        description="the progress forecast at the cycle's end if the trend holds (SPEC 5)"
    )
    key_results: list[str]
    version: int


class ObjectivePage(Schema):
    count: int
    items: list[ObjectiveOut]


class Milestone(Schema):
    title: str
    weight: float
    done_on: date | None


class BlastRadius(Schema):
    """What depends on a key result through dependencies, directly or through others."""

    key_results: int
    objectives: int
    teams: int


class KeyResultOut(Schema):
    id: str
    objective: str
    title: str
    description: str | None
    form: str
    start: float | None
    target: float | None
    threshold: float | None
    unit: str | None
    weight: float
    owner: str | None
    contributors: list[str]
    milestones: list[Milestone]
    progress: float | None
    current: float | bool | None
    confidence: int | None
    own_health: str
    health: str
    at_risk_from: list[str]
    stale: bool
    score: float | None
    forecast: float | None = Field(
        description="the progress forecast at the cycle's end if the trend holds (SPEC 5)"
    )
    blast_radius: BlastRadius
    since: date = Field(
        description="the day it is measured from: its cycle's start, or the later day it was added"
    )
    expected_progress: float = Field(description="the progress expected by now, from `since`")
    version: int


class ObjectiveFilters(Schema):
    as_of: IsoDate | None = None
    cycle: str | None = Field(None, description="a cycle id or `all`; default: under way")
    team: str | None = Field(None, description="the team, its sub-teams and their members")
    owner: str | None = Field(None, description="a team or person id")
    level: Literal["company", "team", "individual"] | None = None
    health: Health | None = None
    kind: Literal["aspirational", "committed"] | None = None
    q: str | None = Field(None, description="words in the id, title or description")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000_000)


def objective_out(
    view: View, objective: m.Objective, version: int, insight: Insight
) -> ObjectiveOut:
    row = objective_row(objective, view.evaluation, insight)
    umbrella = objective.umbrella
    return ObjectiveOut(
        **row,
        description=objective.description,
        visibility=objective.visibility.value,
        umbrella=Umbrella(owner=umbrella.owner, teams=list(umbrella.teams)) if umbrella else None,
        key_results=list(objective.key_results),
        version=version,
    )


def key_result_out(
    view: View, key_result: m.KeyResult, version: int, insight: Insight
) -> KeyResultOut:
    row = key_result_row(key_result.id, key_result.objective, view.evaluation, insight)
    cycle = view.org.cycles[view.org.objectives[key_result.objective].cycle]
    metric = key_result.metric
    milestones = [
        Milestone(title=s.title, weight=s.weight, done_on=s.done_on)
        for s in (metric.milestones if isinstance(metric, m.MilestonesMetric) else ())
    ]
    return KeyResultOut(
        **row,
        **m.metric_fields(metric),
        title=key_result.title,
        description=key_result.description,
        weight=key_result.weight,
        owner=key_result.owner,
        contributors=list(key_result.contributors),
        milestones=milestones,
        since=key_result_start(key_result, cycle),
        expected_progress=round(
            view.evaluation.key_results[key_result.id].expected_progress, DECIMALS
        ),
        version=version,
    )


def _matches(view: View, objective: m.Objective, filters: ObjectiveFilters) -> bool:
    result = view.evaluation.objectives[objective.id]
    if filters.owner is not None and objective.owner != filters.owner:
        return False
    if filters.level is not None and result.level.value != filters.level:
        return False
    if filters.health is not None and (
        result.health is None or result.health.value != filters.health
    ):
        return False
    if filters.kind is not None and objective.kind.value != filters.kind:
        return False
    if filters.q:
        words = filters.q.casefold().split()
        text = " ".join((objective.id, objective.title, objective.description or "")).casefold()
        return all(word in text for word in words)
    return True


def view_of(request: HttpRequest, as_of: date | None = None) -> View:
    return view_get(audience=caller_of(request).audience, as_of=as_of or clock.today())


def seen(request: HttpRequest, as_of: date | None = None) -> tuple[View, Insight]:
    """What the caller may see, evaluated, and its insight (forecasts, blast radii)."""
    return insight_held(audience=caller_of(request).audience, as_of=as_of or clock.today())


@router.get("/objectives", response={200: ObjectivePage, ERROR_STATUSES: Problem})
def objectives_list(request: HttpRequest, filters: Query[ObjectiveFilters]) -> ObjectivePage:
    """The objectives you may see, in plan order, with progress and health."""
    view, insight = seen(request, filters.as_of)
    scope = scope_get(view, cycle=filters.cycle, team=filters.team)
    found = [
        view.org.objectives[objective_id]
        for objective_id in scope.objectives
        if _matches(view, view.org.objectives[objective_id], filters)
    ]
    page = found[filters.offset : filters.offset + filters.limit]
    versions = dict(
        Objective.objects.filter(id__in=[o.id for o in page]).values_list("id", "version")
    )
    return ObjectivePage(
        count=len(found),
        items=[objective_out(view, o, versions.get(o.id, 1), insight) for o in page],
    )


@router.get("/objectives/{objective_id}", response={200: ObjectiveOut, ERROR_STATUSES: Problem})
def objective_get(
    request: HttpRequest, response: HttpResponse, objective_id: str, as_of: IsoDate | None = None
) -> ObjectiveOut:
    """One objective; the `ETag` header is its version, to send back as `If-Match` on updates."""
    view, insight = seen(request, as_of)
    objective = view.org.objectives.get(objective_id)
    if objective is None:
        raise NotFoundError(f"there is no objective '{objective_id}'")
    version = version_of(Objective, objective_id)
    response["ETag"] = etag(version or 1)
    return objective_out(view, objective, version or 1, insight)


@router.get(
    "/objectives/{objective_id}/key-results",
    response={200: list[KeyResultOut], ERROR_STATUSES: Problem},
)
def objective_key_results(
    request: HttpRequest, objective_id: str, as_of: IsoDate | None = None
) -> list[KeyResultOut]:
    view, insight = seen(request, as_of)
    objective = view.org.objectives.get(objective_id)
    if objective is None:
        raise NotFoundError(f"there is no objective '{objective_id}'")
    versions = dict(
        KeyResult.objects.filter(objective_id=objective_id).values_list("id", "version")
    )
    return [
        key_result_out(
            view, view.org.key_results[key_result_id], versions.get(key_result_id, 1), insight
        )
        for key_result_id in objective.key_results
    ]


@router.get("/key-results/{key_result_id}", response={200: KeyResultOut, ERROR_STATUSES: Problem})
def key_result_get(
    request: HttpRequest, response: HttpResponse, key_result_id: str, as_of: IsoDate | None = None
) -> KeyResultOut:
    """One key result; the `ETag` header is its version."""
    view, insight = seen(request, as_of)
    key_result = view.org.key_results.get(key_result_id)
    if key_result is None:
        raise NotFoundError(f"there is no key result '{key_result_id}'")
    version = version_of(KeyResult, key_result_id)
    response["ETag"] = etag(version or 1)
    return key_result_out(view, key_result, version or 1, insight)
