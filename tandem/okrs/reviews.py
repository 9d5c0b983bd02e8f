"""Writes of the cycle review: an owner's reflection on each objective at the end of a cycle.

Score overrides (:func:`tandem.okrs.key_results.key_result_score_override`) and closing a cycle
(:func:`tandem.okrs.cycles.cycle_state_set`) live with the other writes on OKRs; who may do
what is the caller's business (the web pages ask the access policy).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tandem.errors import ConflictError, InvalidError, NotFoundError, StaleVersionError
from tandem.identifiers import id_ensure_names
from tandem.okrs.checks import UNSET, Unset
from tandem.okrs.cycles import cycle_ensure_open
from tandem.okrs.models import Objective, Reflection
from tandem.people.models import Person

# A few paragraphs: the review asks for a short look back, not a report.
REFLECTION_MAX_LENGTH = 5000


@transaction.atomic
def reflection_save(
    *,
    objective_id: str,
    text: str,
    by_id: str | None,
    based_on: datetime | Unset | None = UNSET,
) -> Reflection:
    """Write (or rewrite) the one reflection on ``objective_id``, recording who and when.

    ``based_on`` is when the reflection the writer read was saved (None: there was none);
    when someone saved another since, nothing is written (StaleVersionError), so two owners
    writing at once do not silently replace each other. A closed cycle is read-only but for
    grading, and a reflection is not a grade: reopen the cycle to change one.
    """
    objective = Objective.objects.select_for_update(of=("self",)).filter(id=objective_id).first()
    if objective is None:
        raise NotFoundError(f"there is no objective with id '{objective_id}'")
    cycle_ensure_open(cycle_id=objective.cycle_id)
    if objective.archived_at is not None:
        raise ConflictError(
            f"objective {objective.id} is archived; restore it before reflecting on it"
        )
    if not isinstance(text, str) or not text.strip():
        raise InvalidError(
            "a reflection needs a few words: what worked, what did not, what you would do "
            "differently",
            field="text",
        )
    cleaned = text.strip()
    if "\x00" in cleaned:
        raise InvalidError("a reflection cannot hold a NUL character", field="text")
    if len(cleaned) > REFLECTION_MAX_LENGTH:
        raise InvalidError(
            f"a reflection has at most {REFLECTION_MAX_LENGTH} characters (this one has "
            f"{len(cleaned)}); keep it short",
            field="text",
        )
    if by_id is not None:
        id_ensure_names(Person, by_id, what="a person", field="by_id")
    if not isinstance(based_on, Unset):
        current = Reflection.objects.select_related("by").filter(objective=objective).first()
        if not _same_moment(current.at if current is not None else None, based_on):
            who = current.by.name if current is not None and current.by else "someone"
            raise StaleVersionError(
                f"{who} saved a reflection on {objective.id} since you opened the page; read "
                "it and write yours again (what you wrote is kept in the form)"
            )
    reflection, _created = Reflection.objects.update_or_create(
        objective=objective, defaults={"text": cleaned, "by_id": by_id, "at": timezone.now()}
    )
    return reflection


def _same_moment(stored: datetime | None, read: datetime | None) -> bool:
    """Whether ``read`` names the reflection saved at ``stored`` (None: none), to the
    millisecond: the API writes times in JSON with milliseconds, the pages with microseconds."""
    if stored is None or read is None:
        return stored is read
    return stored.replace(microsecond=stored.microsecond // 1000 * 1000) == read.replace(
        microsecond=read.microsecond // 1000 * 1000
    )
