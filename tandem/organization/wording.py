"""Names, numbers and days as every interface writes them (pages, API, messages)."""

from __future__ import annotations

from datetime import date

from tandem.core import model as m


def person_name(org: m.Organization, person_id: str | None) -> str:
    if person_id is None:
        return "nobody"
    person = org.people.get(person_id)
    return person.name if person is not None else person_id


def owner_name(org: m.Organization, owner_id: str | None) -> str:
    """A team's or a person's name (objectives are owned by either)."""
    if owner_id is not None and owner_id in org.teams:
        return org.teams[owner_id].name
    return person_name(org, owner_id)


def number(value: float | bool | None) -> str:
    """800.0 → "800", 99.62 → "99.62"; as people write them."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "done" if value else "not done"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ") if abs(value) >= 10000 else str(int(value))
    return f"{value:g}" if abs(value) < 1e6 else str(value)


def with_unit(value: float | bool | None, unit: str | None) -> str:
    text = number(value)
    if unit and value is not None and not isinstance(value, bool):
        return f"{text}{unit}" if unit == "%" else f"{text} {unit}"
    return text


def day(value: object) -> str:
    """The one way pages write a date: "21 Nov 2026" (a date, a datetime or ISO text;
    anything else as it is, nothing as "")."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, date):
        return f"{value.day} {value:%b %Y}"
    return str(value)
