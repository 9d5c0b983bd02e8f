"""Check-ins: record one (append-only, so concurrent check-ins all land) and read the history."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from tandem.access.policy import (
    key_result_get_current,
    key_result_get_visible,
    may_check_in,
    require,
)
from tandem.api.auth import caller_of
from tandem.api.inputs import Input, IsoDate, Number
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.checkins.models import CheckIn
from tandem.checkins.services import checkin_record
from tandem.organization.reporting import view_get
from tandem.server import dates

router = Router(tags=["check-ins"])


class CheckInIn(Input):
    value: StrictBool | Number | None = Field(
        None, description="a number, or true/false for a done/not-done key result"
    )
    confidence: StrictInt | None = Field(
        None, ge=0, le=10, description="0 (no chance) to 10 (sure)"
    )
    note: str | None = Field(None, max_length=5000)
    date: IsoDate | None = Field(None, description="default: today")


class CheckInOut(Schema):
    id: int
    key_result: str
    date: dt.date
    value: bool | int | float | None
    confidence: int | None
    note: str | None
    author: str | None
    created_at: dt.datetime


def _out(row: CheckIn) -> CheckInOut:
    return CheckInOut(
        id=row.pk,
        key_result=row.key_result_id,
        date=row.date,
        value=row.value,
        confidence=row.confidence,
        note=row.note,
        author=row.author_id,
        created_at=row.created_at,
    )


@router.post(
    "/key-results/{key_result_id}/check-ins",
    response={201: CheckInOut, ERROR_STATUSES: Problem},
)
def checkin_create(
    request: HttpRequest, key_result_id: str, payload: CheckInIn
) -> Status[CheckInOut]:
    """Record a check-in: a value and/or a confidence and a note, for today unless dated."""
    caller = caller_of(request)
    key_result = key_result_get_visible(caller.audience, key_result_id)
    require(
        may_check_in(caller.audience, key_result),
        f"only {key_result_id}'s owner, its contributors and whoever may change "
        f"{key_result.objective_id} record its check-ins",
    )
    row = checkin_record(
        key_result_id=key_result_id,
        day=payload.date or dates.today(),
        value=payload.value,
        confidence=payload.confidence,
        note=payload.note,
        author_id=caller.person,
        key_result=key_result,  # as read above: not read again
    )
    return Status(201, _out(row))


@router.get(
    "/key-results/{key_result_id}/check-ins",
    response={200: list[CheckInOut], ERROR_STATUSES: Problem},
)
def checkin_history(request: HttpRequest, key_result_id: str) -> list[CheckInOut]:
    """Every check-in of the key result, oldest first (same-day ones in recorded order)."""
    audience = caller_of(request).audience
    # What the caller's cached view holds they may see, without asking the database (whose
    # visibility filter walks the manager chain); the archived, the hidden and the missing
    # are asked about, and all three answer 404, as GET /key-results/{id} does.
    if (
        audience.admin
        or key_result_id not in view_get(audience=audience, as_of=dates.today()).org.key_results
    ):
        key_result_get_current(audience, key_result_id)
    rows = CheckIn.objects.filter(key_result_id=key_result_id).order_by("date", "id")
    return [_out(row) for row in rows]
