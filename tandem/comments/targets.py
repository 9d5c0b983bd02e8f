"""What a comment may be on, and the one rule for it: whoever may see an objective, a key
result, a check-in or a request for help (:mod:`tandem.access.policy`) reads its comments and
writes some. What may not be seen, or does not exist, answers the same NotFoundError.

An archived objective or key result, and a check-in of one, is out of every plan: it answers
as a missing one, as its pages and the API do.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from tandem.access.policy import (
    audience_get,
    checkin_get_visible,
    dependency_get_visible,
    key_result_get_current,
    objective_get_visible,
    objectives_visible_q,
    requesting_objective,
)
from tandem.core.visibility import Audience
from tandem.errors import NotFoundError
from tandem.okrs.models import Objective

# The kinds of target, as URLs, the API and notifications name them.
KINDS = ("objective", "key_result", "checkin", "dependency")
_WORDS = {
    "objective": "objective",
    "key_result": "key result",
    "checkin": "check-in",
    "dependency": "request",
}


@dataclass(frozen=True, slots=True)
class Target:
    """What a comment is on: a kind of :data:`KINDS` and its id (a check-in's as text)."""

    kind: str
    id: str

    def __str__(self) -> str:
        return f"{_WORDS.get(self.kind, self.kind)} {self.id}"

    @property
    def field(self) -> str:
        """The comment's column that points at it."""
        return f"{self.kind}_id"


@dataclass(frozen=True, slots=True)
class Seen:
    """A target the caller may see, with the objective whose visibility rules it (its own,
    its key result's, its check-in's, the requesting one) and the names notifications use."""

    target: Target
    objective: Objective
    # The key result it is, or a check-in's (None for an objective or a request).
    key_result_id: str | None = None
    title: str = ""

    @property
    def words(self) -> str:
        """What it is, in words: "key result SR-1.1 (Cut p50 ...)", "the check-in of ..."."""
        if self.target.kind == "checkin":
            return f"the {self.title}"
        return f"{self.target} ({self.title})" if self.title else str(self.target)


def _missing(target: Target) -> NotFoundError:
    return NotFoundError(f"there is no {target}")


def _current(objective: Objective, target: Target) -> Objective:
    if objective.archived_at is not None:
        raise _missing(target)
    return objective


def target_get_visible(audience: Audience, target: Target) -> Seen:
    """``target`` if the caller may see it, else NotFoundError (hidden or missing alike)."""
    if target.kind == "objective":
        objective = _current(objective_get_visible(audience, target.id), target)
        return Seen(target, objective, title=objective.title)
    if target.kind == "key_result":
        key_result = key_result_get_current(audience, target.id)
        return Seen(target, key_result.objective, key_result.id, key_result.title)
    if target.kind == "checkin" and target.id.isdigit() and len(target.id) < 19:
        checkin = checkin_get_visible(audience, int(target.id))
        key_result = checkin.key_result
        day = checkin.date
        title = f"check-in of {day.day} {day:%b %Y} on {key_result.id}"
        return Seen(target, key_result.objective, key_result.id, title)
    if target.kind == "dependency":
        dependency = dependency_get_visible(audience, target.id)
        objective = _current(requesting_objective(dependency), target)
        return Seen(target, objective, title=dependency.need)
    raise _missing(target)


def blind_to(people: dict[str, bool], objective_id: str) -> set[str]:
    """Those of ``people`` (id: is an admin) who may not see ``objective_id``: a mention does
    not reach them (the notifications ask the same policy)."""
    blind = set()
    for person_id, admin in people.items():
        audience = audience_get(person_id=person_id, admin=admin)
        visible = Objective.objects.filter(objectives_visible_q(audience), pk=objective_id)
        if not audience.admin and not visible.exists():
            blind.add(person_id)
    return blind


def targets_q(targets: list[Target]) -> Q:
    """A filter on comments keeping those on ``targets``: one ``IN`` per kind."""
    by_kind: dict[str, list[str]] = {}
    for target in targets:
        by_kind.setdefault(target.kind, []).append(target.id)
    found = Q(pk__in=[])
    for kind, ids in by_kind.items():
        found |= Q(**{f"{kind}_id__in": ids})
    return found
