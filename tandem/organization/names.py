"""People's and teams' names as every interface writes them (pages, API, messages)."""

from __future__ import annotations

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
