"""A round of check-in reminders and weekly digests: everyone whose reminder or digest moment
(their cadence, in their time zone) fell in a window, in batches of people, each batch in a
fixed number of queries whatever its size and the organisation's.

Idempotency: a reminder is one notification per (event, reader, slot), the slot being the
reader's local day of the moment; a window that overlaps an earlier one, a retry or a second
worker write nothing new. A person up to date (nothing due) is not reminded and their streak
of missed reminders ends; a paused person gets neither; a person who had ``reminder_cap``
reminders in the last 7 days gets no more that week.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from tandem.core import model as m
from tandem.notifications.cadence import DIGEST, REMINDER, Cadences, Rhythm, cadences_get
from tandem.notifications.cadence import first_teams as first_teams_of
from tandem.notifications.digests import DIGEST_KIND, person_digest, team_digest
from tandem.notifications.models import Notification, ReminderStreak
from tandem.notifications.preferences import Reader, readers_get
from tandem.notifications.reminders import escalation_message, reminder_message
from tandem.notifications.round import WEEK, Round, round_get
from tandem.notifications.services import Message, notifications_send_each
from tandem.organization.attention import CheckInDue
from tandem.people.models import Person

BATCH = 1000
REMINDER_EVENT = "checkin-reminder"
DIGEST_EVENT = f"digest:{DIGEST_KIND}:your-week"


@dataclass
class Counts:
    """What a round wrote (at most: a notification that existed already is not written)."""

    reminders: int = 0
    digests: int = 0
    escalations: int = 0
    batches: int = 0


@dataclass
class _Run:
    """A round's window and what it reads once: the rounds by day, the first teams."""

    start: datetime
    end: datetime
    rounds: dict[date, Round] = field(default_factory=dict)
    first_team: dict[str, str] = field(default_factory=dict)
    moments: dict[tuple[Rhythm, str], date | None] = field(default_factory=dict)

    def round(self, day: date) -> Round:
        if day not in self.rounds:
            self.rounds[day] = round_get(day)
        return self.rounds[day]

    def day(self, rhythm: Rhythm, zone: ZoneInfo) -> date | None:
        """The local day of the rhythm's moment in the window, in ``zone`` (if any)."""
        key = (rhythm, zone.key)
        if key not in self.moments:
            self.moments[key] = rhythm.last_between(zone, self.start, self.end)
        return self.moments[key]


def rhythm_run(start: datetime, end: datetime, *, batch: int = BATCH) -> Counts:
    """Remind and send digests to everyone whose moment is after ``start``, up to ``end``."""
    run = _Run(start, end)
    if cadences_get(()).teams:  # else a person's first team changes nothing
        org = run.round(end.date()).org
        teams = ((t.id, t.lead, t.members) for t in org.teams.values())
        run.first_team = dict(first_teams_of(teams))
    counts = Counts()
    for people in _batches(batch):
        _batch(run, people, counts)
        counts.batches += 1
        for held in run.rounds.values():
            held.forget_audiences()
    return counts


def _batches(size: int) -> Iterator[list[str]]:
    after = ""
    while True:
        ids = list(
            # Archived people are neither reminded nor sent digests, and their streaks stop.
            Person.objects.filter(id__gt=after, archived_at__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)[:size]
        )
        if not ids:
            return
        yield ids
        after = ids[-1]


@dataclass
class _Due:
    """Who is due in a batch: (person, local day) per kind."""

    reminders: list[tuple[str, date]] = field(default_factory=list)
    digests: list[tuple[str, date]] = field(default_factory=list)


def _due(run: _Run, readers: dict[str, Reader], cadences: Cadences) -> _Due:
    due = _Due()
    for person_id, reader in readers.items():
        if reader.paused:
            continue
        team = run.first_team.get(person_id)
        for kind, found in ((REMINDER, due.reminders), (DIGEST, due.digests)):
            day = run.day(cadences.of(kind, person_id, team), reader.time_zone)
            if day is not None:
                found.append((person_id, day))
    return due


@transaction.atomic
def _batch(run: _Run, people: list[str], counts: Counts) -> None:
    """One batch: a fixed number of queries (readers, cadences, what was sent, the weekly
    counts, the streaks, one write of notifications, one of streaks)."""
    readers = readers_get(people)
    due = _due(run, readers, cadences_get(people))
    if not due.reminders and not due.digests:
        return  # most runs: nobody's moment, and nothing read but who they are
    sent = _sent([p for p, _day in due.reminders + due.digests])
    sends: list[tuple[Message, str]] = []
    for person_id, day in due.digests:
        if (DIGEST_EVENT, person_id, day.isoformat()) not in sent:
            sends.append((person_digest(run.round(day), person_id, day.isoformat()), person_id))
            counts.digests += 1
    reminders = [(p, d) for p, d in due.reminders if (REMINDER_EVENT, p, d.isoformat()) not in sent]
    sends += _reminders(run, reminders, readers, counts)
    notifications_send_each(sends)


def _sent(people: list[str]) -> set[tuple[str, str, str]]:
    """What the window's readers were sent already (the reminders and digests of the last
    two weeks: the slots a window can reach)."""
    if not people:
        return set()
    rows = Notification.objects.filter(
        recipient_id__in=people,
        event_id__in=[REMINDER_EVENT, DIGEST_EVENT],
        created_at__gte=timezone.now() - 2 * WEEK,
    ).values_list("event_id", "recipient_id", "slot")
    return set(rows)


def _reminded_this_week(people: list[str]) -> dict[str, int]:
    since = timezone.now() - WEEK
    rows = (
        Notification.objects.filter(
            recipient_id__in=people, event_id=REMINDER_EVENT, created_at__gte=since
        )
        .values("recipient_id")
        .annotate(count=Count("id"))
        .values_list("recipient_id", "count")
    )
    return dict(rows)


def _reminders(
    run: _Run, due: list[tuple[str, date]], readers: dict[str, Reader], counts: Counts
) -> list[tuple[Message, str]]:
    """The reminders of ``due`` (nothing for those up to date or at their weekly cap), and
    the word to team leads of streaks of missed reminders."""
    people = [p for p, _day in due]
    if not people:
        return []
    week = _reminded_this_week(people)
    streaks = {s.person_id: s for s in ReminderStreak.objects.filter(person_id__in=people)}
    sends, changed = [], []
    for person_id, day in due:
        cap = readers[person_id].reminder_cap
        if cap is not None and week.get(person_id, 0) >= cap:
            continue
        rnd, slot = run.round(day), day.isoformat()
        checkins = rnd.checkins_due(person_id)
        streak = streaks.get(person_id) or ReminderStreak(person_id=person_id)
        if streak.last_slot != slot:
            _count(streak, slot, missed=bool(checkins))
            changed.append(streak)
        if checkins:
            sends.append((reminder_message(checkins, slot), person_id))
            counts.reminders += 1
            sends += _escalation(rnd, streak, checkins, slot, counts)
    ReminderStreak.objects.bulk_create(
        changed,
        update_conflicts=True,
        unique_fields=["person"],
        update_fields=["missed", "last_slot", "lead_told"],
    )
    return sends


def _count(streak: ReminderStreak, slot: str, *, missed: bool) -> None:
    streak.last_slot = slot
    if missed:
        streak.missed += 1
    else:
        streak.missed, streak.lead_told = 0, False


def _escalation(
    rnd: Round, streak: ReminderStreak, checkins: list[CheckInDue], slot: str, counts: Counts
) -> list[tuple[Message, str]]:
    """The word to the person's team lead once their streak reaches the setting (once per
    streak); none when the setting is 0 or the person leads their own first team."""
    after = settings.TANDEM_REMINDER_ESCALATE_AFTER
    if not after or streak.lead_told or streak.missed < after:
        return []
    lead = _lead_of(rnd, streak.person_id)
    if lead is None:
        return []
    streak.lead_told = True
    counts.escalations += 1
    message = escalation_message(
        rnd, streak.person_id, lead, checkins, missed=streak.missed, slot=slot
    )
    return [(message, lead)]


def _lead_of(rnd: Round, person_id: str) -> str | None:
    """The lead of the person's first team; for its own lead, or an archived one, the lead
    of the team above (and so on up)."""
    for team_id in rnd.index.teams_of.get(person_id, []):
        team: m.Team | None = rnd.org.teams[team_id]
        while team is not None and (team.lead in (None, person_id) or team.lead in rnd.archived):
            team = rnd.org.teams.get(team.parent) if team.parent else None
        return team.lead if team is not None else None
    return None


def team_digest_get(team_id: str, as_of: date) -> Message:
    """The digest of ``team_id``'s week up to ``as_of``, for its channel."""
    return team_digest(round_get(as_of), team_id, as_of.isoformat())


def team_digests_due(start: datetime, end: datetime) -> list[tuple[str, Message]]:
    """The teams whose digest moment (their cadence, in their lead's time zone, else UTC)
    fell after ``start`` up to ``end``, with their digest."""
    run = _Run(start, end)
    org = run.round(end.date()).org
    cadences = cadences_get(())
    leads = readers_get([t.lead for t in org.teams.values() if t.lead])
    found = []
    for team in org.teams.values():
        reader = leads.get(team.lead or "")
        zone = reader.time_zone if reader is not None else ZoneInfo("UTC")
        day = run.day(cadences.of(DIGEST, "", team.id), zone)
        if day is not None:
            found.append((team.id, team_digest(run.round(day), team.id, day.isoformat())))
    return found
