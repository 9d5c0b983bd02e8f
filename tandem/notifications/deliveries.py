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
from collections.abc import Iterable, Sequence
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
from tandem.notifications.preferences import EMAIL, Reader, readers_get
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
    category by e-mail, not before their quiet hours end (see :func:`emails_create_all`)."""
    return emails_create_all([(message, recipient_ids)], now=now)


def emails_create_all(sent: Sequence[tuple[MessageLike, list[str]]], *, now: datetime) -> int:
    """:func:`emails_create` for many messages at once, in a fixed number of queries per
    batch (the weekly reminders and digests send one message to each of thousands). Nobody
    without an address gets one (their preferences page says so)."""
    if not settings.TANDEM_EMAIL_ENABLED:
        return 0
    everyone = {person for _, ids in sent for person in ids}
    if not everyone:
        return 0
    readers = readers_get(everyone)
    wanting = [
        (message, reader)
        for message, ids in sent
        for person in ids
        if (reader := readers.get(person)) is not None
        and reader.email
        and reader.wants(message.category, EMAIL)
    ]
    notes = _notification_ids(wanting)
    rows = [
        Delivery(
            via=Delivery.EMAIL,
            notification_id=notes[(message.event_id, message.slot, reader.person_id)],
            address=reader.email or "",
            kind=message.kind,
            category=message.category,
            event_id=message.event_id,
            target=f"email:{reader.person_id}",
            slot=message.slot,
            created_at=now,
            next_attempt_at=reader.send_at(now),
        )
        for message, reader in wanting
        if (message.event_id, message.slot, reader.person_id) in notes
    ]
    return deliveries_insert(rows) if rows else 0


def _notification_ids(wanting: list[tuple[MessageLike, Reader]]) -> dict[tuple[str, str, str], int]:
    """The inbox rows the e-mails carry, by (event, slot, recipient): a query per 500."""
    keys = {(message.event_id, message.slot, reader.person_id) for message, reader in wanting}
    found: dict[tuple[str, str, str], int] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        rows = Notification.objects.filter(
            event_id__in={key[0] for key in chunk}, recipient_id__in={key[2] for key in chunk}
        ).values_list("event_id", "slot", "recipient_id", "id")
        found.update({(e, s, p): i for e, s, p, i in rows if (e, s, p) in keys})
    return found


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


# A person's own messages (their reminders, their digest) are not events of the organisation.
PERSONAL_CATEGORIES = frozenset({"reminder", "digest"})


def messages_webhooks_emit(messages: list[MessageLike]) -> int:
    """:func:`message_webhooks_emit` for each of ``messages`` that is an event of the
    organisation (not a person's reminder or digest): nothing at all without a webhook."""
    events = [m for m in messages if m.category not in PERSONAL_CATEGORIES]
    if not events or not Channel.objects.filter(kind=Channel.Kind.WEBHOOK).exists():
        return 0
    return sum(message_webhooks_emit(message) for message in events)


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
