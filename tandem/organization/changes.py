"""Bringing a held organisation up to date with the change log, re-reading only what changed.

A structure move logs which objects it changed (:class:`~tandem.organization.models.Change`).
:func:`changes_between` reads the log between two revisions; :func:`organization_patched`
re-reads those objects (:func:`~tandem.organization.selectors.organization_part_load`),
puts them in place in the organisation as read with what was archived, takes the current
plan out of it the way a full read does (:func:`~tandem.core.visibility.without_archived`),
and says how much of an evaluation the change can move:

- ``TEXTS``: only titles, descriptions and needs: no result moves; evaluations stay;
- ``KEY_RESULTS``: also the numbers, check-ins or grades of some key results (``moved``),
  everything they hang on unchanged: re-evaluate what those reach, as for new check-ins;
- ``EVERYTHING``: anything else (an alignment, an owner, a weight, a dependency, an object
  added or removed): evaluate again from the patched organisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from tandem.core import model as m
from tandem.core.visibility import without_archived
from tandem.dependencies.models import Dependency
from tandem.okrs.models import KeyResult, Objective
from tandem.organization.models import Change
from tandem.organization.selectors import LoadedOrganization, organization_part_load

# Past this many changes at once, reading everything costs about as much as patching.
MOST_CHANGES = 500


@dataclass(frozen=True)
class Changes:
    objectives: frozenset[str]
    key_results: frozenset[str]
    dependencies: frozenset[str]


def changes_between(held: int, current: int) -> Changes | None:
    """What the structure moves after ``held`` up to ``current`` changed; None when they
    cannot be patched (a change of another kind, or a revision without its log row)."""
    if not 0 <= held < current or current - held > MOST_CHANGES:
        return None
    rows = Change.objects.filter(revision__gt=held, revision__lte=current).values_list(
        "revision", "kind", "object_id"
    )
    revisions = set()
    found: dict[str, set[str]] = {Change.OBJECTIVE: set(), Change.KEY_RESULT: set()}
    found[Change.DEPENDENCY] = set()
    for revision, kind, object_id in rows:
        revisions.add(revision)
        if kind == Change.NONE:
            continue
        if kind not in found:
            return None
        found[kind].add(object_id)
    if len(revisions) != current - held:
        return None  # a row is missing (trimmed, or written outside the bump's transaction)
    return Changes(
        frozenset(found[Change.OBJECTIVE]),
        frozenset(found[Change.KEY_RESULT]),
        frozenset(found[Change.DEPENDENCY]),
    )


class Reach(Enum):
    TEXTS = "texts"
    KEY_RESULTS = "key results"
    EVERYTHING = "everything"


@dataclass(frozen=True)
class Patched:
    whole: LoadedOrganization
    current: m.Organization
    reach: Reach
    moved: frozenset[str] = frozenset()  # the key results to re-evaluate (KEY_RESULTS)
    positions: Positions | None = None
    # The objectives, key results and dependencies read again (TEXTS and KEY_RESULTS).
    read: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Positions:
    """The objectives' and dependencies' places (a full read gives them in that order)."""

    objectives: dict[str, tuple[int, str]]
    dependencies: dict[str, tuple[int, str]]


def positions_get(
    objective_ids: Iterable[str] | None = None, dependency_ids: Iterable[str] | None = None
) -> Positions:
    """The places of every objective and dependency, or of those given."""
    objectives, dependencies = Objective.objects.all(), Dependency.objects.all()
    if objective_ids is not None:
        objectives = objectives.filter(id__in=list(objective_ids))
    if dependency_ids is not None:
        dependencies = dependencies.filter(id__in=list(dependency_ids))
    return Positions(
        {id_: (place, id_) for id_, place in objectives.values_list("id", "position")},
        {id_: (place, id_) for id_, place in dependencies.values_list("id", "position")},
    )


def _placed(
    held: dict[str, Any], fresh: dict[str, Any], read: set[str], places: dict[str, tuple[int, str]]
) -> tuple[dict[str, Any], bool]:
    """``held`` with the objects ``read`` again (those of ``fresh``; the others are gone), in
    the order of ``places`` (updated for them); whether the order moved."""
    merged = {**held, **fresh}
    for gone in read - fresh.keys():
        merged.pop(gone, None)
    if all(id_ in held for id_ in fresh) and len(merged) == len(held):
        return merged, False  # the same objects: in the same places (see organization_patched)
    return {id_: merged[id_] for id_ in sorted(merged, key=places.__getitem__)}, True


def organization_patched(
    whole: LoadedOrganization, current: m.Organization, changes: Changes, positions: Positions
) -> Patched | None:
    """``whole`` (the organisation with what was archived) and ``current`` (its plan) with the
    objects of ``changes`` read again, and ``positions`` brought up to date with them.

    Places move only when an object is added (the services put it last; the import and a
    deletion read everything): an object read again that was held keeps its place unless
    its position was changed (by the admin), which is checked."""
    org = whole.organization
    if not (changes.objectives or changes.key_results or changes.dependencies):
        return Patched(whole, current, Reach.TEXTS, positions=positions)  # nothing the plan holds
    objective_ids = set(changes.objectives)
    for key_result_id in changes.key_results:  # the objective it was in, and the one it is in
        if key_result_id in org.key_results:
            objective_ids.add(org.key_results[key_result_id].objective)
    objective_ids.update(
        KeyResult.objects.filter(id__in=changes.key_results).values_list("objective", flat=True)
    )
    part = organization_part_load(org.cycles, objective_ids, changes.dependencies)
    fresh = part.organization
    read = positions_get(objective_ids, changes.dependencies)
    if any(
        positions.objectives.get(id_, place) != place for id_, place in read.objectives.items()
    ) or any(
        positions.dependencies.get(id_, place) != place for id_, place in read.dependencies.items()
    ):
        return None  # moved by hand: read everything
    places = Positions(
        {**positions.objectives, **read.objectives},
        {**positions.dependencies, **read.dependencies},
    )
    old_key_results = {
        k for o in objective_ids if o in org.objectives for k in org.objectives[o].key_results
    }
    try:
        objectives, reordered = _placed(
            org.objectives, fresh.objectives, objective_ids, places.objectives
        )
        dependencies, _moved = _placed(
            org.dependencies, fresh.dependencies, set(changes.dependencies), places.dependencies
        )
    except KeyError:
        return None  # an object whose place is unknown: read everything
    if reordered or any(
        o not in org.objectives or org.objectives[o].key_results != objective.key_results
        for o, objective in fresh.objectives.items()
    ):
        key_results = {**org.key_results, **fresh.key_results}
        key_results = {k: key_results[k] for o in objectives.values() for k in o.key_results}
    else:
        key_results = {**org.key_results, **fresh.key_results}
    patched_org = replace(
        org, objectives=objectives, key_results=key_results, dependencies=dependencies
    )
    archived_objectives = (whole.archived_objectives - objective_ids) | part.archived_objectives
    archived_key_results = (
        whole.archived_key_results - old_key_results - changes.key_results
    ) | part.archived_key_results
    patched = LoadedOrganization(patched_org, archived_objectives, archived_key_results)
    new = without_archived(patched_org, archived_objectives, archived_key_results)
    reach, moved = _reach(current, new, objective_ids, changes.dependencies)
    read_again = objective_ids | changes.dependencies | fresh.key_results.keys()
    return Patched(patched, new, reach, moved, places, frozenset(read_again))


def _untitled(item: Any) -> Any:
    """An objective or key result without its title and description."""
    return replace(item, title="", description=None)


def _reach(
    old: m.Organization,
    new: m.Organization,
    objective_ids: set[str],
    dependency_ids: frozenset[str],
) -> tuple[Reach, frozenset[str]]:
    """How much of an evaluation of ``old`` the change to ``new`` can move (see the module)."""
    if (
        list(old.objectives) != list(new.objectives)
        or list(old.key_results) != list(new.key_results)
        or list(old.dependencies) != list(new.dependencies)
    ):
        return Reach.EVERYTHING, frozenset()
    for dependency_id in dependency_ids:
        before, after = old.dependencies.get(dependency_id), new.dependencies.get(dependency_id)
        if (before is None) != (after is None) or (
            before is not None
            and after is not None
            and replace(before, need="") != replace(after, need="")
        ):
            return Reach.EVERYTHING, frozenset()
    moved = set()
    for objective_id in objective_ids:
        objective = new.objectives.get(objective_id)
        if objective is None:
            continue  # archived both before and after (the lists are the same)
        if _untitled(old.objectives[objective_id]) != _untitled(objective):
            return Reach.EVERYTHING, frozenset()
        for key_result_id in objective.key_results:
            before_kr, after_kr = old.key_results[key_result_id], new.key_results[key_result_id]
            if _untitled(before_kr) == _untitled(after_kr):
                continue
            if not _numbers_only(before_kr, after_kr):
                return Reach.EVERYTHING, frozenset()
            moved.add(key_result_id)
    return (Reach.KEY_RESULTS if moved else Reach.TEXTS), frozenset(moved)


def _numbers_only(before: m.KeyResult, after: m.KeyResult) -> bool:
    """Whether only the metric's numbers (of the same form, not a roll-up), the check-ins or
    the grade differ: what a check-in moves, which re-evaluating the key result covers."""
    if type(before.metric) is not type(after.metric) or isinstance(after.metric, m.RollupMetric):
        return False

    def rest(key_result: m.KeyResult) -> m.KeyResult:
        return replace(
            key_result,
            title="",
            description=None,
            metric=after.metric,
            checkins=(),
            score_override=None,
        )

    return rest(before) == rest(after)
