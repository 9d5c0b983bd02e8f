"""What needs attention: the caller's, and a team's (in what the caller may see), as My OKRs
and the dashboard show it (:mod:`tandem.organization.attention`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from django.http import HttpRequest
from ninja import Field, Router, Schema

from tandem import clock
from tandem.api.auth import caller_of
from tandem.api.inputs import IsoDate
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.errors import NotFoundError
from tandem.okrs.selectors import closed_cycles_get
from tandem.organization.attention import Attention, attention_get, team_attention_get
from tandem.organization.cache import view_get

router = Router(tags=["attention"])


class CheckInDueOut(Schema):
    key_result: str
    title: str
    objective: str
    last_update: dt.date
    days_since_update: int
    stale: bool


class WaitingRequestOut(Schema):
    id: str
    need: str
    provider: str = Field(description="the team asked for help")
    provider_name: str
    from_id: str = Field(description="the objective or key result that needs the help")
    from_objective: str
    from_title: str
    requester_name: str
    due: dt.date | None
    requested_at: dt.datetime | None = Field(
        description="when it was (last) requested; null for one imported from a file"
    )


class OverdueDeliveryOut(Schema):
    id: str
    need: str
    provider: str
    from_id: str
    from_objective: str
    due: dt.date
    days_overdue: int


class ReviewDueOut(Schema):
    objective: str
    title: str
    cycle: str
    cycle_end: dt.date


class AttentionOut(Schema):
    as_of: dt.date
    checkins_due: list[CheckInDueOut] = Field(
        description="key results of cycles under way not checked in today, stale first"
    )
    requests_waiting: list[WaitingRequestOut] = Field(
        description="requests for help waiting for an answer, oldest first"
    )
    deliveries_overdue: list[OverdueDeliveryOut] = Field(
        description="help accepted and not delivered by its due date"
    )
    reviews_due: list[ReviewDueOut] = Field(
        description="objectives of cycles that have ended and are not closed, to grade"
    )


def _out(attention: Attention, as_of: dt.date) -> AttentionOut:
    return AttentionOut.model_validate({"as_of": as_of, **asdict(attention)})


@router.get("/attention", response={200: AttentionOut, ERROR_STATUSES: Problem})
def attention_mine(request: HttpRequest, as_of: IsoDate | None = None) -> AttentionOut:
    """What waits for you: check-ins on the key results you own or work on, requests to your
    teams, deliveries your teams owe, and reviews of your objectives (My OKRs' lists)."""
    audience = caller_of(request).audience
    view = view_get(audience=audience, as_of=as_of or clock.today())
    return _out(attention_get(view, audience, closed_cycles_get()), view.as_of)


@router.get("/teams/{team_id}/attention", response={200: AttentionOut, ERROR_STATUSES: Problem})
def attention_of_team(
    request: HttpRequest, team_id: str, as_of: IsoDate | None = None
) -> AttentionOut:
    """What waits for a team, in what you may see: check-ins on its objectives and the key
    results it contributes to, requests to it, deliveries it owes, reviews of its objectives."""
    view = view_get(audience=caller_of(request).audience, as_of=as_of or clock.today())
    if team_id not in view.org.teams:
        raise NotFoundError(f"there is no team '{team_id}'; GET /api/v1/teams lists them")
    return _out(team_attention_get(view, team_id, closed_cycles_get()), view.as_of)
