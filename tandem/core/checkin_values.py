"""Which value a check-in takes, for each form of metric: the one rule the check-in form, the
API and the check-in service apply, with one set of words for each refusal.

A number (numeric, keep-above and keep-below key results) may arrive as the text a person
typed: it is read by :func:`tandem.core.numbers.number_from_text` ("6,70" is refused as
ambiguous) and must then pass :func:`tandem.core.numbers.number_problem`. A done/not-done key
result takes true or false; milestones and roll-ups take no value (their progress comes from
their milestones and from the objectives aligned to them).
"""

from __future__ import annotations

from typing import Literal

from tandem.core.numbers import NumberTextError, number_from_text, number_problem

NUMBER_FORMS = frozenset({"numeric", "keep_above", "keep_below"})
DONE_FORM = "boolean"

ValueKind = Literal["number", "done", "none"]


class CheckInValueError(ValueError):
    """A value the key result's form does not take; the message says what it takes."""


def value_kind(form: str) -> ValueKind:
    """Which value a check-in on a key result of ``form`` asks for: number, done, or none."""
    if form in NUMBER_FORMS:
        return "number"
    return "done" if form == DONE_FORM else "none"


def checkin_value(
    key_result_id: str, form: str, value: float | bool | str | None
) -> float | bool | None:
    """The value to store (text read as a number), or :class:`CheckInValueError`."""
    if value is None:
        return None
    kind = value_kind(form)
    if isinstance(value, str) and kind == "number":
        try:
            value = number_from_text(value)
        except NumberTextError as exc:
            raise CheckInValueError(str(exc)) from None
    if kind == "done":
        if not isinstance(value, bool):
            raise CheckInValueError(f"{key_result_id} is done or not: its value is true or false")
    elif kind == "none":
        source = "its milestones" if form == "milestones" else "aligned objectives"
        raise CheckInValueError(
            f"{key_result_id} takes no value ({form} progress comes from {source});"
            " record a confidence or a note"
        )
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise CheckInValueError(f"{key_result_id} is measured in numbers: its value is a number")
    else:
        problem = number_problem(value, what="the value")
        if problem is not None:
            raise CheckInValueError(problem)
    return value
