"""Cycles starting and ending, once a day (the job ``cycle-alerts``):

- **starting**: a cycle that starts in ``TANDEM_NOTIFY_CYCLE_START_DAYS`` days or fewer
  (and has no cycles inside it: a year is planned through its quarters) reaches the lead of
  each team without an objective in it, once per cycle and team;
- **ended**: the day after a cycle's last day, while it is not closed, each objective's owner
  (its owner, umbrella owner, or owning team's lead) is asked to grade and reflect, with
  their objectives listed and a link to the cycle's review page; and whoever may close the
  cycle (the company's lead: :func:`tandem.core.permissions.may_close_cycle`) is asked to
  close it. Once per cycle and person.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.urls import reverse

from tandem.core import model as m
from tandem.notifications.alerts.seeing import Seeing, admins_get, alerts_view, owner_of
from tandem.notifications.models import Category
from tandem.notifications.services import Item, Message, Section, notifications_send_all
from tandem.okrs.models import Cycle
from tandem.organization.wording import day

Sending = tuple[Message, list[str]]


def _message(
    cycle: m.Cycle,
    kind: str,
    title: str,
    text: str,
    *,
    link: str | None = None,
    slot: str = "",
    sections: tuple[Section, ...] = (),
) -> Message:
    return Message(
        category=Category.CYCLE,
        kind=kind,
        object_kind="cycle",
        object_id=cycle.id,
        link=link or reverse("web:review", args=[cycle.id]),
        title=title,
        text=text,
        event_id=f"{kind}:{cycle.id}",
        slot=slot,
        sections=sections,
    )


def cycles_starting(org: m.Organization, today: date) -> list[Sending]:
    """The leads of teams without objectives in a cycle starting soon."""
    soon = settings.TANDEM_NOTIFY_CYCLE_START_DAYS
    parents = {cycle.parent for cycle in org.cycles.values()}
    found = []
    for cycle in org.cycles.values():
        days = (cycle.start - today).days
        if cycle.id in parents or not 0 < days <= soon:
            continue
        planned = {o.owner for o in org.objectives.values() if o.cycle == cycle.id}
        for team in org.teams.values():
            if team.lead is None or team.id in planned:
                continue
            when = f"{days} day{'s' if days != 1 else ''}"
            title = f"{cycle.id} starts in {when}: {team.name} has no objectives in it yet"
            text = f"{cycle.id} runs from {day(cycle.start)} to {day(cycle.end)}."
            link = reverse("web:team", args=[team.id])
            message = _message(cycle, "cycle_starting", title, text, slot=team.id, link=link)
            found.append((message, [team.lead]))
    return found


def cycles_ended(
    org: m.Organization, today: date, closed: set[str], seeing: Seeing
) -> list[Sending]:
    """Grading and reflecting for the owners, closing for whoever may close, of each cycle
    ended and not closed."""
    found = []
    for cycle in org.cycles.values():
        if cycle.end >= today or cycle.id in closed:
            continue
        found += _grading(org, cycle, seeing)
        root = org.root_team
        lead = root.lead if root is not None else None
        if lead is not None:
            title = f"{cycle.id} has ended: close it once its objectives are graded"
            text = f"{cycle.id} ended on {day(cycle.end)}. Closing it keeps its grades as they are."
            found.append((_message(cycle, "cycle_close", title, text), [lead]))
    return found


def _grading(org: m.Organization, cycle: m.Cycle, seeing: Seeing) -> list[Sending]:
    owned: dict[str, list[m.Objective]] = defaultdict(list)
    for objective in org.objectives.values():
        owner = owner_of(org, objective.id) if objective.cycle == cycle.id else None
        if owner is not None and seeing.may_see(owner, objective.id):
            owned[owner].append(objective)
    found = []
    for owner, objectives in owned.items():
        items = tuple(
            Item(f"{o.id}: {o.title}", reverse("web:objective", args=[o.id])) for o in objectives
        )
        title = f"{cycle.id} has ended: grade and reflect on your objectives"
        text = (
            f"{cycle.id} ended on {day(cycle.end)}. Grade each key result and write a short "
            f"reflection on {', '.join(o.id for o in objectives)}."
        )
        sections = (Section("Your objectives", items),)
        found.append((_message(cycle, "cycle_review", title, text, sections=sections), [owner]))
    return found


def cycle_alerts_send(today: date) -> int:
    """Send the cycle alerts due on ``today``; how many messages."""
    view = alerts_view(today)
    closed = set(Cycle.objects.filter(state=Cycle.State.CLOSED).values_list("id", flat=True))
    found = cycles_starting(view.org, today)
    found += cycles_ended(view.org, today, closed, Seeing(view.org, admins_get()))
    notifications_send_all(found)
    return len(found)
