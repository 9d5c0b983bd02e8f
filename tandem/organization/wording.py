"""Names, numbers and days as every interface writes them (pages, API, messages)."""

from __future__ import annotations

from datetime import date

from tandem.core import model as m


def person_name(org: m.Organization, person_id: str | None) -> str:
    if person_id is None:
        return "nobody"
    person = org.people.get(person_id)
    if person is None:
        return person_id
    # Their OKRs and history stay, under their name, marked so nobody waits for them.
    return f"{person.name} (archived)" if person.archived else person.name


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


# Why a dependency has its status (tandem.core.risk's reason codes), as the pages and the
# command line say it: "Infrastructure declined it", "Site Reliability's SRE-1.1 is at risk".
_PROVIDER_HEALTH = {
    "provider-on-track": "on track",
    "provider-at-risk": "at risk",
    "provider-off-track": "off track",
}
_REASON_STATUS = {
    "delivered": "delivered",
    "cancelled": "cancelled",
    "accepted": "on track",
    "in-loop": "on track",
}


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def reason_parts(
    reason: str, *, provider: str, due: date | None, provider_kr: str | None
) -> tuple[str, str | None, str]:
    """Why a dependency has its status, in three parts: the words before the key result that
    delivers the help, its id (None unless the reason is its health and the reader may see
    it), and the words after. ``provider``: the provider team's name."""
    if reason == "declined":
        return f"{provider} declined it", None, ""
    if reason == "overdue" and due is not None:
        return f"it was due on {due.day} {due:%B %Y} and {provider} has not delivered it", None, ""
    if reason == "not-accepted":
        return f"{provider} has not answered the request yet", None, ""
    if reason in _PROVIDER_HEALTH:
        health = _PROVIDER_HEALTH[reason]
        if provider_kr is not None:
            return f"{possessive(provider)} ", provider_kr, f" is {health}"
        return f"it is {health}", None, ""
    return f"it is {_REASON_STATUS.get(reason, reason)}", None, ""


def reason_words(reason: str, *, provider: str, due: date | None, provider_kr: str | None) -> str:
    """:func:`reason_parts` as one sentence: "Site Reliability's SRE-1.1 is at risk"."""
    before, key_result, after = reason_parts(
        reason, provider=provider, due=due, provider_kr=provider_kr
    )
    return before + (key_result or "") + after
