"""The organisation's revision: moves with every change, so caches know when to reload.

Three parts. ``value`` and ``structure``, two counters in the one ``Revision`` row, move with
every change but a new check-in; ``checkin`` is the newest check-in's id. Model saves and
deletes in Tandem's apps move the counters through signals, in the same transaction, so a
rolled-back change moves nothing; the import, whose bulk writes send no signals, moves them
once (:func:`revision_bumped_once`).

Each move of ``structure`` is logged in the same transaction as a
:class:`~tandem.organization.models.Change` naming what moved it (an objective, a key result,
a dependency, nothing the plan holds, or "read everything"), so that caches re-read only
that (:mod:`tandem.organization.changes`).

A new check-in moves only ``checkin``, by being inserted: it writes to no shared row, so
check-ins do not queue on one row's lock until their commit. Their ids are taken in one
order and committed in another, though, so a cache that has read every check-in up to some
id must know that no check-in below it is still to be committed before it moves on. On
PostgreSQL a check-in's transaction holds a shared advisory lock from before its id is
taken until it ends (a pre-save signal takes it; ``checkin_record`` alone writes the lock and
the row in one statement), and :func:`checkins_settle` waits for the exclusive one: every id
taken before it is then committed or gone. On SQLite writers take turns (``BEGIN IMMEDIATE``), so
ids are committed in order. A check-in saved outside a transaction on PostgreSQL (no lock can
cover it) moves ``structure`` once committed, so caches read everything again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NamedTuple

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from tandem.locks import CHECKINS_LOCK
from tandem.organization.models import Change, ImportRun, Revision

TRACKED_APPS = frozenset({"people", "okrs", "checkins", "dependencies", "organization"})
# Rows of those apps that are no part of the organisation's plan: the counters themselves, and
# the page's import runs (their progress is written many times while an import runs).
UNTRACKED = (Revision, Change, ImportRun)
CHECKIN = "checkins.CheckIn"


class RevisionState(NamedTuple):
    value: int
    structure: int
    # The newest check-in's id (0 before the first).
    checkin: int = 0


def _revision_sql() -> str:
    qn = connection.ops.quote_name
    revision = qn(Revision._meta.db_table)
    checkins = qn(apps.get_model(CHECKIN)._meta.db_table)
    return (
        f"SELECT (SELECT value FROM {revision} WHERE id = %s), "  # noqa: S608 (names only)
        f"(SELECT structure FROM {revision} WHERE id = %s), "
        f"(SELECT MAX(id) FROM {checkins})"
    )


def revision_get() -> RevisionState:
    # One statement in plain SQL: every request asks, and compiling ORM queries cost more
    # than running them. The newest id is the primary key's last entry.
    with connection.cursor() as cursor:
        cursor.execute(_revision_sql(), [Revision.SINGLETON, Revision.SINGLETON])
        value, structure, checkin = cursor.fetchone()
    return RevisionState(int(value or 0), int(structure or 0), int(checkin or 0))


def revision_bump(*, structure: bool = True, kind: str = Change.ALL, object_id: str = "") -> None:
    """Move the counters (``structure`` too unless told not to); a move of ``structure`` is
    logged as a :class:`Change` of ``kind`` (by default: read everything)."""
    changes = "value = value + 1" + (", structure = structure + 1" if structure else "")
    table = connection.ops.quote_name(Revision._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {changes} WHERE id = %s RETURNING structure",  # noqa: S608
            [Revision.SINGLETON],
        )
        row = cursor.fetchone()
    if row is None:
        Revision.objects.get_or_create(
            pk=Revision.SINGLETON, defaults={"value": 1, "structure": int(structure)}
        )
        row = (int(structure),)
    if structure:
        _log(int(row[0]), kind, object_id)


def _log(revision: int, kind: str, object_id: str) -> None:
    Change.objects.create(revision=revision, kind=kind, object_id=object_id)
    if revision % 256 == 0:  # now and then, forget what no cache can still need
        Change.objects.filter(revision__lte=revision - Change.KEPT).delete()


def checkins_settle() -> None:
    """Wait until the check-ins being written when this is called are committed or gone.

    After it, every check-in whose id is at most the ``checkin`` of a :func:`revision_get`
    made before it can be read. Writers that start meanwhile wait for it (a moment: it takes
    the lock and gives it back at once).
    """
    if connection.vendor != "postgresql":
        return  # SQLite: writers take turns, ids are committed in order
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [CHECKINS_LOCK])
        cursor.execute("SELECT pg_advisory_unlock(%s)", [CHECKINS_LOCK])


# Set while a bulk write (the import) runs: it bumps once at the end instead of once per row.
_bulk = ContextVar("tandem_revision_bulk", default=False)


@contextmanager
def revision_bumped_once() -> Iterator[None]:
    """Bump the revision once for everything done inside (signals are ignored meanwhile)."""
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)
    revision_bump()


def _tracked(sender: Any) -> bool:
    return sender._meta.app_label in TRACKED_APPS and sender not in UNTRACKED and not _bulk.get()


# What a saved row of each model changes in the organisation's plan, for the change log: the
# object a cache re-reads (from the row's fields), or nothing. Rows of other models, and
# deletions of objectives and key results (whose SET_NULL updates send no signals), are
# logged as "read everything".
_PATCHABLE = {
    "okrs.Objective": (Change.OBJECTIVE, "id"),
    "okrs.UmbrellaTeam": (Change.OBJECTIVE, "objective_id"),
    "okrs.KeyResult": (Change.KEY_RESULT, "id"),
    "okrs.Contributor": (Change.KEY_RESULT, "key_result_id"),
    "okrs.Milestone": (Change.KEY_RESULT, "key_result_id"),
    CHECKIN: (Change.KEY_RESULT, "key_result_id"),
    "dependencies.Dependency": (Change.DEPENDENCY, "id"),
}
_NOT_IN_PLAN = frozenset(
    {"okrs.Activity", "okrs.Reflection", "checkins.CheckInRevision", "dependencies.DependencyEvent"}
)


def _bump_for(sender: Any, instance: Any, *, deleted: bool = False) -> None:
    label = sender._meta.label
    if label in _NOT_IN_PLAN:
        revision_bump(kind=Change.NONE)
    elif label in _PATCHABLE and not (deleted and label in ("okrs.Objective", "okrs.KeyResult")):
        kind, field = _PATCHABLE[label]
        revision_bump(kind=kind, object_id=str(getattr(instance, field)))
    else:
        revision_bump()


def _locks_checkins(using: str | None) -> bool:
    """Whether a check-in saved now is covered by the shared lock (PostgreSQL, in a
    transaction); False where none is needed (SQLite) or none can be held (autocommit)."""
    db = connections[using or DEFAULT_DB_ALIAS]
    return db.vendor == "postgresql" and db.in_atomic_block


def _adding(sender: Any, instance: Any, using: str | None = None, **kwargs: Any) -> None:
    if (
        sender._meta.label == CHECKIN
        and instance._state.adding
        and _tracked(sender)
        and _locks_checkins(using)
    ):
        # Before the id is taken; held until the transaction ends.
        with connections[using or DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [CHECKINS_LOCK])


def _saved(
    sender: Any, instance: Any, created: bool = False, using: str | None = None, **kwargs: Any
) -> None:
    if not _tracked(sender):
        return
    if created and sender._meta.label == CHECKIN:
        db = connections[using or DEFAULT_DB_ALIAS]
        if db.vendor == "postgresql" and not db.in_atomic_block:
            revision_bump()  # committed already, uncovered by the lock: read everything again
        return
    _bump_for(sender, instance)


def _deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if _tracked(sender):
        _bump_for(sender, instance, deleted=True)


def _changed(sender: Any, **kwargs: Any) -> None:
    if _tracked(sender):
        revision_bump()


def connect() -> None:
    pre_save.connect(_adding, dispatch_uid="tandem-revision-checkin")
    post_save.connect(_saved, dispatch_uid="tandem-revision-save")
    post_delete.connect(_deleted, dispatch_uid="tandem-revision-delete")
    m2m_changed.connect(_changed, dispatch_uid="tandem-revision-m2m")
