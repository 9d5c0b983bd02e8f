"""Sending what the notifications put in the delivery log (tandem.notifications.sending).

- ``deliveries-send`` is queued once the deliveries made by a change are committed: it sends
  every due delivery, batch after batch, so a burst of messages is taken by a few runs.
- ``deliveries-sweep`` runs every TANDEM_DELIVERY_SWEEP_SECONDS: it queues the organisation's
  changes for the outbound webhooks, then sends what has come due since (retries, the end of
  someone's quiet hours, deliveries whose sender vanished).

Both make their own short transactions (``atomic=False``): a send must not hold the
database's write lock while it waits on a server. Two running at once is harmless: each
delivery is claimed by one sender.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings

from tandem.jobs.registry import job
from tandem.jobs.runner import enqueue
from tandem.notifications.changes import webhook_changes_emit
from tandem.notifications.deliveries import deliveries_created
from tandem.notifications.models import Delivery
from tandem.notifications.sending import deliveries_send_due

SEND = "deliveries-send"
SWEEP = "deliveries-sweep"


@job(SEND, retries=2, atomic=False)
def send(key: str) -> None:
    deliveries_send_due()


@job(
    SWEEP, every=timedelta(seconds=settings.TANDEM_DELIVERY_SWEEP_SECONDS), retries=1, atomic=False
)
def sweep(slot: str) -> None:
    webhook_changes_emit()
    deliveries_send_due()


def _queue_sending(*, key: str, **_: Any) -> None:
    enqueue(SEND, key)


deliveries_created.connect(_queue_sending, sender=Delivery, dispatch_uid="tandem.jobs.deliveries")
