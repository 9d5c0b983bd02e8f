"""``tandem import``: upsert an OKR file into the database, all or nothing.

The file is loaded and checked by :mod:`tandem.okrfile` first; then the organisation in the
database (read by :func:`~tandem.organization.selectors.organization_load`) and the file's are
compared id by id into an :class:`~tandem.organization.plan.ImportPlan`, the plan is checked
against what the file cannot know (closed cycles, the company team), and only then is anything
written, in one transaction, in batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, transaction

from tandem.core import model as m
from tandem.okrs.models import Cycle
from tandem.organization.plan import (
    ImportPlan,
    Progress,
    closed_cycle_problems,
    plan_import,
    root_problems,
)
from tandem.organization.selectors import organization_load
from tandem.organization.writer import ImportWriter

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

    Objects missing from ``org`` stay unless ``prune``. Raises :class:`ImportRefusedError` (and
    writes nothing) when the file would change a closed cycle.
    """
    with transaction.atomic():
        current = organization_load()
        closed = set(Cycle.objects.filter(state=Cycle.State.CLOSED).values_list("id", flat=True))
        plan = plan_import(current, org, prune=prune)
        problems = root_problems(current, org, plan)
        problems += closed_cycle_problems(current, org, plan, closed)
        if problems:
            raise ImportRefusedError(problems)
        if dry_run or not plan.changes:
            return plan
        try:
            ImportWriter(org, plan, source=source, today=today, progress=progress).write()
        except IntegrityError as exc:  # a rule the loader does not know; report, keep nothing
            raise ImportRefusedError([f"the database refused the data: {exc}"]) from exc
    return plan
