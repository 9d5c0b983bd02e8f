"""Recording check-ins, and correcting or withdrawing them with the reason kept.

A value is checked here once for every interface that records one: the pages pass the text
as typed, the API a JSON number, and the rule is :mod:`tandem.core.checkin_values` (whose
numbers follow :func:`tandem.core.numbers.number_from_text` and
:func:`~tandem.core.numbers.number_problem`, as the OKR file does).
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction

from tandem import clock
from tandem.checkins.models import CheckIn, CheckInRevision
from tandem.checkins.signals import checkin_recorded
from tandem.core import permissions
from tandem.core.checkin_values import CheckInValueError, checkin_value
from tandem.errors import ConflictError, InvalidError, NotFoundError, PermissionDeniedError
from tandem.locks import CHECKINS_LOCK
from tandem.okrs.cycles import cycle_ensure_open
from tandem.okrs.key_results import key_result_update
from tandem.okrs.models import Cycle, KeyResult, Milestone, Objective


class CheckInError(InvalidError):
    """A check-in that cannot be recorded; the message says what to change."""


class UnknownKeyResultError(NotFoundError, CheckInError):
    """No key result has the id: a NotFoundError (404), and a CheckInError for the callers
    that catch every refused check-in."""


class CheckInJumpError(ConflictError):
    """A value that moves a numeric key result by more than half its start-to-target range
    from the last value: recorded once the person confirms it (``confirmed=True``)."""

    def __init__(self, message: str, *, value: str, last: str) -> None:
        super().__init__(message, field="value")
        self.value = value  # the value and the last one as the message writes them
        self.last = last


class _Unchanged(enum.Enum):
    UNCHANGED = "unchanged"


# A correction leaves a field that is passed this as it is (None clears it).
UNCHANGED = _Unchanged.UNCHANGED
# What a person may write as a reason, and the one an undo gives.
REASON_MAX_LENGTH = 500
NOTE_MAX_LENGTH = 5000
UNDONE = "undone"
# How long after saving a check-in its author is offered to undo it.
UNDO_WINDOW = timedelta(minutes=5)


def checkin_record(
    *,
    key_result_id: str,
    day: date,
    value: float | bool | str | None = None,
    confidence: int | None = None,
    note: str | None = None,
    author_id: str | None = None,
    key_result: KeyResult | None = None,
    confirmed: bool = True,
    ticked: Collection[int] = (),
    unticked: Collection[int] = (),
    may_tick: bool = False,
) -> CheckIn:
    """Record a check-in on ``key_result_id`` (with milestone ticks, when ``ticked`` or
    ``unticked`` name some: :func:`checkin_record_with_milestones`).

    ``value`` is a number, true/false, or the text a person typed (read by
    :func:`number_from_text`: "6,70" is refused as ambiguous). With ``confirmed=False``
    (the pages and the API, until the person confirms) a value that moves a numeric key result
    by more than half its start-to-target range from the last value is refused with
    :class:`CheckInJumpError`.

    ``key_result`` is that key result when the caller has just read it, with its objective
    (and the objective's cycle: ``select_related("objective__cycle")``), as the API does to
    check permissions: it is not read again. On PostgreSQL, outside a caller's transaction,
    the write is one statement (:func:`_insert_covered`) after the checks (read committed
    would let the same changes in between within a transaction); elsewhere the checks and
    the write are one transaction (on SQLite, writers' turn taken first).
    """

    if ticked or unticked:
        return checkin_record_with_milestones(
            key_result_id=key_result_id,
            day=day,
            ticked=ticked,
            unticked=unticked,
            may_tick=may_tick,
            value=value,
            confidence=confidence,
            note=note,
            author_id=author_id,
            key_result=key_result,
            confirmed=confirmed,
        )

    def checked() -> CheckIn:
        return _checked(
            key_result_id=key_result_id,
            day=day,
            value=value,
            confidence=confidence,
            note=note,
            author_id=author_id,
            key_result=key_result,
            confirmed=confirmed,
        )

    if connection.vendor == "postgresql" and connection.get_autocommit():
        row = checked()
        _insert_covered(row)
        _recorded(row)
        return row
    with transaction.atomic():
        row = checked()
        row.save(force_insert=True)
        _recorded(row)
        return row


def _recorded(row: CheckIn) -> None:
    """Tell the listeners of the new check-in once it is committed (at once, in autocommit)."""
    transaction.on_commit(lambda: checkin_recorded.send(sender=CheckIn, checkin=row))


@transaction.atomic
def checkin_record_with_milestones(
    *,
    key_result_id: str,
    day: date,
    ticked: Collection[int] = (),
    unticked: Collection[int] = (),
    may_tick: bool,
    value: float | bool | str | None = None,
    confidence: int | None = None,
    note: str | None = None,
    author_id: str | None = None,
    key_result: KeyResult | None = None,
    confirmed: bool = True,
) -> CheckIn:
    """Tick milestones (their positions in ``ticked`` done today, in ``unticked`` not done;
    an edit of the key result) and record the check-in, all or nothing.

    Ticking is for whoever may change the objective: the caller says whether this one may
    (``may_tick``, from :func:`tandem.access.policy.may_edit_objective`); a tick that changes
    nothing asks for no such right. The check-in is as :func:`checkin_record` records it."""
    milestones = _milestone_changes(key_result_id, set(ticked), set(unticked))
    if milestones is not None:
        if not may_tick:
            objective_id = KeyResult.objects.filter(pk=key_result_id).values_list(
                "objective_id", flat=True
            )
            raise PermissionDeniedError(permissions.tick_refused(objective_id.first() or ""))
        key_result_update(
            key_result_id=key_result_id, version=None, milestones=milestones, by_id=author_id
        )
    return checkin_record(
        key_result_id=key_result_id,
        day=day,
        value=value,
        confidence=confidence,
        note=note,
        author_id=author_id,
        key_result=key_result,
        confirmed=confirmed,
    )


def _milestone_changes(
    key_result_id: str, ticked: set[int], unticked: set[int]
) -> list[dict[str, Any]] | None:
    """The key result's milestones with the ticks applied (done today when newly done), or
    None when nothing changes: milestones nobody touched keep what is stored now."""
    if not ticked and not unticked:
        return None
    today = clock.today()
    rows = list(Milestone.objects.filter(key_result_id=key_result_id).order_by("position"))
    unknown = sorted(index for index in ticked | unticked if not 0 <= index < len(rows))
    if unknown:
        raise CheckInError(
            f"{key_result_id} has {len(rows)} milestones, numbered from 0: there is no "
            f"milestone {unknown[0]}",
            field="tick",
        )
    changed = False
    milestones = []
    for index, row in enumerate(rows):
        done_on = row.done_on
        done = done_on is not None and done_on <= today
        if index in ticked and not done:
            done_on, changed = today, True
        elif index in unticked and done:
            done_on, changed = None, True
        milestones.append({"title": row.title, "weight": row.weight, "done_on": done_on})
    return milestones if changed else None


def _checked(
    *,
    key_result_id: str,
    day: date,
    value: float | bool | str | None,
    confidence: int | None,
    note: str | None,
    author_id: str | None,
    key_result: KeyResult | None,
    confirmed: bool,
) -> CheckIn:
    """The check-in to write, once every rule holds (else the error that says which)."""
    if key_result is None or key_result.pk != key_result_id:
        key_result = (
            KeyResult.objects.select_related("objective__cycle").filter(id=key_result_id).first()
        )
        if key_result is None:
            raise UnknownKeyResultError(f"there is no key result with id '{key_result_id}'")
    objective = key_result.objective
    if not (Objective.cycle.is_cached(objective) and objective.cycle.state != Cycle.State.CLOSED):
        cycle_ensure_open(cycle_id=objective.cycle_id)
    _check_day(day, objective.cycle)
    if key_result.archived_at is not None or key_result.objective.archived_at is not None:
        raise ConflictError(
            f"{key_result.id} is archived: restore it (or its objective) to check in on it"
        )
    if confidence is not None and not (isinstance(confidence, int) and 0 <= confidence <= 10):
        raise CheckInError(
            f"confidence must be a whole number from 0 to 10 (got {confidence!r})",
            field="confidence",
        )
    value = _checked_value(key_result, value)
    if value is None and confidence is None and not note:
        raise CheckInError("a check-in needs a value, a confidence or a note", field="value")
    if not confirmed:
        _check_jump(key_result, day, value)
    return CheckIn(
        key_result=key_result,
        date=day,
        value=value,
        confidence=confidence,
        note=note,
        author_id=author_id,
    )


def _insert_covered(row: CheckIn) -> None:
    """Insert ``row`` on PostgreSQL in one statement that first takes the check-ins' shared
    lock (tandem/organization/revision.py), so the lock covers its id until it commits.

    The same as saving it inside ``transaction.atomic`` (where a signal takes the lock), in
    one round trip instead of four (BEGIN, the lock, the INSERT, COMMIT): a check-in is the
    API's most frequent write.
    """
    fields = [field for field in CheckIn._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    values = [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH covered AS (SELECT pg_advisory_xact_lock_shared(%s)) "  # noqa: S608 (names)
            f"INSERT INTO {quote(CheckIn._meta.db_table)} ({columns}) "
            f"SELECT {', '.join(['%s'] * len(fields))} FROM covered RETURNING id",
            [CHECKINS_LOCK, *values],
        )
        row.pk = cursor.fetchone()[0]
    row._state.adding = False
    row._state.db = connection.alias


# How far from its cycle a check-in may be dated: a baseline measured before the cycle starts,
# a last value recorded after it ends; never after today (tomorrow, for a time zone ahead of the
# server's), so no mistyped year leaves a check-in that stays the latest forever.
CHECKIN_WINDOW = timedelta(days=92)


def _check_day(day: object, cycle: Cycle) -> None:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise CheckInError(f"a check-in's date is a date (got {day!r})", field="date")
    earliest = cycle.start - CHECKIN_WINDOW
    latest = min(clock.today() + timedelta(days=1), cycle.end + CHECKIN_WINDOW)
    if not earliest <= day <= latest:
        raise CheckInError(
            f"a check-in in cycle {cycle.id} is dated from {earliest} to {latest}: from three "
            f"months before the cycle starts to today at the latest (got {day})",
            field="date",
        )


def _checked_value(key_result: KeyResult, value: float | bool | str | None) -> float | bool | None:
    """The value to store (text read as a number), or the CheckInError that says why not: the
    rule of :func:`tandem.core.checkin_values.checkin_value`."""
    try:
        return checkin_value(key_result.pk, key_result.form, value)
    except CheckInValueError as exc:
        raise CheckInError(str(exc), field="value") from None


def written(value: float, unit: str | None) -> str:
    """A number as a message writes it, with its unit: "680 ms", "6.5", "40%"."""
    text = str(value) if isinstance(value, int) else f"{value:.15g}"
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _check_jump(key_result: KeyResult, day: date, value: float | bool | None) -> None:
    """Refuse a value more than half the start-to-target range away from the last value (the
    key result's start before any), with a question for the person to confirm."""
    start, target = key_result.start, key_result.target
    if (
        key_result.form != KeyResult.Form.NUMERIC
        or isinstance(value, bool)
        or not isinstance(value, int | float)
        or not isinstance(start, int | float)
        or not isinstance(target, int | float)
        or start == target
    ):
        return
    earlier = (
        CheckIn.objects.filter(
            key_result_id=key_result.pk, withdrawn=False, date__lte=day, value__isnull=False
        )
        .order_by("-date", "-id")
        .values_list("value", flat=True)
    )
    last = next(
        (v for v in earlier[:20] if isinstance(v, int | float) and not isinstance(v, bool)), None
    )
    reference = start if last is None else last
    if abs(value - reference) <= abs(target - start) / 2:
        return
    unit = key_result.unit
    shown_value, shown_last = written(value, unit), written(reference, unit)
    before = (
        f"The last check-in was {shown_last}."
        if last is not None
        else f"{key_result.pk} starts at {shown_last}."
    )
    raise CheckInJumpError(
        f"{shown_value}? {before} That is more than half the way from "
        f"{written(start, unit)} to {written(target, unit)} at once: confirm the value if it is "
        "right.",
        value=shown_value,
        last=shown_last,
    )


def _editable(checkin_id: int) -> CheckIn:
    """The check-in, locked, once it may still change: not withdrawn, its key result and
    objective not archived, its cycle not closed."""
    row = (
        CheckIn.objects.select_for_update()
        .select_related("key_result__objective__cycle")
        .filter(pk=checkin_id)
        .first()
    )
    if row is None:
        raise NotFoundError(f"there is no check-in {checkin_id}")
    key_result = row.key_result
    cycle_ensure_open(cycle_id=key_result.objective.cycle_id)
    if key_result.archived_at is not None or key_result.objective.archived_at is not None:
        raise ConflictError(f"{key_result.pk} is archived: restore it to change its check-ins")
    if row.withdrawn:
        raise ConflictError(
            f"check-in {row.pk} on {key_result.pk} is withdrawn: record a new check-in instead"
        )
    return row


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise CheckInError(
            "say why (the history shows it to everyone who sees the key result)", field="reason"
        )
    if len(text) > REASON_MAX_LENGTH:
        raise CheckInError(
            f"a reason has at most {REASON_MAX_LENGTH} characters (this one has {len(text)})",
            field="reason",
        )
    return text


def _keep_revision(row: CheckIn, action: str, *, by_id: str | None, reason: str) -> None:
    CheckInRevision.objects.create(
        checkin=row,
        action=action,
        value=row.value,
        confidence=row.confidence,
        note=row.note,
        by_id=by_id,
        reason=reason,
    )


@transaction.atomic
def checkin_correct(
    *,
    checkin_id: int,
    by_id: str | None,
    reason: str | None,
    value: float | bool | str | _Unchanged | None = UNCHANGED,
    confidence: int | _Unchanged | None = UNCHANGED,
    note: str | _Unchanged | None = UNCHANGED,
) -> CheckIn:
    """Correct a check-in's value, confidence or note (``UNCHANGED`` leaves one as it is,
    None clears it); its values before, who and why are kept as a :class:`CheckInRevision`.

    Permissions are the caller's to check (``tandem.access.policy.may_correct_checkin``). A
    correction is deliberate and gives a reason, so a large move asks for no confirmation.
    """
    row = _editable(checkin_id)
    why = _reason(reason)
    new_value = row.value if value is UNCHANGED else _checked_value(row.key_result, value)
    new_confidence = row.confidence if confidence is UNCHANGED else confidence
    if new_confidence is not None and not (
        isinstance(new_confidence, int) and 0 <= new_confidence <= 10
    ):
        raise CheckInError(
            f"confidence must be a whole number from 0 to 10 (got {new_confidence!r})",
            field="confidence",
        )
    new_note = row.note if note is UNCHANGED else ((note or "").strip() or None)
    if new_note is not None and len(new_note) > NOTE_MAX_LENGTH:
        raise CheckInError(f"a note has at most {NOTE_MAX_LENGTH} characters", field="note")
    if new_value is None and new_confidence is None and not new_note:
        raise CheckInError(
            "a check-in needs a value, a confidence or a note: withdraw it instead", field="value"
        )
    if (new_value, new_confidence, new_note) == (row.value, row.confidence, row.note) and type(
        new_value
    ) is type(row.value):
        raise CheckInError("nothing to correct: the check-in already says this", field="value")
    _keep_revision(row, CheckInRevision.Action.CORRECTED, by_id=by_id, reason=why)
    row.value, row.confidence, row.note = new_value, new_confidence, new_note
    row.save(update_fields=["value", "confidence", "note"])
    return row


@transaction.atomic
def checkin_withdraw(*, checkin_id: int, by_id: str | None, reason: str | None) -> CheckIn:
    """Withdraw a check-in: it stays in the history, flagged, and counts in no report or chart.

    Permissions are the caller's to check, as for :func:`checkin_correct`.
    """
    row = _editable(checkin_id)
    why = _reason(reason)
    _keep_revision(row, CheckInRevision.Action.WITHDRAWN, by_id=by_id, reason=why)
    row.withdrawn = True
    row.save(update_fields=["withdrawn"])
    return row


def checkin_undo(*, checkin_id: int, by_id: str | None, now: datetime) -> CheckIn:
    """Withdraw the check-in ``by_id`` recorded less than :data:`UNDO_WINDOW` ago, with the
    reason "undone"; later, or someone else's, it is withdrawn with a reason of one's own."""
    row = CheckIn.objects.filter(pk=checkin_id).only("author_id", "created_at").first()
    if row is None:
        raise NotFoundError(f"there is no check-in {checkin_id}")
    if by_id is None or row.author_id != by_id or now - row.created_at > UNDO_WINDOW:
        minutes = int(UNDO_WINDOW.total_seconds() // 60)
        raise ConflictError(
            f"a check-in can be undone by its author for {minutes} minutes after saving it; "
            "withdraw it from the objective's history instead, saying why"
        )
    return checkin_withdraw(checkin_id=checkin_id, by_id=by_id, reason=UNDONE)
