"""The alerts' jobs (:mod:`tandem.notifications.alerts`): thin entry points.

- ``dependency-followups`` and ``cycle-alerts``, daily: what the calendar brings;
- ``risk-sweep``, every ``TANDEM_NOTIFY_RISK_SWEEP_SECONDS`` and, with
  ``TANDEM_NOTIFY_RISK_ON_CHANGE``, after each committed change: a committed transaction that
  saved or deleted a row of the plan, its check-ins or requests queues one sweep, keyed by
  the organisation's revision it sees, so each change is swept once however many rows it
  wrote and however many workers run. Changes to people and teams alone queue none: no key
  result's health depends on them (an identity provider creating 10,000 people by SCIM would
  otherwise queue 10,000 sweeps of the whole organisation).

Each job's messages are once only by their event ids and slots: a second run of the same
slot, a retry or a second scheduler adds nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from tandem.checkins.models import CheckIn
from tandem.checkins.signals import checkin_recorded
from tandem.clock import today
from tandem.jobs.registry import job
from tandem.jobs.runner import enqueue
from tandem.notifications.alerts.cycles import cycle_alerts_send
from tandem.notifications.alerts.followups import dependency_followups_send
from tandem.notifications.alerts.risk import risk_sweep
from tandem.organization.revision import TRACKED_APPS, UNTRACKED, revision_get

log = logging.getLogger(__name__)

FOLLOWUPS = "dependency-followups"
CYCLES = "cycle-alerts"
RISK = "risk-sweep"
DAY = timedelta(days=1)
# What a key result's health depends on: the plan, its check-ins, its requests, the settings.
RISK_APPS = TRACKED_APPS - {"people"}


@job(FOLLOWUPS, every=DAY)
def dependency_followups(slot: str) -> None:
    """Requests due soon, overdue and unanswered, as of today (TANDEM_TODAY respected)."""
    dependency_followups_send(today())


@job(CYCLES, every=DAY)
def cycle_alerts(slot: str) -> None:
    """Cycles starting soon without a team's objectives, and cycles ended and not closed."""
    cycle_alerts_send(today())


@job(RISK, every=timedelta(seconds=settings.TANDEM_NOTIFY_RISK_SWEEP_SECONDS), retries=2)
def risk_alerts(slot: str) -> None:
    """Key results whose health a dependency has changed since their people were told."""
    risk_sweep(today())


def _sweep_after_commit() -> None:
    revision = revision_get()
    enqueue(RISK, f"change-{revision.value}-{revision.checkin}")


def _changed(sender: Any, **kwargs: Any) -> None:
    """Queue a sweep once the transaction that changed the plan commits (once per
    transaction: a service writing ten rows queues one)."""
    if sender._meta.app_label not in RISK_APPS or not settings.TANDEM_NOTIFY_RISK_ON_CHANGE:
        return
    if sender in UNTRACKED:  # the counters a change moves, an import's progress: no change
        return
    if sender is CheckIn and kwargs.get("created"):  # new ones: _checkin_recorded
        return
    connection = transaction.get_connection()
    pending = getattr(connection, "run_on_commit", [])
    if any(entry[1] is _sweep_after_commit for entry in pending):
        return
    transaction.on_commit(_sweep_after_commit, robust=True)


def _checkin_recorded(**_: Any) -> None:
    """A new check-in, committed (alone on PostgreSQL, a plain INSERT no model signal hears)."""
    if settings.TANDEM_NOTIFY_RISK_ON_CHANGE:
        _sweep_after_commit()


def connect() -> None:
    checkin_recorded.connect(_checkin_recorded, dispatch_uid="tandem-alerts-risk-checkin")
    post_save.connect(_changed, dispatch_uid="tandem-alerts-risk-save")
    post_delete.connect(_changed, dispatch_uid="tandem-alerts-risk-delete")
