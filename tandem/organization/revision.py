"""The organisation's revision: moves with every change, so caches know when to reload.

Two counters: ``value`` moves with every change, ``structure`` with every change but a new
check-in. Model saves and deletes in Tandem's apps move them through signals, in the same
transaction, so a rolled-back change moves nothing; the import, whose bulk writes send no
signals, moves them once (:func:`revision_bumped_once`).

A new check-in moves ``value`` *before* its row is inserted: the revision row's lock then
orders check-ins, so their ids grow in the order they are committed, and a cache that has
read every check-in up to some id may read just the ones above it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NamedTuple

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from tandem.organization.models import Revision

TRACKED_APPS = frozenset({"people", "okrs", "checkins", "dependencies", "organization"})
CHECKIN = "checkins.CheckIn"


class RevisionState(NamedTuple):
    value: int
    structure: int


def revision_get() -> RevisionState:
    row = Revision.objects.filter(pk=Revision.SINGLETON).values_list("value", "structure").first()
    return RevisionState(*row) if row else RevisionState(0, 0)


def revision_bump(*, structure: bool = True) -> None:
    changes: dict[str, Any] = {"value": F("value") + 1}
    if structure:
        changes["structure"] = F("structure") + 1
    if not Revision.objects.filter(pk=Revision.SINGLETON).update(**changes):
        Revision.objects.get_or_create(
            pk=Revision.SINGLETON, defaults={"value": 1, "structure": int(structure)}
        )


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
    return sender._meta.app_label in TRACKED_APPS and sender is not Revision and not _bulk.get()


def _adding(sender: Any, instance: Any, **kwargs: Any) -> None:
    if sender._meta.label == CHECKIN and instance._state.adding and _tracked(sender):
        revision_bump(structure=False)


def _saved(sender: Any, created: bool = False, **kwargs: Any) -> None:
    if _tracked(sender) and not (created and sender._meta.label == CHECKIN):
        revision_bump()


def _changed(sender: Any, **kwargs: Any) -> None:
    if _tracked(sender):
        revision_bump()


def connect() -> None:
    pre_save.connect(_adding, dispatch_uid="tandem-revision-checkin")
    post_save.connect(_saved, dispatch_uid="tandem-revision-save")
    post_delete.connect(_changed, dispatch_uid="tandem-revision-delete")
    m2m_changed.connect(_changed, dispatch_uid="tandem-revision-m2m")
