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
import re

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


# A number as people type it: digits with at most one dot as the decimal point, an optional sign
# and exponent. Nothing else: no thousands separators, no decimal comma, no unit.
_TYPED_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_COMMA_DECIMAL = re.compile(r"([+-]?\d+),(\d+)")
_SEPARATORS = ",\u00a0\u202f '"
_GROUPED = re.compile(rf"[+-]?\d{{1,3}}(?:[{_SEPARATORS}]\d{{3}})+(?:\.\d+)?")
DOT_RULE = "Tandem reads a dot as the decimal point"


class NumberTextError(ValueError):
    """Text that is not a number Tandem reads; the message says how to write it.
    ``separator``: it would be a number but for a comma or thousands separators."""

    def __init__(self, message: str, *, separator: bool) -> None:
        super().__init__(message)
        self.separator = separator


def number_from_text(text: str) -> int | float:
    """The number ``text`` writes (an int when it has no dot or exponent), or
    :class:`NumberTextError` saying how to write it.

    A comma is refused rather than guessed at: "6,70" is 6.70 in much of Europe and "1,234" is
    1234 in English, and nothing tells Tandem which the person meant (a browser's languages
    are not the way its person writes numbers). A wrong guess stores a value a hundred or a
    thousand times off, which is worse than asking to type it again. Whether the number is
    finite and within bounds is :func:`number_problem`'s to say.
    """
    typed = text.strip()
    if _TYPED_NUMBER.fullmatch(typed):
        if "." in typed or "e" in typed.lower():
            return float(typed)
        return int(typed)
    comma = _COMMA_DECIMAL.fullmatch(typed)
    separator = True
    if comma:
        whole, part = comma.groups()
        message = f"“{typed}” is ambiguous: write {whole}.{part} or {whole}{part}: {DOT_RULE}"
    elif _GROUPED.fullmatch(typed):
        plain = "".join(c for c in typed if c not in _SEPARATORS)
        message = f"write {plain}: {DOT_RULE} and takes no separator between the thousands"
    else:
        separator = False
        quoted = typed if len(typed) <= 40 else f"{typed[:37]}..."
        message = f"“{quoted}” is not a number: write one such as 680 or 99.5, without the unit"
    raise NumberTextError(message, separator=separator)
