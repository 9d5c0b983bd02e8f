"""The demo organisation that ``tandem serve --demo`` starts with, alive on any day.

``tandem/examples/northwind.yaml`` tells its story as of :data:`DEMO_STORY_DAY` (the README's
tour replays that day on the file). The demo moves every date of it by the days between that
day and today (:func:`tandem.core.shift.shift_organization`), so that on any day it tells the
same story: a quarter about three fifths through with check-ins up to yesterday, the quarter
before it closed with grades and reflections, the year around both, one overdue request and the
same chain of risk. Cycles named after calendar periods are renamed with their dates
(``2026-Q4`` is ``2027-Q1`` when most of the shifted quarter falls in 2027's first quarter).
The clock itself is left alone: what people record in the demo is dated today.

The file holds no history, so the demo writes one, signed by its people and dated before
today: who created each objective and key result, who checked in, who asked for and answered
each request, who overrode a score and reflected on the closed quarter.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from tandem import DEMO_FILE
from tandem.checkins.models import CheckIn
from tandem.core import model as m
from tandem.core.shift import shift_organization
from tandem.dependencies.models import DependencyEvent, State
from tandem.okrfile import load_path
from tandem.okrs.models import Activity, KeyResult, Reflection
from tandem.organization.imports import organization_import
from tandem.organization.selectors import organization_summary_get
from tandem.people.models import Person
from tandem.people.services import logins_create_for_everyone

DEMO_PASSWORD = "northwind-demo"  # noqa: S105 - printed on purpose: it is the demo's
DEMO_USER = "ana"
# The demo's CEO is also an organisation admin, to show the admin pages.
DEMO_ADMIN = "zoe"
# The day the demo file's story is told as of; on this day the demo is the file as written.
DEMO_STORY_DAY = date(2026, 11, 21)

# The owners' look back at the objectives of the closed quarter (the review shows them).
_REFLECTIONS = {
    "PA-Q3-1": (
        "Met. Rewriting the dunning emails got us halfway; the account updater did the rest. "
        "Next time we switch on smart retries per merchant cohort from the first week instead "
        "of waiting for the whole rollout plan."
    ),
    "SR-Q3-1": (
        "Not met on click-through: the synonym model helped less than we hoped, and we bet on "
        "it too long. The format work shipped everything left in scope. Next quarter we test "
        "relevance ideas on a slice of traffic before building them out."
    ),
}
# Why a request was declined or cancelled, as its answer said.
_ANSWERS = {
    "DEP-4": "No edge sites in Singapore or Sao Paulo this year; it is on next year's plan.",
    "DEP-6": "Click data is enough to tune relevance; the widget is not needed.",
}


@dataclass(frozen=True)
class DemoResult:
    loaded: bool
    organization: str
    logins: int


def demo_organization(*, today: date) -> m.Organization:
    """The demo file moved to ``today``, every check-in signed by someone, and the dates and
    quarters its notes mention moved with it."""
    organization = load_path(DEMO_FILE).organization
    days = (today - DEMO_STORY_DAY).days
    shifted = shift_organization(organization, days)
    renamed = dict(zip(organization.cycles, shifted.cycles, strict=True))
    retold = _retold(organization, _Teller(timedelta(days=days), renamed))
    return _signed(shift_organization(retold, days))


@transaction.atomic
def demo_load(*, today: date) -> DemoResult:
    """Load the demo into an empty database, with its history, and give every demo person a
    login."""
    summary = organization_summary_get()
    if summary.people or summary.teams:
        return DemoResult(loaded=False, organization=summary.name, logins=0)
    organization = demo_organization(today=today)
    organization_import(org=organization, source="the demo", today=today)
    _history_write(organization)
    logins = logins_create_for_everyone(password=DEMO_PASSWORD)
    User.objects.filter(person__id=DEMO_ADMIN).update(is_staff=True, is_superuser=True)
    return DemoResult(loaded=True, organization=organization.name, logins=logins)


def demo_login_available() -> bool:
    return Person.objects.filter(id=DEMO_USER, user__isnull=False).exists()


# --- who did it --------------------------------------------------------------------------------


def _person_for(org: m.Organization, owner: str | None) -> str | None:
    """The person who acts for an owner: the person, or the team's lead."""
    if owner is None or owner in org.people:
        return owner
    team = org.teams.get(owner)
    return team.lead if team is not None else None


def _objective_person(org: m.Organization, objective_id: str) -> str | None:
    return _person_for(org, org.objectives[objective_id].owner)


def _key_result_person(org: m.Organization, key_result: m.KeyResult) -> str | None:
    return key_result.owner or _objective_person(org, key_result.objective)


def _needer_person(org: m.Organization, dependency: m.Dependency) -> str | None:
    key_result = org.key_results.get(dependency.from_id)
    if key_result is not None:
        return _key_result_person(org, key_result)
    return _objective_person(org, dependency.from_id)


def _signed(org: m.Organization) -> m.Organization:
    """Check-ins the file leaves unsigned, signed by the key result's owner."""
    key_results = {
        key_result_id: replace(
            key_result,
            checkins=tuple(
                checkin
                if checkin.by is not None
                else replace(checkin, by=_key_result_person(org, key_result))
                for checkin in key_result.checkins
            ),
        )
        for key_result_id, key_result in org.key_results.items()
    }
    return replace(org, key_results=key_results)


# --- what the notes say ------------------------------------------------------------------------

# (Spelled out: strftime's names follow the process's locale.)
_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_SEASONS = {"winter": 1, "spring": 4, "summer": 7, "autumn": 10}  # their middle months
_MENTION = re.compile(
    r"\b(?:(?P<short>"
    + "|".join(name[:3] for name in _MONTHS)
    + r") (?P<from>\d{1,2})-(?P<to>\d{1,2})"
    r"|(?P<month>" + "|".join(_MONTHS) + r")(?: (?P<day>\d{1,2})\b)?"
    r"|(?P<season>" + "|".join(_SEASONS) + r")"
    r"|Q(?P<quarter>[1-4]))\b"
)


@dataclass(frozen=True)
class _Teller:
    """Moves what a note written on some day says about dates by ``delta``."""

    delta: timedelta
    # Old cycle id -> new one.
    cycles: dict[str, str]

    def text(self, text: str, written: date) -> str:
        return _MENTION.sub(lambda match: self.mention(match, written), text)

    def mention(self, match: re.Match[str], written: date) -> str:
        if match["quarter"]:
            new = self.cycles.get(f"{written.year}-Q{match['quarter']}")
            return new.rpartition("-")[2] if new else match[0]
        if match["short"]:
            month = [name[:3] for name in _MONTHS].index(match["short"]) + 1
            first = _nearest(written, month, int(match["from"])) + self.delta
            last = first + timedelta(days=int(match["to"]) - int(match["from"]))
            until = f"{last.day}" if last.month == first.month else f"{_short(last)} {last.day}"
            return f"{_short(first)} {first.day}-{until}"
        if match["month"]:
            month = _MONTHS.index(match["month"]) + 1
            day = _nearest(written, month, int(match["day"] or 15)) + self.delta
            name = _MONTHS[day.month - 1]
            return f"{name} {day.day}" if match["day"] else name
        day = _nearest(written, _SEASONS[match["season"]], 15) + self.delta
        # The season whose middle month is within one month of it.
        return next(name for name, middle in _SEASONS.items() if (day.month - middle + 1) % 12 <= 2)


def _short(day: date) -> str:
    return _MONTHS[day.month - 1][:3]


def _nearest(written: date, month: int, day: int) -> date:
    """The day of ``month`` nearest to ``written`` (its last day when it has fewer days)."""
    candidates = [
        date(year, month, min(day, calendar.monthrange(year, month)[1]))
        for year in range(written.year - 1, written.year + 2)
    ]
    return min(candidates, key=lambda candidate: abs(candidate - written))


def _retold(org: m.Organization, teller: _Teller) -> m.Organization:
    """Check-in notes and score override reasons, their dates moved by ``teller``."""
    key_results = {}
    for key_result_id, key_result in org.key_results.items():
        checkins = tuple(
            replace(checkin, note=teller.text(checkin.note, checkin.date))
            if checkin.note
            else checkin
            for checkin in key_result.checkins
        )
        override = key_result.score_override
        if override is not None:
            graded = org.cycles[org.objectives[key_result.objective].cycle].end
            override = replace(override, reason=teller.text(override.reason, graded))
        key_results[key_result_id] = replace(key_result, checkins=checkins, score_override=override)
    return replace(org, key_results=key_results)


# --- the history -------------------------------------------------------------------------------


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _cycle_of(org: m.Organization, objective_id: str) -> m.Cycle:
    return org.cycles[org.objectives[objective_id].cycle]


def _history_write(org: m.Organization) -> None:
    """Backdate and sign what the import recorded as done today by no one, and add what a
    file cannot hold (who created what, reflections)."""
    _creations_write(org)
    _checkins_backdate()
    _dependency_events_write(org)
    _overrides_sign(org)
    _reflections_write(org)


def _creations_write(org: m.Organization) -> None:
    """Each objective and its key results created by its owner in the week before its cycle."""
    rows = []
    for objective in org.objectives.values():
        at = _moment(_cycle_of(org, objective.id).start - timedelta(days=7), 10)
        by = _objective_person(org, objective.id)
        detail = f"aligned to {objective.aligns_to}" if objective.aligns_to else ""
        rows.append(
            Activity(
                at=at,
                by_id=by,
                objective_id=objective.id,
                subject_id=objective.id,
                verb=Activity.Verb.CREATED,
                detail=detail,
            )
        )
        rows += [
            Activity(
                at=at,
                by_id=by,
                objective_id=objective.id,
                subject_id=key_result_id,
                verb=Activity.Verb.CREATED,
            )
            for key_result_id in objective.key_results
        ]
    Activity.objects.bulk_create(rows)


def _checkins_backdate() -> None:
    """Each check-in recorded on its day (the import wrote them all now)."""
    rows = list(CheckIn.objects.only("pk", "date"))
    for row in rows:
        row.created_at = _moment(row.date, 17)
    CheckIn.objects.bulk_update(rows, ["created_at"])


def _dependency_events_write(org: m.Organization) -> None:
    """Each request asked for by whoever needs it the day after its cycle started, answered by
    the provider's lead three days later (cancelled by whoever asked), delivered when due."""
    DependencyEvent.objects.all().delete()  # the import's "recorded as ..." ones
    events = []
    for dependency in org.dependencies.values():
        start = _cycle_of(org, _objective_id(org, dependency.from_id)).start
        needer = _needer_person(org, dependency)
        provider = _person_for(org, dependency.provider)
        steps: list[tuple[str | None, State, str | None, date, str]] = [
            (None, State.REQUESTED, needer, start + timedelta(days=1), "requested")
        ]
        state = State(dependency.state.value)
        answered = start + timedelta(days=4)
        reason = _ANSWERS.get(dependency.id, "")
        if state == State.CANCELLED:
            steps.append((State.REQUESTED, state, needer, answered + timedelta(days=14), reason))
        elif state in (State.ACCEPTED, State.DECLINED):
            steps.append((State.REQUESTED, state, provider, answered, reason))
        elif state == State.DELIVERED:
            delivered = dependency.due or answered + timedelta(days=14)
            steps.append((State.REQUESTED, State.ACCEPTED, provider, answered, ""))
            steps.append((State.ACCEPTED, state, provider, max(delivered, answered), reason))
        events += [
            DependencyEvent(
                dependency_id=dependency.id,
                from_state=before,
                to_state=after,
                by_id=by,
                at=_moment(day, 11),
                reason=why,
            )
            for before, after, by, day, why in steps
        ]
    moments = [event.at for event in events]
    # ``at`` is set to now on creation whatever it was given: date them afterwards.
    created = DependencyEvent.objects.bulk_create(events)
    for event, moment in zip(created, moments, strict=True):
        event.at = moment
    DependencyEvent.objects.bulk_update(created, ["at"])


def _objective_id(org: m.Organization, from_id: str) -> str:
    key_result = org.key_results.get(from_id)
    return key_result.objective if key_result is not None else from_id


def _overrides_sign(org: m.Organization) -> None:
    """A score override set by the objective's owner two days after its cycle ended."""
    rows = [
        KeyResult(
            pk=key_result.id,
            override_by_id=_objective_person(org, key_result.objective),
            override_at=_moment(_cycle_of(org, key_result.objective).end + timedelta(days=2), 15),
        )
        for key_result in org.key_results.values()
        if key_result.score_override is not None
    ]
    KeyResult.objects.bulk_update(rows, ["override_by", "override_at"])


def _reflections_write(org: m.Organization) -> None:
    """The owners' reflections on the closed quarter, three days after it ended."""
    Reflection.objects.bulk_create(
        Reflection(
            objective_id=objective_id,
            text=text,
            by_id=_objective_person(org, objective_id),
            at=_moment(_cycle_of(org, objective_id).end + timedelta(days=3), 16),
        )
        for objective_id, text in _REFLECTIONS.items()
        if objective_id in org.objectives
    )
