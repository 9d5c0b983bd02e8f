"""When check-in reminders and weekly digests go out: the cadence (a weekday, a local time,
every N weeks) set for the organisation, overridden per team and per person, and the moments
it falls on in each reader's time zone.

A person's cadence is their own if they set one, else their first team's (the first of the
teams they are a member or the lead of, in the organisation's order of teams), else the
organisation's, else the default (reminders Monday 09:00, digests Monday 08:00, weekly).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from tandem.errors import InvalidError
from tandem.notifications.models import Cadence

REMINDER = Cadence.Kind.REMINDER.value
DIGEST = Cadence.Kind.DIGEST.value
KINDS = (REMINDER, DIGEST)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Every N weeks counts from this Monday unless a cadence says otherwise.
EPOCH = date(2024, 1, 1)


@dataclass(frozen=True, slots=True)
class Rhythm:
    """A cadence as plain data."""

    weekday: int
    at: time
    every_weeks: int = 1
    starts_on: date = EPOCH

    def describe(self) -> str:
        every = "every week" if self.every_weeks == 1 else f"every {self.every_weeks} weeks"
        return f"{WEEKDAYS[self.weekday]} at {self.at:%H:%M}, {every}"

    def falls_on(self, day: date) -> bool:
        """Whether ``day`` is one of its days."""
        first_monday = self.starts_on - timedelta(days=self.starts_on.weekday())
        if day.weekday() != self.weekday or day < first_monday:
            return False
        return ((day - first_monday).days // 7) % self.every_weeks == 0

    def moment(self, day: date, zone: ZoneInfo) -> datetime:
        """When it falls on ``day`` in ``zone``, as an aware time. A local time skipped when the
        clocks go forward is read with the offset before the change (02:30 is 03:30), one met
        twice when they go back is its first (fold 0): once either way."""
        return datetime.combine(day, self.at, tzinfo=zone)

    def last_between(self, zone: ZoneInfo, start: datetime, end: datetime) -> date | None:
        """The local day of its latest moment after ``start``, up to ``end`` (included)."""
        local_end = end.astimezone(zone).date()
        day = local_end
        while day >= start.astimezone(zone).date() - timedelta(days=1):
            if self.falls_on(day) and start < self.moment(day, zone) <= end:
                return day
            day -= timedelta(days=1)
        return None


DEFAULTS = {
    REMINDER: Rhythm(weekday=0, at=time(9, 0)),
    DIGEST: Rhythm(weekday=0, at=time(8, 0)),
}


def _rhythm(row: Cadence) -> Rhythm:
    return Rhythm(row.weekday, row.at, row.every_weeks, row.starts_on)


@dataclass(frozen=True)
class Cadences:
    """The organisation's and the teams' cadences (few), and those of some people."""

    organisation: dict[str, Rhythm]
    teams: dict[tuple[str, str], Rhythm]
    people: dict[tuple[str, str], Rhythm]

    def of(self, kind: str, person_id: str, first_team: str | None) -> Rhythm:
        """The effective cadence of ``kind`` for a person (see the module)."""
        found = self.people.get((kind, person_id))
        if found is None and first_team is not None:
            found = self.teams.get((kind, first_team))
        if found is None:
            found = self.organisation.get(kind, DEFAULTS[kind])
        return found


def cadences_get(person_ids: Iterable[str] | None = None) -> Cadences:
    """The organisation's and teams' cadences and those of ``person_ids`` (everyone's when
    None), in one query."""
    rows = Cadence.objects.all()
    if person_ids is not None:
        rows = rows.filter(person__isnull=True) | rows.filter(person_id__in=list(person_ids))
    organisation, teams, people = {}, {}, {}
    for row in rows:
        if row.person_id is not None:
            people[row.kind, row.person_id] = _rhythm(row)
        elif row.team_id is not None:
            teams[row.kind, row.team_id] = _rhythm(row)
        else:
            organisation[row.kind] = _rhythm(row)
    return Cadences(organisation, teams, people)


def _owner(team_id: str | None, person_id: str | None) -> dict[str, str | None]:
    return {"team_id": team_id, "person_id": person_id}


@transaction.atomic
def cadence_set(
    *, kind: str, rhythm: Rhythm | None, team_id: str | None = None, person_id: str | None = None
) -> None:
    """Set (``rhythm``) or clear (None: the next level's applies) the cadence of ``kind`` for
    the organisation (no team, no person), a team or a person. Permissions are the caller's."""
    if kind not in KINDS:
        raise InvalidError(f"there is no cadence '{kind}' (reminder or digest)")
    if team_id is not None and person_id is not None:
        raise InvalidError("a cadence is for a team or a person, not both")
    Cadence.objects.filter(kind=kind, **_owner(team_id, person_id)).delete()
    if rhythm is None:
        return
    if not 0 <= rhythm.weekday <= 6:
        raise InvalidError("the weekday is 0 (Monday) to 6 (Sunday)")
    if not 1 <= rhythm.every_weeks <= 52:
        raise InvalidError("every 1 to 52 weeks")
    Cadence.objects.create(
        kind=kind,
        weekday=rhythm.weekday,
        at=rhythm.at,
        every_weeks=rhythm.every_weeks,
        starts_on=rhythm.starts_on,
        **_owner(team_id, person_id),
    )


def first_teams(
    teams: Iterable[tuple[str, str | None, Iterable[str]]],
) -> Iterator[tuple[str, str]]:
    """(person, their first team) from (team, lead, members) in the organisation's order."""
    seen: set[str] = set()
    for team_id, lead, members in teams:
        for person in (*([lead] if lead else []), *members):
            if person not in seen:
                seen.add(person)
                yield person, team_id
