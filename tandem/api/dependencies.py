"""Dependencies: requests from one team's OKRs to another team, and their answers.

Asking and cancelling belong to whoever may change the requesting objective; accepting,
declining and delivering to the provider team (its members and the leads above it). Every
change is recorded with who, when and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from tandem.access.dependencies import (
    acceptance_of,
    asking_ensure_allowed,
    dependency_act,
    dependency_get_for,
)
from tandem.access.policy import (
    dependency_get_visible,
    key_result_get_visible,
    objective_get_visible,
    target_ensure_visible,
)
from tandem.api.auth import caller_of
from tandem.api.editing import KeyResultIn
from tandem.api.inputs import Input, IsoDate
from tandem.api.objectives import view_of
from tandem.api.openapi import if_match_declared
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.api.versions import etag, if_match
from tandem.core.report import dependency_row, team_subtree
from tandem.core.risk import explain
from tandem.core.visibility import Audience
from tandem.dependencies.models import Dependency, DependencyEvent, State
from tandem.dependencies.services import dependency_create
from tandem.errors import NotFoundError, StaleVersionError
from tandem.organization.cache import View

router = Router(tags=["dependencies"])


class DependencyIn(Input):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    from_: str = Field(alias="from", description="the key result or objective that needs help")
    provider: str = Field(description="the team asked")
    need: str = Field(max_length=5000)
    due: IsoDate | None = None
    id: str | None = Field(None, description="default: DEP-<n>")


class EventOut(Schema):
    from_state: str | None
    to_state: str
    by: str | None
    at: dt.datetime
    reason: str


class StepOut(Schema):
    """One link of a risk chain: ``key_result`` is ``health`` because of ``dependency``."""

    depth: int
    key_result: str
    health: str
    dependency: str
    reason: str
    provider_kr: str | None


class DependencyOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    from_: str = Field(alias="from")
    provider: str
    need: str
    due: dt.date | None
    state: str
    status: str = Field(description="as in the report: ok, at_risk, off_track, done or cancelled")
    provider_kr: str | None
    reason: str = Field(
        description="why it has its status: delivered, cancelled, declined, overdue, "
        "not-accepted, accepted (no key result delivers it), provider-on-track, "
        "provider-at-risk, provider-off-track (the health of provider_kr), or in-loop"
    )
    chain: list[StepOut] = Field(
        description="when provider_kr's health decides the status: the dependencies that put "
        "provider_kr at risk, and through their own provider key results the rest"
    )
    version: int
    history: list[EventOut]


class AcceptIn(Input):
    provider_kr: str | None = Field(None, description="an existing key result that delivers it")
    new_key_result: KeyResultIn | None = Field(
        None, description="or a new key result, made in `objective`"
    )
    objective: str | None = Field(None, description="the provider's objective for the new one")
    reason: str = ""


class ReasonIn(Input):
    reason: str = ""


class DeclineIn(Input):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = Field(
        description="why the team says no (required)"
    )


class DependencyFilters(Schema):
    state: State | None = None
    as_of: IsoDate | None = None


def _out(view: View, dependency_id: str, response: HttpResponse | None = None) -> DependencyOut:
    found = view.org.dependencies.get(dependency_id)
    answered = _list(view, [found]) if found is not None else []
    if not answered:
        raise NotFoundError(f"there is no dependency '{dependency_id}'")
    if response is not None:
        response["ETag"] = etag(answered[0].version)
    return answered[0]


def _list(view: View, dependencies: list[Any]) -> list[DependencyOut]:
    ids = [d.id for d in dependencies]
    rows = {
        row["id"]: row
        for row in Dependency.objects.filter(id__in=ids).values("id", "need", "due", "version")
    }
    events: dict[str, list[EventOut]] = {i: [] for i in ids}
    for e in DependencyEvent.objects.filter(dependency_id__in=ids).order_by("at", "id"):
        events[e.dependency_id].append(
            EventOut(
                from_state=e.from_state, to_state=e.to_state, by=e.by_id, at=e.at, reason=e.reason
            )
        )
    return [
        DependencyOut.model_validate(
            {
                **dependency_row(d, view.evaluation),
                **_explained(view, d.id),
                "need": rows[d.id]["need"],
                "due": rows[d.id]["due"],
                "provider_kr": d.provider_kr,
                "version": rows[d.id]["version"],
                "history": events[d.id],
            }
        )
        for d in dependencies
        if d.id in rows
    ]


def _explained(view: View, dependency_id: str) -> dict[str, Any]:
    explanation = explain(view.org, view.evaluation, dependency_id)
    return {
        "reason": explanation.reason.value,
        "chain": [
            StepOut(
                depth=step.depth,
                key_result=step.key_result,
                health=step.health.value,
                dependency=step.dependency,
                reason=step.reason.value,
                provider_kr=step.provider_kr,
            )
            for step in explanation.chain
        ],
    }


@router.post("/dependencies", response={201: DependencyOut, ERROR_STATUSES: Problem}, by_alias=True)
def dependency_request(
    request: HttpRequest, response: HttpResponse, payload: DependencyIn
) -> Status[DependencyOut]:
    """Ask another team for help with one of your key results or objectives."""
    caller = caller_of(request)
    # Hidden and missing are refused alike: the answer tells nothing about what is hidden.
    if target_ensure_visible(caller.audience, payload.from_, field="from") == "key_result":
        objective = key_result_get_visible(caller.audience, payload.from_).objective
    else:
        objective = objective_get_visible(caller.audience, payload.from_)
    asking_ensure_allowed(caller.audience, objective)
    created = dependency_create(
        from_id=payload.from_,
        provider_team_id=payload.provider,
        need=payload.need,
        due=payload.due,
        by_id=caller.person,
        id=payload.id,
    )
    response["Location"] = f"/api/v1/dependencies/{created.id}"
    return Status(201, _out(view_of(request), created.id, response))


@router.get(
    "/dependencies/{dependency_id}",
    response={200: DependencyOut, ERROR_STATUSES: Problem},
    by_alias=True,
)
def dependency_get(
    request: HttpRequest, response: HttpResponse, dependency_id: str
) -> DependencyOut:
    """One request, its status as the report gives it, and its history."""
    dependency_get_visible(caller_of(request).audience, dependency_id)
    return _out(view_of(request), dependency_id, response)


def _act(
    request: HttpRequest,
    response: HttpResponse,
    dependency_id: str,
    action: str,
    *,
    reason: str,
    acceptance: Callable[[Audience], dict[str, Any]] | None = None,
) -> DependencyOut:
    """Take ``action`` as the dependencies page does (tandem.access.dependencies): the
    caller's side authorised first, then what an acceptance names, then the state machine."""
    caller = caller_of(request)
    dependency = dependency_get_for(caller.audience, dependency_id, action)
    try:
        dependency_act(
            dependency=dependency,
            action=action,
            by_id=caller.person,
            reason=reason,
            version=if_match(request, required=False),
            acceptance=acceptance(caller.audience) if acceptance is not None else None,
        )
    except StaleVersionError as exc:
        exc.current = _out(view_of(request), dependency_id).model_dump(mode="json", by_alias=True)  # type: ignore[attr-defined]
        raise
    return _out(view_of(request), dependency_id, response)


def _new_key_result(payload: AcceptIn) -> dict[str, Any] | None:
    """The new provider key result as key_result_create names its fields."""
    if payload.new_key_result is None:
        return None
    fields = payload.new_key_result.model_dump(exclude_unset=True)
    renamed = {"owner": "owner_id", "contributors": "contributor_ids"}
    return {renamed.get(name, name): value for name, value in fields.items()}


@router.post(
    "/dependencies/{dependency_id}/accept",
    response={200: DependencyOut, ERROR_STATUSES: Problem},
    by_alias=True,
    openapi_extra=if_match_declared(required=False),
)
def dependency_accept(
    request: HttpRequest, response: HttpResponse, dependency_id: str, payload: AcceptIn
) -> DependencyOut:
    """Accept a request made to your team, optionally naming or creating the key result that
    delivers it (its health then flows to the requester)."""
    new = _new_key_result(payload)
    objective = payload.objective if new is not None else None

    def acceptance(audience: Audience) -> dict[str, Any]:
        return acceptance_of(
            audience, provider_kr=payload.provider_kr, new_key_result=new, objective=objective
        )

    return _act(
        request, response, dependency_id, "accept", reason=payload.reason, acceptance=acceptance
    )


@router.post(
    "/dependencies/{dependency_id}/decline",
    response={200: DependencyOut, ERROR_STATUSES: Problem},
    by_alias=True,
    openapi_extra=if_match_declared(required=False),
)
def dependency_decline(
    request: HttpRequest, response: HttpResponse, dependency_id: str, payload: DeclineIn
) -> DependencyOut:
    """Decline a request made to your team; say why."""
    return _act(request, response, dependency_id, "decline", reason=payload.reason)


@router.post(
    "/dependencies/{dependency_id}/deliver",
    response={200: DependencyOut, ERROR_STATUSES: Problem},
    by_alias=True,
    openapi_extra=if_match_declared(required=False),
)
def dependency_deliver(
    request: HttpRequest, response: HttpResponse, dependency_id: str, payload: ReasonIn
) -> DependencyOut:
    """Mark accepted work as delivered."""
    return _act(request, response, dependency_id, "deliver", reason=payload.reason)


@router.post(
    "/dependencies/{dependency_id}/cancel",
    response={200: DependencyOut, ERROR_STATUSES: Problem},
    by_alias=True,
    openapi_extra=if_match_declared(required=False),
)
def dependency_cancel(
    request: HttpRequest, response: HttpResponse, dependency_id: str, payload: ReasonIn
) -> DependencyOut:
    """Withdraw a request your team made."""
    return _act(request, response, dependency_id, "cancel", reason=payload.reason)


def _team_view(request: HttpRequest, team_id: str, as_of: dt.date | None) -> tuple[View, set[str]]:
    view = view_of(request, as_of)
    if team_id not in view.org.teams:
        raise NotFoundError(f"there is no team '{team_id}'; GET /api/v1/teams lists them")
    return view, team_subtree(view.org, team_id)


@router.get(
    "/teams/{team_id}/dependencies/incoming",
    response={200: list[DependencyOut], ERROR_STATUSES: Problem},
    by_alias=True,
)
def team_incoming(
    request: HttpRequest, team_id: str, filters: Query[DependencyFilters]
) -> list[DependencyOut]:
    """Requests made to the team and its sub-teams that you may see."""
    view, teams = _team_view(request, team_id, filters.as_of)
    found = [
        d
        for d in view.org.dependencies.values()
        if d.provider in teams and (filters.state is None or d.state.value == filters.state)
    ]
    return _list(view, found)


@router.get(
    "/teams/{team_id}/dependencies/outgoing",
    response={200: list[DependencyOut], ERROR_STATUSES: Problem},
    by_alias=True,
)
def team_outgoing(
    request: HttpRequest, team_id: str, filters: Query[DependencyFilters]
) -> list[DependencyOut]:
    """Requests the team, its sub-teams and their members made to other teams."""
    view, teams = _team_view(request, team_id, filters.as_of)
    org = view.org
    people = {p for t in teams for p in org.teams[t].members}
    owners = teams | people

    def requester(from_id: str) -> str:
        objective = org.key_results[from_id].objective if from_id in org.key_results else from_id
        return org.objectives[objective].owner

    found = [
        d
        for d in org.dependencies.values()
        if requester(d.from_id) in owners
        and (filters.state is None or d.state.value == filters.state)
    ]
    return _list(view, found)
