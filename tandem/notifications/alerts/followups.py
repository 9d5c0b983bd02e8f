"""Following requests for help up, once a day (the job ``dependency-followups``):

- **due soon**: a request (asked or accepted) due in ``TANDEM_NOTIFY_DUE_SOON_DAYS`` days or
  fewer reaches the provider team's lead and members, once per due date (a new due date is
  told again);
- **overdue**: a request past its due date and not delivered (asked or accepted) reaches the
  provider team's lead, the requester and the requesting objective's owner, once a week
  (the day after it was due, then every seven days) until it is delivered, declined,
  cancelled or given a later date;
- **unanswered**: a request waiting for an answer ``TANDEM_NOTIFY_ESCALATE_DAYS`` days since
  it was (last) asked is escalated to the provider team's lead; after twice as many days,
  to the lead's manager. Once each per asking: a request asked again starts again.

"Today" is the as-of date (:func:`tandem.clock.today`). Everyone hears only of requests from
objectives they may see. The queries do not grow with the number of requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tandem.core import model as m
from tandem.dependencies.models import DependencyEvent, State
from tandem.notifications.alerts.seeing import (
    Seeing,
    admins_get,
    alerts_view,
    objective_of,
    owner_of,
    team_people,
)
from tandem.notifications.models import Category
from tandem.notifications.services import Message, notifications_send_all
from tandem.organization.wording import day, owner_name
from tandem.people.selectors import active_up, archived_ids

OPEN = (m.DependencyState.REQUESTED, m.DependencyState.ACCEPTED)

Sending = tuple[Message, list[str]]


@dataclass(frozen=True, slots=True)
class Asked:
    """The last time a request was asked: by whom (None: imported) and on which day."""

    by: str | None
    on: date
    # The DependencyEvent that asked: a request asked again is escalated again.
    event: int


def asked_get() -> dict[str, Asked]:
    """When each open request was last asked, and by whom: one query."""
    rows = (
        DependencyEvent.objects.filter(
            to_state=State.REQUESTED, dependency__state__in=[State.REQUESTED, State.ACCEPTED]
        )
        .order_by("at", "id")
        .values_list("dependency_id", "by_id", "at", "id")
    )
    return {dep: Asked(by, _local_day(at), event) for dep, by, at, event in rows}


def _local_day(at: datetime) -> date:
    return timezone.localtime(at).date()


@dataclass(frozen=True)
class FollowUps:
    """What the follow-ups look at: the organisation on ``today`` and who may see what."""

    org: m.Organization
    today: date
    seeing: Seeing
    asked: dict[str, Asked]
    # Archived people hear nothing: an escalation meant for one goes up their managers' line.
    archived: frozenset[str] = frozenset()

    def message(self, dep: m.Dependency, kind: str, title: str, text: str, event: str) -> Message:
        return Message(
            category=Category.DEPENDENCY,
            kind=kind,
            object_kind="dependency",
            object_id=dep.id,
            link=reverse("web:dependencies"),
            title=title,
            text=text,
            event_id=event,
        )

    def readers(self, dep: m.Dependency, people: list[str | None]) -> list[str]:
        return self.seeing.who(people, objective_of(self.org, dep.from_id))

    def active(self, person_id: str | None) -> str | None:
        """``person_id``, or for an archived person the first manager up who is not."""
        return active_up(person_id, self._manager_of, self.archived)

    def _manager_of(self, person_id: str) -> str | None:
        person = self.org.people.get(person_id)
        return person.manager if person is not None else None

    def need(self, dep: m.Dependency) -> str:
        return f"For {dep.from_id}: {dep.need}"


def dependency_followups(followups: FollowUps) -> list[Sending]:
    """Every follow-up due on ``followups.today``, with its recipients (none left out)."""
    found = []
    for dep in followups.org.dependencies.values():
        if dep.state in OPEN:
            found += [(msg, people) for msg, people in _of(followups, dep) if people]
    return found


def _of(f: FollowUps, dep: m.Dependency) -> Iterator[Sending]:
    if dep.due is not None:
        days = (dep.due - f.today).days
        if 0 <= days <= settings.TANDEM_NOTIFY_DUE_SOON_DAYS:
            yield _due_soon(f, dep, days)
        elif days < 0:
            yield _overdue(f, dep, -days)
    asked = f.asked.get(dep.id)
    if dep.state == m.DependencyState.REQUESTED and asked is not None:
        yield from _unanswered(f, dep, asked)


def _due_soon(f: FollowUps, dep: m.Dependency, days: int) -> Sending:
    assert dep.due is not None
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    title = f"{dep.id}: due {when} ({day(dep.due)})"
    event = f"dependency-due-soon:{dep.id}:{dep.due.isoformat()}"
    message = f.message(dep, "dependency_due_soon", title, f.need(dep), event)
    return message, f.readers(dep, list(team_people(f.org, dep.provider)))


def _overdue(f: FollowUps, dep: m.Dependency, days: int) -> Sending:
    assert dep.due is not None
    provider = f.org.teams.get(dep.provider)
    asked = f.asked.get(dep.id)
    needer = objective_of(f.org, dep.from_id)
    people = [
        provider.lead if provider is not None else None,
        asked.by if asked is not None else None,
        owner_of(f.org, needer),
    ]
    title = (
        f"{dep.id} is overdue: {owner_name(f.org, dep.provider)} was to deliver it "
        f"by {day(dep.due)} ({days} day{'s' if days != 1 else ''} ago)"
    )
    event = f"dependency-overdue:{dep.id}:{dep.due.isoformat()}"
    message = f.message(dep, "dependency_overdue", title, f.need(dep), event)
    # Once a week: the day after it was due, then every seven days.
    weekly = replace(message, slot=f"week-{(days - 1) // 7}")
    return weekly, f.readers(dep, people)


def _unanswered(f: FollowUps, dep: m.Dependency, asked: Asked) -> Iterator[Sending]:
    waited = (f.today - asked.on).days
    after = settings.TANDEM_NOTIFY_ESCALATE_DAYS
    provider = f.org.teams.get(dep.provider)
    lead = f.active(provider.lead if provider is not None else None)
    if waited < after or lead is None:
        return
    team = owner_name(f.org, dep.provider)
    title = f"{dep.id}: {team} has not answered for {waited} days"
    event = f"dependency-unanswered:{asked.event}"
    message = f.message(dep, "dependency_escalated", title, f.need(dep), event)
    yield replace(message, slot="lead"), f.readers(dep, [lead])
    manager = f.active(f.org.people[lead].manager if lead in f.org.people else None)
    if waited >= 2 * after and manager is not None:
        named = provider.lead if provider is not None and provider.lead else lead
        text = f"{f.need(dep)} (asked of {team}, whose lead is {f.org.people[named].name})"
        escalated = f.message(dep, "dependency_escalated", title, text, event)
        yield replace(escalated, slot="manager"), f.readers(dep, [manager])


def dependency_followups_send(today: date) -> int:
    """Send the follow-ups due on ``today``; how many messages (each once, whatever the
    number of runs)."""
    view = alerts_view(today)
    seeing = Seeing(view.org, admins_get())
    followups = FollowUps(view.org, today, seeing, asked_get(), archived_ids())
    found = dependency_followups(followups)
    notifications_send_all(found)
    return len(found)
