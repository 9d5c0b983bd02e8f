"""Recording check-ins. Check-ins are only ever added: a correction is a new check-in."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import connection, transaction

from tandem.checkins.models import CheckIn
from tandem.core.numbers import number_problem
from tandem.errors import ConflictError, InvalidError, NotFoundError
from tandem.okrs.models import Cycle, KeyResult, Objective
from tandem.okrs.services import cycle_ensure_open
from tandem.organization.revision import CHECKINS_LOCK
from tandem.server import dates


class CheckInError(InvalidError):
    """A check-in that cannot be recorded; the message says what to change."""


class UnknownKeyResultError(NotFoundError, CheckInError):
    """No key result has the id: a NotFoundError (404), and a CheckInError for the callers
    that catch every refused check-in."""


def checkin_record(
    *,
    key_result_id: str,
    day: date,
    value: float | bool | None = None,
    confidence: int | None = None,
    note: str | None = None,
    author_id: str | None = None,
    key_result: KeyResult | None = None,
) -> CheckIn:
    """Record a check-in on ``key_result_id``.

    ``key_result`` is that key result when the caller has just read it, with its objective
    (and the objective's cycle: ``select_related("objective__cycle")``), as the API does to
    check permissions: it is not read again. On PostgreSQL, outside a caller's transaction,
    the write is one statement (:func:`_insert_covered`) after the checks (read committed
    would let the same changes in between within a transaction); elsewhere the checks and
    the write are one transaction (on SQLite, writers' turn taken first).
    """

    def checked() -> CheckIn:
        return _checked(
            key_result_id=key_result_id,
            day=day,
            value=value,
            confidence=confidence,
            note=note,
            author_id=author_id,
            key_result=key_result,
        )

    if connection.vendor == "postgresql" and connection.get_autocommit():
        row = checked()
        _insert_covered(row)
        return row
    with transaction.atomic():
        row = checked()
        row.save(force_insert=True)
        return row


def _checked(
    *,
    key_result_id: str,
    day: date,
    value: float | bool | None,
    confidence: int | None,
    note: str | None,
    author_id: str | None,
    key_result: KeyResult | None,
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
    _check_value(key_result, value)
    if value is None and confidence is None and not note:
        raise CheckInError("a check-in needs a value, a confidence or a note", field="value")
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
    latest = min(dates.today() + timedelta(days=1), cycle.end + CHECKIN_WINDOW)
    if not earliest <= day <= latest:
        raise CheckInError(
            f"a check-in in cycle {cycle.id} is dated from {earliest} to {latest}: from three "
            f"months before the cycle starts to today at the latest (got {day})",
            field="date",
        )


def _check_value(key_result: KeyResult, value: float | bool | None) -> None:
    if value is None:
        return
    form = key_result.form
    if form == KeyResult.Form.BOOLEAN:
        if not isinstance(value, bool):
            raise CheckInError(
                f"{key_result.id} is done or not: its value is true or false", field="value"
            )
    elif form in (KeyResult.Form.MILESTONES, KeyResult.Form.ROLLUP):
        raise CheckInError(
            f"{key_result.id} takes no value ({form} progress comes from "
            f"{'its milestones' if form == KeyResult.Form.MILESTONES else 'aligned objectives'});"
            " record a confidence or a note",
            field="value",
        )
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise CheckInError(
            f"{key_result.id} is measured in numbers: its value is a number", field="value"
        )
    else:
        problem = number_problem(value, what="the value")
        if problem is not None:
            raise CheckInError(problem, field="value")
