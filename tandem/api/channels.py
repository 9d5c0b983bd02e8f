"""A team's Slack and Teams channels (its lead, or an admin), the organisation's outbound
webhooks and the delivery log (admins): the JSON twin of the channels pages. URLs come back
masked (``https://hooks.slack.com/…/XXXX``); a webhook's signing secret only once, in the
answer that creates it (:mod:`tandem.notifications.setup`)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from tandem.api.auth import caller_of
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.errors import NotFoundError, PermissionDeniedError
from tandem.notifications.channel_selectors import delivery_log_get, team_channels_get, webhooks_get
from tandem.notifications.models import Channel, Delivery
from tandem.notifications.setup import (
    channel_create,
    channel_delete,
    channel_test,
    may_manage_team_channels,
)

router = Router(tags=["channels"])


class ChannelOut(Schema):
    id: int
    kind: str = Field(description="`slack`, `teams` or `webhook`")
    team: str | None = Field(description="the team's id; null for the organisation's webhooks")
    name: str
    categories: list[str] = Field(description="the categories it carries (webhooks: every event)")
    url: str = Field(description="masked: its host and last four characters only")
    failing_since: dt.datetime | None = Field(description="null while it works")
    consecutive_failures: int
    last_error: str
    created_at: dt.datetime


class WebhookCreatedOut(ChannelOut):
    secret: str = Field(description="the signing secret: shown in this answer only, never again")


class ChannelIn(Schema):
    kind: str = Field(description="`slack` or `teams`")
    name: str
    url: str = Field(description="the incoming webhook's (Slack) or workflow's (Teams) address")
    categories: list[str]


class WebhookIn(Schema):
    name: str
    url: str = Field(description="https:// address that receives the events")


class TestOut(Schema):
    ok: bool
    error: str = Field(description="what went wrong (empty when it worked)")


class DeliveryOut(Schema):
    id: int
    via: str = Field(description="`email` or `channel`")
    channel: int | None
    address: str = Field(description="the e-mail address it went to (e-mails)")
    kind: str
    event_id: str
    slot: str
    status: str = Field(
        description="`pending`, `failed` (will retry), `sent`, `given_up`, `skipped`"
    )
    reason: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    sent_at: dt.datetime | None


class LogFilters(Schema):
    status: str | None = Field(None, description="only deliveries with this status")
    limit: int = Field(100, ge=1, le=500)


def channel_out(channel: Channel) -> ChannelOut:
    return ChannelOut(
        id=channel.pk,
        kind=channel.kind,
        team=channel.team_id,
        name=channel.name,
        categories=list(channel.categories),
        url=channel.masked_url,
        failing_since=channel.failing_since,
        consecutive_failures=channel.consecutive_failures,
        last_error=channel.last_error,
        created_at=channel.created_at,
    )


def _manageable_team(request: HttpRequest, team_id: str) -> None:
    if not may_manage_team_channels(caller_of(request).audience, team_id):
        raise NotFoundError(f"there is no team '{team_id}' whose channels you manage")


def _admin(request: HttpRequest) -> None:
    if not caller_of(request).admin:
        raise PermissionDeniedError("only admins manage webhooks and read the delivery log")


@router.get("/teams/{team_id}/channels", response={200: list[ChannelOut], ERROR_STATUSES: Problem})
def team_channels(request: HttpRequest, team_id: str) -> list[ChannelOut]:
    """A team's Slack and Teams channels (its lead, the leads above, admins)."""
    _manageable_team(request, team_id)
    return [channel_out(c) for c in team_channels_get(team_id)]


@router.post("/teams/{team_id}/channels", response={201: ChannelOut, ERROR_STATUSES: Problem})
def team_channel_add(request: HttpRequest, team_id: str, body: ChannelIn) -> Status[ChannelOut]:
    """Add a Slack incoming webhook or a Teams Workflows webhook to the team."""
    _manageable_team(request, team_id)
    channel, _ = channel_create(
        audience=caller_of(request).audience, team_id=team_id, **body.dict()
    )
    return Status(201, channel_out(channel))


@router.get("/webhooks", response={200: list[ChannelOut], ERROR_STATUSES: Problem})
def webhooks(request: HttpRequest) -> list[ChannelOut]:
    """The organisation's outbound webhooks (admins)."""
    _admin(request)
    return [channel_out(c) for c in webhooks_get()]


@router.post("/webhooks", response={201: WebhookCreatedOut, ERROR_STATUSES: Problem})
def webhook_add(request: HttpRequest, body: WebhookIn) -> Status[WebhookCreatedOut]:
    """Add an outbound webhook (admins); the answer holds its signing secret, this once."""
    _admin(request)
    channel, secret = channel_create(
        audience=caller_of(request).audience, kind="webhook", team_id=None, **body.dict()
    )
    return Status(201, WebhookCreatedOut(**channel_out(channel).dict(), secret=secret))


@router.delete("/channels/{channel_id}", response={204: None, ERROR_STATUSES: Problem})
def channel_remove(request: HttpRequest, channel_id: int) -> Status[None]:
    """Remove a channel or webhook (whoever may manage it; 404 for everyone else)."""
    channel_delete(audience=caller_of(request).audience, channel_id=channel_id)
    return Status(204, None)


@router.post("/channels/{channel_id}/test", response={200: TestOut, ERROR_STATUSES: Problem})
def channel_try(request: HttpRequest, channel_id: int) -> TestOut:
    """Send a test message now; the answer says whether it was taken, or why not."""
    result = channel_test(audience=caller_of(request).audience, channel_id=channel_id)
    return TestOut(ok=result.ok, error=result.error)


@router.get("/deliveries", response={200: list[DeliveryOut], ERROR_STATUSES: Problem})
def deliveries(request: HttpRequest, filters: Query[LogFilters]) -> list[DeliveryOut]:
    """The delivery log, newest first (admins), optionally of one status."""
    _admin(request)
    status = filters.status if filters.status in Delivery.Status.values else None
    log = delivery_log_get(status=status, limit=filters.limit)
    return [delivery_out(d) for d in log.deliveries]


def delivery_out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.pk,
        via=delivery.via,
        channel=delivery.channel_id,
        address=delivery.address,
        kind=delivery.kind,
        event_id=delivery.event_id,
        slot=delivery.slot,
        status=delivery.status,
        reason=delivery.reason,
        attempts=delivery.attempts,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        next_attempt_at=delivery.next_attempt_at,
        sent_at=delivery.sent_at,
    )
