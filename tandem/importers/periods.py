"""Period names ("Q1 2025", "2025 Q1", "FY25 Q1", "Annual 2025", "January 2025") to cycle ids."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_QUARTER = [
    re.compile(r"^q([1-4])[\s-]*(\d{4})$"),
    re.compile(r"^(\d{4})[\s-]*q([1-4])$"),
]
_FY_QUARTER = re.compile(r"^fy\s*'?(\d{2}|\d{4})[\s-]*q([1-4])$")
_FY_QUARTER_FIRST = re.compile(r"^q([1-4])[\s-]*fy\s*'?(\d{2}|\d{4})$")
_YEAR = re.compile(r"^(?:annual|year|fy|cy)?[\s-]*'?(\d{4})$")
_FY_YEAR = re.compile(r"^fy\s*'?(\d{2})$")
_HALF = re.compile(r"^h([12])[\s-]*(\d{4})$|^(\d{4})[\s-]*h([12])$")
_MONTH = re.compile(r"^([a-z]+)[\s-]*(\d{4})$")


def cycle_id_for(name: str) -> str | None:
    """The Tandem cycle id a period's name stands for, or None when it cannot be read."""
    text = " ".join(name.strip().lower().split())
    for pattern in _QUARTER:
        if match := pattern.match(text):
            a, b = match.groups()
            quarter, year = (a, b) if len(a) == 1 else (b, a)
            return f"{year}-Q{quarter}"
    if match := _FY_QUARTER.match(text) or _FY_QUARTER_FIRST.match(text):
        a, b = match.groups()
        year, quarter = (a, b) if match.re is _FY_QUARTER else (b, a)
        return f"FY{_full_year(year)}-Q{quarter}"
    if match := _FY_YEAR.match(text):
        return f"FY{_full_year(match.group(1))}"
    if match := _YEAR.match(text):
        prefix = "FY" if text.startswith("fy") else ""
        return f"{prefix}{match.group(1)}"
    if match := _HALF.match(text):
        half, year = (match.group(1), match.group(2)) if match.group(1) else match.group(4, 3)
        return f"{year}-H{half}"
    if (match := _MONTH.match(text)) and match.group(1) in _MONTHS:
        return f"{match.group(2)}-{_MONTHS[match.group(1)]:02d}"
    return None


def _full_year(text: str) -> str:
    return text if len(text) == 4 else f"20{text}"


def parse_date(value: object) -> date | None:
    """A date from an ISO string ("2025-01-31", "2025-01-31T00:00:00Z") or a date/datetime."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def cycle_dates(cycle_id: str) -> tuple[date, date] | None:
    """The start and end of a calendar cycle id (2025-Q1, 2025-H2, 2025-03, 2025); None for a
    fiscal one, whose year may start in any month."""
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", cycle_id):
        year, quarter = int(match.group(1)), int(match.group(2))
        return _months(year, 3 * quarter - 2, 3)
    if match := re.fullmatch(r"(\d{4})-H([12])", cycle_id):
        return _months(int(match.group(1)), 6 * int(match.group(2)) - 5, 6)
    if match := re.fullmatch(r"(\d{4})-(\d{2})", cycle_id):
        month = int(match.group(2))
        return _months(int(match.group(1)), month, 1) if 1 <= month <= 12 else None
    if re.fullmatch(r"\d{4}", cycle_id):
        return date(int(cycle_id), 1, 1), date(int(cycle_id), 12, 31)
    return None


def _months(year: int, first: int, count: int) -> tuple[date, date]:
    last = first + count - 1
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])
