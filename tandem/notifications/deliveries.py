"""Making deliveries: e-mails for the recipients who want them, posts to a team's channels,
events to the organisation's webhooks. Each is written once per idempotency key (event,
target, slot) in the caller's transaction; once it commits, :data:`deliveries_created`
tells the background jobs, which send them (:mod:`tandem.notifications.sending`).

Who may hear what: an e-mail copies an inbox notification (its recipients were chosen by the
one policy); a team channel gets only messages about objectives every member of the team may
see (the strictest reading: anyone in the channel may read it); an outbound webhook gets only
events about public objectives (it leaves Tandem for a system whose readers Tandem cannot
know; an integration that needs more reads the API with a token of its own).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from tandem.access.policy import requesting_objective
from tandem.dependencies.models import Dependency
from tandem.notifications.channels.content import MessageLike, message_data
from tandem.notifications.models import Channel, Delivery, Notification
from tandem.notifications.preferences import EMAIL, readers_get
from tandem.notifications.recipients import who_may_see
from tandem.okrs.models import KeyResult, Objective
from tandem.people.models import Membership, Team

# Sent once the deliveries made in a transaction are committed (``key``: a fresh id for the
# sending job's run); tandem.jobs.deliveries queues their sending.
deliveries_created = Signal()


def _tell_jobs() -> None:
    deliveries_created.send(sender=Delivery, key=uuid.uuid4().hex)


def _created(rows: list[Delivery]) -> None:
    """Tell the jobs once the caller's transaction commits (nothing, if it rolls back), once
    however many deliveries it made: Django keeps the callbacks still to run on the
    connection (dropping those of a savepoint rolled back), so one there already will do."""
    if not rows:
        return
    pending = getattr(transaction.get_connection(), "run_on_commit", [])
    if not any(callback is _tell_jobs for _sids, callback, *_ in pending):
        transaction.on_commit(_tell_jobs)


def emails_create(message: MessageLike, recipient_ids: list[str], *, now: datetime) -> int:
    """An e-mail delivery of ``message``'s notification for each recipient who wants this
    category by e-mail, not before their quiet hours end. Nobody without an address gets
    one (their preferences page says so)."""
    if not settings.TANDEM_EMAIL_ENABLED or not recipient_ids:
        return 0
    readers = readers_get(recipient_ids)
    wanting = [r for r in readers.values() if r.email and r.wants(message.category, EMAIL)]
    if not wanting:
        return 0
    notes = dict(
        Notification.objects.filter(
            event_id=message.event_id,
            slot=message.slot,
            recipient_id__in=[r.person_id for r in wanting],
        ).values_list("recipient_id", "id")
    )
    rows = [
        Delivery(
            via=Delivery.EMAIL,
            notification_id=notes[reader.person_id],
            address=reader.email or "",
            kind=message.kind,
            category=message.category,
            event_id=message.event_id,
            target=f"email:{reader.person_id}",
            slot=message.slot,
            created_at=now,
            next_attempt_at=reader.send_at(now),
        )
        for reader in wanting
        if reader.person_id in notes
    ]
    return deliveries_insert(rows)


def deliveries_insert(rows: list[Delivery]) -> int:
    """Write the deliveries not made already (the key decides), and tell the jobs."""
    made = Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    _created(made)
    return len(made)


def team_may_see_all(team_id: str, objective_ids: Iterable[str]) -> bool:
    """Whether every member of the team (its lead included) may see every objective."""
    people = [
        Team.objects.filter(pk=team_id).values_list("lead_id", flat=True).first(),
        *Membership.objects.filter(team_id=team_id).values_list("person_id", flat=True),
    ]
    members = [p for p in dict.fromkeys(people) if p is not None]
    return all(len(who_may_see(members, objective)) == len(members) for objective in objective_ids)


def channels_post(team_id: str, message: MessageLike, *, objective_ids: Iterable[str] = ()) -> int:
    """Post ``message`` to the team's Slack and Teams channels that carry its category. It
    tells of ``objective_ids`` (every objective it names): unless every member of the team
    may see each of them, it is posted nowhere. How many posts were offered (one already
    made for the same key adds nothing)."""
    channels = list(Channel.objects.filter(team_id=team_id).exclude(kind=Channel.Kind.WEBHOOK))
    carrying = [c for c in channels if message.category in c.categories]
    if not carrying or not team_may_see_all(team_id, list(objective_ids)):
        return 0
    data = message_data(message)
    return deliveries_insert(
        [
            channel_row(
                channel,
                message.event_id,
                message.slot,
                kind=message.kind,
                category=message.category,
                payload=data,
            )
            for channel in carrying
        ]
    )


def channel_row(
    channel: Channel, event_id: str, slot: str, *, kind: str, category: str, payload: dict[str, Any]
) -> Delivery:
    now = timezone.now()
    return Delivery(
        via=Delivery.CHANNEL,
        channel=channel,
        kind=kind,
        category=category,
        payload=payload,
        event_id=event_id,
        target=f"channel:{channel.pk}",
        slot=slot,
        created_at=now,
        next_attempt_at=now,
    )


def webhooks_emit(
    event_type: str, event_id: str, data: dict[str, Any], *, category: str, slot: str = ""
) -> int:
    """An event to every outbound webhook: ``{"id", "type", "created_at", "data"}``."""
    webhooks = list(Channel.objects.filter(kind=Channel.Kind.WEBHOOK))
    if not webhooks:
        return 0
    full_id = f"{event_id}/{slot}" if slot else event_id
    event = {
        "id": full_id,
        "type": event_type,
        "created_at": timezone.now().isoformat(),
        "data": data,
    }
    rows = [
        channel_row(hook, event_id, slot, kind=event_type, category=category, payload=event)
        for hook in webhooks
    ]
    return deliveries_insert(rows)


def public_objective(object_kind: str, object_id: str) -> str | None:
    """The objective an object belongs to when it is public (else None)."""
    objective_id: str | None = None
    if object_kind == "objective":
        objective_id = object_id
    elif object_kind == "key_result":
        objective_id = (
            KeyResult.objects.filter(pk=object_id).values_list("objective_id", flat=True).first()
        )
    elif object_kind == "dependency":
        found = (
            Dependency.objects.filter(pk=object_id)
            .select_related("from_key_result", "from_objective")
            .first()
        )
        objective_id = requesting_objective(found).pk if found is not None else None
    if objective_id is None:
        return None
    public = Objective.objects.filter(pk=objective_id, visibility=Objective.Visibility.PUBLIC)
    return objective_id if public.exists() else None


def message_webhooks_emit(message: MessageLike) -> int:
    """A notification-worthy event (a message about an objective, a key result or a
    dependency) to the webhooks, when what it is about is public."""
    if not Channel.objects.filter(kind=Channel.Kind.WEBHOOK).exists():
        return 0
    if public_objective(message.object_kind, message.object_id) is None:
        return 0
    data = message_data(message)
    return webhooks_emit(
        message.kind.replace("_", ".", 1),
        message.event_id,
        data,
        category=message.category,
        slot=message.slot,
    )
