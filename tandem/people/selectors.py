"""Reads about people that many parts need: who is archived."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from tandem.errors import InvalidError
from tandem.people.models import Person

# Ids per query when asking about given people (SQLite's limit on parameters is far above).
CHUNK = 500


def archived_ids(among: Collection[str] | None = None) -> frozenset[str]:
    """The ids of the archived people (of ``among`` when given): one query (one per
    :data:`CHUNK` ids of ``among``). Archived people are few; the answer is small."""
    archived = Person.objects.filter(archived_at__isnull=False)
    if among is None:
        return frozenset(archived.values_list("id", flat=True))
    wanted = list(among)
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(archived.filter(id__in=chunk).values_list("id", flat=True))
    return frozenset(found)


def archived_refuse(ids: Iterable[str | None], *, field: str) -> None:
    """Refuse archived people among ``ids`` (people or teams) as new owners or contributors:
    nobody new is given to someone who left. No query for no ids, else one."""
    wanted = [i for i in dict.fromkeys(ids) if i]
    found = sorted(archived_ids(wanted)) if wanted else []
    if found:
        names = ", ".join(f"'{i}'" for i in found)
        raise InvalidError(
            f"{names} {'is' if len(found) == 1 else 'are'} archived: choose someone else "
            "(`tandem person restore` brings a person back)",
            field=field,
        )


def active_up(
    person_id: str | None, manager_of: Callable[[str], str | None], archived: Collection[str]
) -> str | None:
    """``person_id`` if they are not archived, else the first of their managers up the line
    who is not (None when the line ends): whom to tell in an archived person's place."""
    seen: set[str] = set()
    while person_id is not None and person_id in archived and person_id not in seen:
        seen.add(person_id)
        person_id = manager_of(person_id)
    return None if person_id in seen else person_id
