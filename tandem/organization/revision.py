"""The organisation's revision: moves with every change, so caches know when to reload.

Model saves and deletes in Tandem's apps bump it through signals (in the same transaction, so
a rolled-back change bumps nothing); bulk writes that bypass signals (the import) call
:func:`revision_bump` themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from tandem.organization.models import Revision

TRACKED_APPS = frozenset({"people", "okrs", "checkins", "dependencies", "organization"})


def revision_get() -> int:
    value = Revision.objects.filter(pk=Revision.SINGLETON).values_list("value", flat=True).first()
    return value or 0


def revision_bump() -> None:
    if not Revision.objects.filter(pk=Revision.SINGLETON).update(value=F("value") + 1):
        Revision.objects.get_or_create(pk=Revision.SINGLETON, defaults={"value": 1})


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


def _changed(sender: Any, **kwargs: Any) -> None:
    if sender._meta.app_label in TRACKED_APPS and sender is not Revision and not _bulk.get():
        revision_bump()


def connect() -> None:
    post_save.connect(_changed, dispatch_uid="tandem-revision-save")
    post_delete.connect(_changed, dispatch_uid="tandem-revision-delete")
    m2m_changed.connect(_changed, dispatch_uid="tandem-revision-m2m")
