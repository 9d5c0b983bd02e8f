"""Who may hear of what: a recipient only hears of what they may see, as the one permission
policy (:mod:`tandem.access.policy`) says."""

from __future__ import annotations

from collections.abc import Iterable

from tandem.access.policy import audience_get, objectives_visible_q
from tandem.okrs.models import Objective
from tandem.people.models import Person


def who_may_see(person_ids: Iterable[str | None], objective_id: str) -> list[str]:
    """Those of ``person_ids`` (in their order, once each, without None) who may see the
    objective ``objective_id``: what is said of it, and of what it asks for, is for them."""
    wanted = [p for p in dict.fromkeys(person_ids) if p is not None]
    admins = dict(Person.objects.filter(id__in=wanted).values_list("id", "user__is_superuser"))
    seeing = []
    for person_id in wanted:
        if person_id not in admins:  # since removed
            continue
        audience = audience_get(person_id=person_id, admin=bool(admins[person_id]))
        if audience.admin or (
            Objective.objects.filter(objectives_visible_q(audience), pk=objective_id).exists()
        ):
            seeing.append(person_id)
    return seeing
