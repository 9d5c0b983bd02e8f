"""Pydantic's validation errors in the words of the OKR file's users."""

from __future__ import annotations

from typing import Any

from tandem.core.numbers import NumberTextError, number_from_text, number_problem, shown

# Pydantic names the member types of a union in an error's location; users never wrote them.
UNION_MEMBERS = frozenset({"int", "float", "bool", "str", "none"})


def describe(error: Any) -> str:
    """Pydantic's message, with a hint where its wording alone would puzzle a user."""
    message = str(error["msg"])
    kind = error["type"]
    field = next((p for p in reversed(error["loc"]) if isinstance(p, str)), "")
    if kind == "extra_forbidden":
        return f"unknown field '{field}' (check its spelling; see docs/okr-file.md)"
    if kind == "missing":
        return f"'{field}' is required"
    if kind == "string_pattern_mismatch":
        return (
            f"'{field}' must be an id of letters, digits, '.', '_' and '-' (got {error['input']!r})"
        )
    if kind in ("string_type",) and field in ("id", "owner", "cycle", "parent", "lead"):
        return f"'{field}' must be a text id; quote it (got {error['input']!r})"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return f"'{field}' must be a date written YYYY-MM-DD (got {error['input']!r})"
    if kind == "number_range":
        return str(number_problem(error["input"], what=f"'{field}'"))
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    if message.startswith("Input should") and field:
        got = error.get("input")
        suffix = f" (got {shown(got)})" if isinstance(got, str | int | float) else ""
        return f"'{field}' should{message.removeprefix('Input should')}{suffix}"
    return f"'{field}': {message}" if field else message


def not_a_number(field: str, got: object) -> str:
    """Why a value is not a number, and how to write it: a text such as "6,70" (YAML reads
    6,70 unquoted as text too) is told what the pages and the API tell it."""
    if isinstance(got, str):
        try:
            number_from_text(got)
        except NumberTextError as exc:
            if exc.separator:
                return f"'{field}' must be a number: {exc}"
        else:
            return f"'{field}' must be a number, not text: write {got.strip()} without quotes"
    return f"'{field}' must be a number (got {shown(got)})"
