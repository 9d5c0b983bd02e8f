"""Every change in the organisation, as events to the outbound webhooks.

Read from the organisation's change log (:class:`tandem.organization.models.Change`: one row
per change of the plan, written in the change's own transaction) and from the check-ins (new
ones do not move the log), after what each webhook was told last. Why the log rather than
model signals: it holds only committed changes, in the order they were made, already
grouped the way readers re-read them (an objective, a key result, a dependency, or
"everything": people, teams, cycles, settings, an import, which sends no signals); reading
it in the background adds nothing to the writes.

Each event names what changed, not its content (``organization.changed`` with the revision
and the object; the receiver reads it with the API); ``checkin.recorded`` carries the new
check-in. Objects of objectives that are not public are left out (see
:mod:`tandem.notifications.deliveries`); the log keeps the last 4,096 revisions, and a
webhook further behind gets ``organization.resync`` (read everything again).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tandem.checkins.models import CheckIn
from tandem.notifications.deliveries import channel_row, deliveries_insert, public_objective
from tandem.notifications.models import Category, Channel, Delivery
from tandem.okrs.models import Objective
from tandem.organization.models import Change, Revision
from tandem.organization.revision import checkins_settle

BATCH = 1000
Event = tuple[int, str, str, dict[str, Any]]  # position, event id, type, data


def positions_now() -> tuple[int, int]:
    """The newest revision of the change log and the newest check-in's id."""
    checkins_settle()
    structure = Revision.objects.values_list("structure", flat=True).first() or 0
    newest = CheckIn.objects.aggregate(newest=Max("id"))["newest"] or 0
    return int(structure), int(newest)


def _change_data(change: Change) -> dict[str, Any] | None:
    if change.kind == Change.NONE:
        return None
    data: dict[str, Any] = {"revision": change.revision, "object": None}
    if change.kind == Change.ALL:
        return data
    public = public_objective(change.kind, change.object_id)
    if public is not None:
        data["object"] = {"kind": change.kind, "id": change.object_id}
        return data
    gone = {
        Change.OBJECTIVE: not Objective.objects.filter(pk=change.object_id).exists(),
    }.get(change.kind, False)
    return data if gone else None  # a deleted objective: "something changed"


def change_events(after: int) -> list[Event]:
    rows = list(Change.objects.filter(revision__gt=after).order_by("revision", "id")[:BATCH])
    events: list[Event] = []
    if rows and after and rows[0].revision > after + 1:
        events.append(
            (rows[0].revision, f"resync:{after}", "organization.resync", {"after": after})
        )
    for change in rows:
        data = _change_data(change)
        if data is not None:
            events.append(
                (change.revision, f"change:{change.revision}", "organization.changed", data)
            )
    if rows:  # the last row read moves the position even when it was not told
        events.append((rows[-1].revision, "", "", {}))
    return events


def checkin_events(after: int) -> list[Event]:
    rows = (
        CheckIn.objects.filter(
            id__gt=after, key_result__objective__visibility=Objective.Visibility.PUBLIC
        )
        .order_by("id")
        .values("id", "key_result_id", "date", "value", "confidence", "author_id")[:BATCH]
    )
    return [
        (
            row["id"],
            f"checkin:{row['id']}",
            "checkin.recorded",
            {**row, "date": row["date"].isoformat()},
        )
        for row in rows
    ]


@transaction.atomic
def webhook_changes_emit() -> int:
    """Queue the changes each webhook has not been told of yet; how many deliveries."""
    hooks = list(Channel.objects.select_for_update().filter(kind=Channel.Kind.WEBHOOK))
    if not hooks:
        return 0
    changes = change_events(min(h.changes_seen for h in hooks))
    checkins = checkin_events(min(h.checkins_seen for h in hooks))
    made = 0
    for hook in hooks:
        rows = _rows(hook, changes, hook.changes_seen) + _rows(hook, checkins, hook.checkins_seen)
        made += deliveries_insert(rows)
        hook.changes_seen = max([hook.changes_seen, *(e[0] for e in changes)])
        hook.checkins_seen = max([hook.checkins_seen, *(e[0] for e in checkins)])
        hook.save(update_fields=["changes_seen", "checkins_seen"])
    return made


def _rows(hook: Channel, events: list[Event], seen: int) -> list[Delivery]:
    now = timezone.now().isoformat()
    return [
        channel_row(
            hook,
            event_id,
            "",
            kind=kind,
            category=Category.SYSTEM,
            payload={"id": event_id, "type": kind, "created_at": now, "data": data},
        )
        for position, event_id, kind, data in events
        if position > seen and event_id
    ]
