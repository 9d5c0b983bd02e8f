"""Small text helpers for generated names, titles and values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", to_ascii(text).lower()).strip("-")


def to_ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def join_names(names: Sequence[str]) -> str:
    return f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else names[0]


def area_team_name(domain: str, area: str) -> str:
    title = " ".join(
        word if word in ("and", "of", "for", "to", "the") else capitalize(word)
        for word in area.split()
    )
    if title.lower().startswith(domain.lower()):
        return title
    return f"{domain} {title}"


def capitalize(text: str) -> str:
    # Keep words like "iOS" and "p95" as they are written.
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].upper() + text[1:]


def round_to(value: float, decimals: int) -> float:
    if decimals == 0:
        return round(value)
    return round(value, decimals)


def display_value(value: float, unit: str) -> str:
    number = f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else f"{value}"
    if unit in ("%", "x"):
        return f"{number}{unit}"
    if unit in ("", "NPS", "points", "score"):
        return number
    if unit == "USD":
        return f"${number}"
    if unit in ("k USD", "M USD"):
        return f"${number}{unit[0]}"
    return f"{number} {unit}"
