"""Planning an import: what the file creates, updates, keeps and deletes, and what it may not.

The organisation in the database and the file's are compared id by id as the core's plain data,
so planning is pure Python; only :mod:`tandem.organization.apply_plan` touches the database.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tandem.core import model as m

Progress = Callable[[str, int, int], None]
KINDS = ("people", "teams", "cycles", "objectives", "key_results", "dependencies")


@dataclass
class KindPlan:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    # The file lists this kind in another order than the database: renumber every position.
    reordered: bool = False


@dataclass
class ImportPlan:
    kinds: dict[str, KindPlan] = field(default_factory=lambda: {k: KindPlan() for k in KINDS})
    settings_changed: bool = False
    checkins_added: int = 0
    checkins_kept: int = 0
    checkins_deleted: int = 0
    # Filled while planning, used while writing.
    new_checkins: list[tuple[str, m.CheckIn]] = field(default_factory=list, repr=False)
    stale_checkins: list[tuple[str, m.CheckIn]] = field(default_factory=list, repr=False)
    deletion_levels: dict[str, list[list[str]]] = field(default_factory=dict, repr=False)
    # When the company team changes: (old, new). The new one hangs under the old one until
    # the old one is deleted or moved, as there is only ever one team without a parent.
    old_root: str | None = field(default=None, repr=False)
    new_root: str | None = field(default=None, repr=False)
    # Objectives whose key results are to be renumbered in the file's order.
    renumbered_objectives: list[str] = field(default_factory=list, repr=False)
    # Key results whose score override the file changes.
    changed_overrides: set[str] = field(default_factory=set, repr=False)
    # Check-ins the database keeps that the file does not list (without --prune).
    kept_only_in_database: dict[str, list[m.CheckIn]] = field(default_factory=dict, repr=False)

    @property
    def reorders(self) -> int:
        kinds = sum(plan.reordered for plan in self.kinds.values())
        return kinds + len(self.renumbered_objectives)

    @property
    def changes(self) -> int:
        counted = sum(len(k.created) + len(k.updated) + len(k.deleted) for k in self.kinds.values())
        total = counted + self.checkins_added + self.checkins_deleted + self.reorders
        return total + int(self.settings_changed)

    @property
    def deletions(self) -> dict[str, list[str]]:
        return {kind: plan.deleted for kind, plan in self.kinds.items() if plan.deleted}


def _comparable(kind: str, value: Any) -> Any:
    """What counts as a change: check-ins are planned separately, key results belong to
    their own kind."""
    if kind == "key_results":
        return dataclasses.replace(value, checkins=())
    if kind == "objectives":
        return dataclasses.replace(value, key_results=())
    return value


def plan_import(current: m.Organization, new: m.Organization, *, prune: bool) -> ImportPlan:
    plan = ImportPlan()
    plan.settings_changed = current.settings != new.settings or current.name != new.name
    old_root, new_root = current.root_team, new.root_team
    if old_root and new_root and old_root.id != new_root.id:
        plan.old_root, plan.new_root = old_root.id, new_root.id
    for kind in KINDS:
        old_items: dict[str, Any] = getattr(current, kind)
        new_items: dict[str, Any] = getattr(new, kind)
        kind_plan = plan.kinds[kind]
        for item_id, item in new_items.items():
            old = old_items.get(item_id)
            if old is None:
                kind_plan.created.append(item_id)
            elif _comparable(kind, old) != _comparable(kind, item):
                kind_plan.updated.append(item_id)
            else:
                kind_plan.unchanged += 1
        if prune:
            kind_plan.deleted = [item_id for item_id in old_items if item_id not in new_items]
        # Existing objects keep their places and new ones go after them, unless that is not
        # the file's order: then the whole kind is renumbered.
        if kind != "key_results":
            kept = [item_id for item_id in old_items if item_id in new_items]
            kind_plan.reordered = kept + kind_plan.created != list(new_items)
    for objective_id, objective in new.objectives.items():
        old_objective = current.objectives.get(objective_id)
        if old_objective is None:
            continue
        in_file, in_database = set(objective.key_results), set(old_objective.key_results)
        kept = [kr_id for kr_id in old_objective.key_results if kr_id in in_file]
        if kept != [kr_id for kr_id in objective.key_results if kr_id in in_database] or (
            in_file - in_database
        ):
            plan.renumbered_objectives.append(objective_id)
    _plan_checkins(plan, current, new, prune=prune)
    if prune:
        for kind in ("teams", "cycles"):
            plan.deletion_levels[kind] = _leaves_first(
                getattr(current, kind), plan.kinds[kind].deleted
            )
    plan.checkins_added = len(plan.new_checkins)
    plan.checkins_deleted = len(plan.stale_checkins)
    if prune:
        plan.checkins_deleted += sum(
            len(current.key_results[kr_id].checkins) for kr_id in plan.kinds["key_results"].deleted
        )
    return plan


def _plan_checkins(
    plan: ImportPlan, current: m.Organization, new: m.Organization, *, prune: bool
) -> None:
    """Check-ins are matched by what they say (they have no ids): new ones are appended."""
    for kr_id, kr in new.key_results.items():
        old_kr = current.key_results.get(kr_id)
        if old_kr is not None and old_kr.score_override != kr.score_override:
            plan.changed_overrides.add(kr_id)
        have = Counter(checkin_key(c) for c in old_kr.checkins) if old_kr else Counter()
        for checkin in kr.checkins:
            key = checkin_key(checkin)
            if have[key] > 0:
                have[key] -= 1
                plan.checkins_kept += 1
            else:
                plan.new_checkins.append((kr_id, checkin))
        if old_kr:
            # What is left in ``have`` is in the database but not in the file.
            for checkin in old_kr.checkins:
                key = checkin_key(checkin)
                if have[key] > 0:
                    have[key] -= 1
                    if prune:
                        plan.stale_checkins.append((kr_id, checkin))
                    else:
                        plan.kept_only_in_database.setdefault(kr_id, []).append(checkin)


def _leaves_first(tree: dict[str, Any], ids: list[str]) -> list[list[str]]:
    """``ids`` grouped by depth in ``tree`` (items with a ``parent``), deepest first."""

    def depth(item_id: str) -> int:
        seen = 0
        parent = tree[item_id].parent
        while parent is not None and parent in tree and seen < len(tree):
            seen += 1
            parent = tree[parent].parent
        return seen

    levels: dict[int, list[str]] = {}
    for item_id in ids:
        levels.setdefault(depth(item_id), []).append(item_id)
    return [levels[d] for d in sorted(levels, reverse=True)]


def checkin_key(checkin: m.CheckIn) -> tuple[Any, ...]:
    """Two check-ins are the same entry when they say the same thing on the same day.

    Numbers compare by value (PostgreSQL's JSON may hand 1e21 back as an integer).
    """
    value = checkin.value
    number = None if value is None or isinstance(value, bool) else float(value)
    flag = value if isinstance(value, bool) else None
    return (checkin.date, number, flag, checkin.confidence, checkin.note, checkin.by)


def merged_organization(
    current: m.Organization, new: m.Organization, plan: ImportPlan, *, prune: bool
) -> m.Organization | None:
    """What the database will hold after the import, or None when that is exactly ``new``.

    Without --prune the database keeps what the file leaves out; the result must still be a
    valid organisation (an export of it must load), so the caller checks it.
    """
    extra = not prune and any(
        any(item_id not in getattr(new, kind) for item_id in getattr(current, kind))
        for kind in KINDS
    )
    if not extra and not plan.kept_only_in_database:
        return None
    sections: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        merged: dict[str, Any] = dict(getattr(current, kind))
        merged.update(getattr(new, kind))
        sections[kind] = merged
    key_results = sections["key_results"]
    for kr_id, kept in plan.kept_only_in_database.items():
        kr = key_results[kr_id]
        checkins = sorted((*kr.checkins, *kept), key=lambda c: c.date)
        key_results[kr_id] = dataclasses.replace(kr, checkins=tuple(checkins))
    by_objective: dict[str, list[str]] = {}
    for kr in key_results.values():
        by_objective.setdefault(kr.objective, []).append(kr.id)
    sections["objectives"] = {
        oid: dataclasses.replace(o, key_results=tuple(by_objective.get(oid, ())))
        for oid, o in sections["objectives"].items()
    }
    changes: dict[str, Any] = sections
    return dataclasses.replace(new, **changes)


def closed_cycle_problems(
    current: m.Organization, new: m.Organization, plan: ImportPlan, closed: set[str]
) -> list[str]:
    """A closed cycle is read-only except for grading: list every change the file makes to one."""
    if not closed:
        return []
    problems: list[str] = []

    def cycle_of(objective_id: str) -> str | None:
        found = current.objectives.get(objective_id) or new.objectives.get(objective_id)
        return found.cycle if found else None

    def kr_cycles(kr_id: str) -> set[str]:
        """The cycles of a key result before and after the import (it may move)."""
        found = set()
        for org in (current, new):
            kr = org.key_results.get(kr_id)
            objective = org.objectives.get(kr.objective) if kr else None
            if objective is not None:
                found.add(objective.cycle)
        return found

    def refuse(what: str, item_id: str, cycle_id: str, change: str) -> None:
        problems.append(
            f"{item_id}: {change} {what} of cycle '{cycle_id}', which is closed; closed "
            "cycles are read-only except for score overrides (reopen the cycle in the "
            "admin first)"
        )

    cycles = plan.kinds["cycles"]
    for cycle_id in cycles.updated + cycles.deleted:
        if cycle_id in closed:
            refuse("the dates or parent", cycle_id, cycle_id, "changes")
    objectives = plan.kinds["objectives"]
    for change, ids in (
        ("adds", objectives.created),
        ("changes", objectives.updated),
        ("deletes", objectives.deleted),
    ):
        for objective_id in ids:
            in_closed = {cycle_of(objective_id)}
            if objective_id in current.objectives and objective_id in new.objectives:
                in_closed.add(new.objectives[objective_id].cycle)
            for cycle_id in sorted(c for c in in_closed if c in closed):
                refuse("an objective", objective_id, cycle_id, change)
    key_results = plan.kinds["key_results"]
    for change, ids in (
        ("adds", key_results.created),
        ("changes", key_results.updated),
        ("deletes", key_results.deleted),
    ):
        for kr_id in ids:
            kr = new.key_results.get(kr_id) or current.key_results[kr_id]
            old = current.key_results.get(kr_id)
            if change == "changes" and old is not None and _grading_only(old, kr):
                continue
            for kr_cycle in sorted(kr_cycles(kr_id) & closed):
                refuse("a key result", kr_id, kr_cycle, change)
    for label, checkins in (
        ("adds check-ins to", plan.new_checkins),
        ("deletes check-ins of", plan.stale_checkins),
    ):
        for kr_id in dict.fromkeys(kr_id for kr_id, _ in checkins):
            kr = new.key_results.get(kr_id) or current.key_results[kr_id]
            checkin_cycle = cycle_of(kr.objective)
            if checkin_cycle is not None and checkin_cycle in closed:
                refuse("a key result", kr_id, checkin_cycle, label)
    dependencies = plan.kinds["dependencies"]
    for change, ids in (
        ("adds", dependencies.created),
        ("changes", dependencies.updated),
        ("deletes", dependencies.deleted),
    ):
        for dep_id in ids:
            needers = {
                dep.from_id for org in (current, new) if (dep := org.dependencies.get(dep_id))
            }
            dep_cycles: set[str] = set()
            for needer in needers:
                dep_cycles |= (
                    kr_cycles(needer)
                    if needer in current.key_results or (needer in new.key_results)
                    else {c for c in (cycle_of(needer),) if c}
                )
            for dep_cycle in sorted(dep_cycles & closed):
                refuse("a dependency", dep_id, dep_cycle, change)
    return problems


def root_problems(current: m.Organization, new: m.Organization, plan: ImportPlan) -> list[str]:
    old_root, new_root = current.root_team, new.root_team
    if old_root is None or new_root is None or old_root.id == new_root.id:
        return []
    if old_root.id in plan.kinds["teams"].deleted:
        return []
    moved = new.teams.get(old_root.id)
    if moved is not None and moved.parent is not None:
        return []
    return [
        f"{new_root.id}: the file's company team (the team without a parent) is '{new_root.id}' "
        f"but the database's is '{old_root.id}'; give '{old_root.id}' a parent in the file, or "
        "import with --prune to remove it"
    ]


def _grading_only(old: m.KeyResult, new: m.KeyResult) -> bool:
    return dataclasses.replace(old, score_override=None, checkins=()) == dataclasses.replace(
        new, score_override=None, checkins=()
    )
