"""Check-ins: record one (concurrent check-ins all land), read the history, correct or
withdraw one with a reason (the original is kept)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import ValidationError as InputError
from pydantic import BeforeValidator, StrictBool, StrictInt, ValidationError
from pydantic_core import PydanticCustomError

from tandem import clock
from tandem.access.policy import (
    checkin_get_correctable,
    key_result_get_checkable,
    key_result_get_current,
    may_edit_objective,
)
from tandem.api.auth import caller_of
from tandem.api.inputs import Input, IsoDate, Number
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.checkins.models import CheckIn, CheckInRevision
from tandem.checkins.services import (
    REASON_MAX_LENGTH,
    UNCHANGED,
    CheckInJumpError,
    checkin_correct,
    checkin_record,
    checkin_withdraw,
)
from tandem.core.numbers import NumberTextError, number_from_text
from tandem.errors import ConflictError
from tandem.organization.cache import view_get

router = Router(tags=["check-ins"])


def _not_text(value: object) -> object:
    """A value is a JSON number: text is refused with what to send instead ("6,70" is
    ambiguous, "680" is sent without quotes)."""
    if not isinstance(value, str):
        return value
    try:
        number = number_from_text(value)
    except NumberTextError as exc:
        raise PydanticCustomError("number_text", str(exc) + ", as a JSON number") from None
    raise PydanticCustomError(
        "number_text", f"a value is a JSON number: send {json.dumps(number)}, without quotes"
    )


CheckInValue = Annotated[StrictBool | Number | None, BeforeValidator(_not_text)]


class CheckInIn(Input):
    value: CheckInValue = Field(
        None, description="a number, or true/false for a done/not-done key result"
    )
    confidence: StrictInt | None = Field(
        None, ge=0, le=10, description="0 (no chance) to 10 (sure)"
    )
    note: str | None = Field(None, max_length=5000)
    date: IsoDate | None = Field(None, description="default: today")
    confirm: StrictBool = Field(
        False,
        description="true: record the value even if it moves the key result by more than half"
        " its start-to-target range from the last value (otherwise 409)",
    )
    tick: list[StrictInt] = Field(
        [],
        description="milestones to mark done today, by position (from 0), with the check-in;"
        " only whoever may change the objective ticks (otherwise 403, and nothing is recorded)",
    )
    untick: list[StrictInt] = Field(
        [], description="milestones to mark not done, by position, as for `tick`"
    )


class CheckInCorrectionIn(Input):
    value: CheckInValue = Field(None, description="the corrected value; null clears it")
    confidence: StrictInt | None = Field(None, ge=0, le=10)
    note: str | None = Field(None, max_length=5000)
    reason: str = Field(max_length=REASON_MAX_LENGTH, description="why it is corrected")


class CheckInWithdrawalIn(Input):
    reason: str = Field(max_length=REASON_MAX_LENGTH, description="why it is withdrawn")


class CorrectionOut(Schema):
    action: str = Field(description="corrected or withdrawn")
    at: dt.datetime
    by: str | None
    reason: str
    # What the check-in said before this change (the first correction: as recorded).
    value: bool | int | float | None
    confidence: int | None
    note: str | None


class CheckInOut(Schema):
    id: int
    key_result: str
    date: dt.date
    value: bool | int | float | None
    confidence: int | None
    note: str | None
    author: str | None
    created_at: dt.datetime
    withdrawn: bool = False
    corrections: list[CorrectionOut] = []


def _out(row: CheckIn, revisions: list[CheckInRevision] | None = None) -> CheckInOut:
    return CheckInOut(
        id=row.pk,
        key_result=row.key_result_id,
        date=row.date,
        value=row.value,
        confidence=row.confidence,
        note=row.note,
        author=row.author_id,
        created_at=row.created_at,
        withdrawn=row.withdrawn,
        corrections=[
            CorrectionOut(
                action=r.action,
                at=r.at,
                by=r.by_id,
                reason=r.reason,
                value=r.value,
                confidence=r.confidence,
                note=r.note,
            )
            for r in revisions or ()
        ],
    )


def _checkin_of(payload: CheckInIn) -> dict[str, Any]:
    """The check-in the payload asks for, as :func:`checkin_record` takes it."""
    return {
        "day": payload.date or clock.today(),
        "value": payload.value,
        "confidence": payload.confidence,
        "note": payload.note,
        "confirmed": payload.confirm,
        "ticked": payload.tick,
        "unticked": payload.untick,
    }


@router.post(
    "/key-results/{key_result_id}/check-ins",
    response={201: CheckInOut, ERROR_STATUSES: Problem},
)
def checkin_create(
    request: HttpRequest, key_result_id: str, payload: CheckInIn
) -> Status[CheckInOut]:
    """Record a check-in: a value and/or a confidence and a note, for today unless dated, and
    tick milestones with it (all or nothing)."""
    caller = caller_of(request)
    key_result = key_result_get_checkable(caller.audience, key_result_id)
    try:
        row = checkin_record(
            key_result_id=key_result_id,
            author_id=caller.person,
            key_result=key_result,  # as read above: not read again
            may_tick=may_edit_objective(caller.audience, key_result.objective),
            **_checkin_of(payload),
        )
    except CheckInJumpError as exc:
        raise ConflictError(
            f'{exc.message} If it is, send it again with "confirm": true.', field="value"
        ) from None
    return Status(201, _out(row))


@router.get(
    "/key-results/{key_result_id}/check-ins",
    response={200: list[CheckInOut], ERROR_STATUSES: Problem},
)
def checkin_history(
    request: HttpRequest, key_result_id: str, include_withdrawn: bool = False
) -> list[CheckInOut]:
    """Every check-in of the key result, oldest first (same-day ones in recorded order), with
    its corrections; withdrawn ones only with ``include_withdrawn=true``."""
    audience = caller_of(request).audience
    # What the caller's cached view holds they may see, without asking the database (whose
    # visibility filter walks the manager chain); the archived, the hidden and the missing
    # are asked about, and all three answer 404, as GET /key-results/{id} does.
    if (
        audience.admin
        or key_result_id not in view_get(audience=audience, as_of=clock.today()).org.key_results
    ):
        key_result_get_current(audience, key_result_id)
    rows = CheckIn.objects.filter(key_result_id=key_result_id).order_by("date", "id")
    if not include_withdrawn:
        rows = rows.filter(withdrawn=False)
    rows = rows.prefetch_related("revisions")
    return [_out(row, list(row.revisions.all())) for row in rows]


def _correctable(request: HttpRequest, key_result_id: str, checkin_id: int) -> CheckIn:
    audience = caller_of(request).audience
    return checkin_get_correctable(audience, checkin_id, key_result_id=key_result_id)


def _with_history(row: CheckIn) -> CheckInOut:
    return _out(row, list(CheckInRevision.objects.filter(checkin=row).order_by("at", "id")))


@router.patch(
    "/key-results/{key_result_id}/check-ins/{checkin_id}",
    response={200: CheckInOut, ERROR_STATUSES: Problem},
)
def checkin_correct_one(
    request: HttpRequest, key_result_id: str, checkin_id: int, payload: CheckInCorrectionIn
) -> CheckInOut:
    """Correct a check-in's value, confidence or note (fields left out stay, null clears),
    with a reason; `corrections` keeps what it said before, who changed it, when and why."""
    row = _correctable(request, key_result_id, checkin_id)
    given = payload.model_fields_set
    changes: dict[str, Any] = {
        name: getattr(payload, name) if name in given else UNCHANGED
        for name in ("value", "confidence", "note")
    }
    row = checkin_correct(
        checkin_id=row.pk, by_id=caller_of(request).person, reason=payload.reason, **changes
    )
    return _with_history(row)


@router.delete(
    "/key-results/{key_result_id}/check-ins/{checkin_id}",
    response={200: CheckInOut, ERROR_STATUSES: Problem},
)
def checkin_withdraw_one(
    request: HttpRequest, key_result_id: str, checkin_id: int, reason: str | None = None
) -> CheckInOut:
    """Withdraw a check-in, with a `reason` (in the query, or a JSON body `{"reason": ...}`):
    it stays in the history, marked withdrawn, and counts in no report."""
    row = _correctable(request, key_result_id, checkin_id)
    if reason is None and request.body:
        reason = _body_of(request).reason
    row = checkin_withdraw(checkin_id=row.pk, by_id=caller_of(request).person, reason=reason)
    return _with_history(row)


def _body_of(request: HttpRequest) -> CheckInWithdrawalIn:
    try:
        return CheckInWithdrawalIn.model_validate_json(request.body)
    except ValidationError as exc:
        raise InputError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None
