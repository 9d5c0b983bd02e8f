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

from dataclasses import dataclass, replace
from enum import Enum

from django.db import connection

from tandem.core import model as m
from tandem.core.visibility import without_archived
from tandem.okrs.models import KeyResult
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


def _ids(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def organization_patched(
    whole: LoadedOrganization, current: m.Organization, changes: Changes
) -> Patched | None:
    """``whole`` (the organisation with what was archived) and ``current`` (its plan) with the
    objects of ``changes`` read again; None when the database holds what the log does not
    explain (read everything then)."""
    org = whole.organization
    if not (changes.objectives or changes.key_results or changes.dependencies):
        return Patched(whole, current, Reach.TEXTS)  # nothing the plan holds
    objective_ids = set(changes.objectives)
    for key_result_id in changes.key_results:  # the objective it was in, and the one it is in
        if key_result_id in org.key_results:
            objective_ids.add(org.key_results[key_result_id].objective)
    objective_ids.update(
        KeyResult.objects.filter(id__in=changes.key_results).values_list("objective", flat=True)
    )
    part = organization_part_load(org.cycles, objective_ids, changes.dependencies)
    fresh = part.organization
    old_key_results = {
        k for o in objective_ids if o in org.objectives for k in org.objectives[o].key_results
    }
    objectives = {**org.objectives, **fresh.objectives}
    key_results = {**org.key_results, **fresh.key_results}
    dependencies = {**org.dependencies, **fresh.dependencies}
    for gone in objective_ids - fresh.objectives.keys():
        objectives.pop(gone, None)
    for gone in old_key_results - fresh.key_results.keys():
        key_results.pop(gone, None)
    for gone in changes.dependencies - fresh.dependencies.keys():
        dependencies.pop(gone, None)
    # In the order a full read gives (two small queries of ids).
    objective_order = _ids("SELECT id FROM okrs_objective ORDER BY position, id")
    dependency_order = _ids("SELECT id FROM dependencies_dependency ORDER BY position, id")
    if len(objective_order) != len(objectives) or len(dependency_order) != len(dependencies):
        return None
    try:
        objectives = {o: objectives[o] for o in objective_order}
        dependencies = {d: dependencies[d] for d in dependency_order}
    except KeyError:
        return None
    key_results = {k: key_results[k] for o in objectives.values() for k in o.key_results}
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
    return Patched(patched, new, reach, moved)


_NO_TEXT = {"title": "", "description": None}


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
        if before != after and (
            before is None or after is None or replace(before, need="") != replace(after, need="")
        ):
            return Reach.EVERYTHING, frozenset()
    moved = set()
    for objective_id in objective_ids:
        before_objective, after_objective = (
            old.objectives.get(objective_id),
            new.objectives.get(objective_id),
        )
        if before_objective is None or after_objective is None:
            continue  # archived both before and after (the lists are the same)
        if replace(before_objective, **_NO_TEXT) != replace(after_objective, **_NO_TEXT):
            return Reach.EVERYTHING, frozenset()
        for key_result_id in after_objective.key_results:
            before, after = old.key_results[key_result_id], new.key_results[key_result_id]
            if replace(before, **_NO_TEXT) == replace(after, **_NO_TEXT):
                continue
            if not _numbers_only(before, after):
                return Reach.EVERYTHING, frozenset()
            moved.add(key_result_id)
    return (Reach.KEY_RESULTS if moved else Reach.TEXTS), frozenset(moved)


def _numbers_only(before: m.KeyResult, after: m.KeyResult) -> bool:
    """Whether only the metric's numbers (of the same form, not a roll-up), the check-ins or
    the grade differ: what a check-in moves, which re-evaluating the key result covers."""
    if type(before.metric) is not type(after.metric) or isinstance(after.metric, m.RollupMetric):
        return False
    same = {"metric": after.metric, "checkins": after.checkins}
    same |= {"score_override": after.score_override, **_NO_TEXT}
    return replace(before, **same) == replace(after, **same)
