"""``tandem import``: upsert an OKR file into the database, all or nothing.

The file is loaded and checked by :mod:`tandem.okrfile` first; then the organisation in the
database (read by :func:`~tandem.organization.selectors.organization_load`) and the file's are
compared id by id into an :class:`~tandem.organization.plan.ImportPlan`, the plan is checked
against what the file cannot know (closed cycles, the company team), and only then is anything
written, in one transaction, in batches.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from django.db import DatabaseError, transaction

from tandem.core import model as m
from tandem.okrfile import OkrFileError, load_text
from tandem.okrfile.dump import to_document, write_yaml
from tandem.okrs.models import KeyResult, Objective
from tandem.okrs.selectors import closed_cycles_get
from tandem.organization.apply_plan import ImportWriter
from tandem.organization.plan import (
    ImportPlan,
    Progress,
    closed_cycle_problems,
    merged_organization,
    plan_import,
    root_problems,
)
from tandem.organization.revision import revision_bumped_once
from tandem.organization.selectors import organization_load

__all__ = ["ImportPlan", "ImportRefusedError", "organization_import"]


class ImportRefusedError(Exception):
    """The file cannot be imported as it is; ``problems`` says every reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = list(problems)


def organization_import(
    *,
    org: m.Organization,
    source: str,
    today: date,
    prune: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportPlan:
    """Bring the database in line with ``org``; with ``dry_run`` only say what would change.

    Objects missing from ``org`` stay unless ``prune``. Archived objectives and key results
    that ``org`` has are restored (and counted as updated). Raises
    :class:`ImportRefusedError` (and writes nothing) when the file would change a closed cycle.
    """
    with transaction.atomic():
        current = organization_load()
        closed = set(closed_cycles_get())
        plan = plan_import(current, org, prune=prune)
        archived = _archived_in(org)
        problems = root_problems(current, org, plan)
        problems += closed_cycle_problems(current, org, plan, closed)
        problems += _restore_problems(current, org, archived, closed)
        problems += _merged_problems(merged_organization(current, org, plan, prune=prune))
        if problems:
            raise ImportRefusedError(problems)
        _plan_restores(plan, archived)
        if dry_run or not plan.changes:
            return plan
        try:
            # A savepoint (PostgreSQL needs one to report and go on), one revision for it all.
            with transaction.atomic(), revision_bumped_once():
                ImportWriter(org, plan, source=source, today=today, progress=progress).write()
        except DatabaseError as exc:  # a rule the loader does not know; report, keep nothing
            raise ImportRefusedError([f"the database refused the data: {exc}"]) from exc
    return plan


def _merged_problems(merged: m.Organization | None) -> list[str]:
    """Problems of what the database would hold, when it keeps more than the file has."""
    if merged is None:
        return []
    buffer = io.StringIO()
    write_yaml(to_document(merged), buffer)
    try:
        load_text(buffer.getvalue(), filename="the database after this import")
    except OkrFileError as exc:
        return [
            f"{problem.id or 'the organisation'}: after this import: {problem.message} (the "
            "database keeps what the file leaves out; add it to the file, or import with "
            "--prune to remove it)"
            for problem in exc.problems
        ]
    return []


_ARCHIVABLE = (("objectives", Objective, "objective"), ("key_results", KeyResult, "key result"))


def _archived_in(org: m.Organization) -> dict[str, list[str]]:
    """By kind, the ids of ``org`` that are archived in the database (reading only those)."""
    found: dict[str, list[str]] = {}
    for kind, model, _what in _ARCHIVABLE:
        in_file = getattr(org, kind)
        archived = model._default_manager.filter(archived_at__isnull=False)
        found[kind] = [i for i in archived.values_list("id", flat=True) if i in in_file]
    return found


def _restore_problems(
    current: m.Organization,
    new: m.Organization,
    archived: dict[str, list[str]],
    closed: set[str],
) -> list[str]:
    """Restoring is a change: not in a closed cycle."""
    problems = []
    for kind, _model, what in _ARCHIVABLE:
        for item_id in archived[kind]:
            # Its cycle before and after the import (it may move).
            cycles = {
                objective.cycle
                for org in (current, new)
                if (objective := _objective_of(org, kind, item_id)) is not None
            }
            problems += [
                f"{item_id}: restores an archived {what} of cycle '{cycle_id}', which is closed; "
                "leave it out of the file to keep it archived, or reopen the cycle in the admin "
                "first"
                for cycle_id in sorted(cycles & closed)
            ]
    return problems


def _objective_of(org: m.Organization, kind: str, item_id: str) -> m.Objective | None:
    if kind == "objectives":
        return org.objectives.get(item_id)
    key_result = org.key_results.get(item_id)
    return org.objectives.get(key_result.objective) if key_result is not None else None


def _plan_restores(plan: ImportPlan, archived: dict[str, list[str]]) -> None:
    """An archived object the file has is updated, which takes it out of the archive (the
    writer leaves ``archived_at`` empty), even when the file says what the database has."""
    for kind, ids in archived.items():
        kind_plan = plan.kinds[kind]
        planned = set(kind_plan.created) | set(kind_plan.updated)
        for item_id in ids:
            if item_id not in planned:
                kind_plan.updated.append(item_id)
                kind_plan.unchanged -= 1
