"""The one rule for every number Tandem stores: a check-in's value, a metric's start, target
and threshold, a weight.

A number is an int or a float (never true/false), finite, and at most 10^15 either way. Larger
numbers overflow the engine's arithmetic (a 400-digit integer has no float), and no key result
measures anything that large. Every boundary (the API, the pages, the OKR file, the services,
the database's check constraints) applies this rule and says :func:`number_problem`'s message;
the engine leaves out whatever breaks it (a row written before the rule, or by hand), and the
``unusable-number`` quality rule reports it.
"""

from __future__ import annotations

import math

MAX_NUMBER = 10**15
# As the messages write it.
MAX_NUMBER_TEXT = "10^15"


def usable_number(value: object) -> bool:
    """True for an int or a finite float within ±10^15 (true/false are not numbers)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -MAX_NUMBER <= value <= MAX_NUMBER
    if isinstance(value, float):
        return math.isfinite(value) and -MAX_NUMBER <= value <= MAX_NUMBER
    return False


def shown(value: object) -> str:
    """The value as a message can quote it: a 400-digit integer is not printed whole (Python
    refuses to print one of more than 4,300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        digits = int(math.log10(abs(value))) + 1
        if 10 ** (digits - 1) > abs(value):  # log10 rounds up just below a power of ten
            digits -= 1
        return f"a number of {digits} digits"
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


NUMBER_RULE = f"a finite number from -{MAX_NUMBER_TEXT} to {MAX_NUMBER_TEXT}"


def number_problem(value: object, *, what: str) -> str | None:
    """Why ``value`` is not a number Tandem takes (``what`` names it: "the value"), or None."""
    if usable_number(value):
        return None
    return f"{what} must be {NUMBER_RULE} (got {shown(value)})"
