"""Who changed what on an objective, and when: its activity, its key results' check-ins and
their corrections, score overrides and the state changes of its dependencies, as the caller
may see them, in a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone

from tandem.access.policy import dependencies_visible_q
from tandem.checkins.models import CheckIn, CheckInRevision
from tandem.core import model as m
from tandem.core.visibility import Audience
from tandem.dependencies.models import Dependency, DependencyEvent
from tandem.okrs.models import Activity, KeyResult
from tandem.organization import wording
from tandem.organization.cache import View
from tandem.organization.wording import number, person_name

HISTORY_LIMIT = 50


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    # Only the day is known (check-ins imported from a file): show the date alone.
    day_only: bool
    by: str | None
    subject: str
    what: str
    detail: str = ""
    # A check-in's id when the viewer may correct or withdraw it (its author, or whoever may
    # change the objective, while the cycle is open and it is not withdrawn).
    correctable: int | None = None
    # A check-in's id (its comments are on its own page).
    checkin: int | None = None


def _checkin_words(value: object, confidence: int | None) -> str:
    parts = []
    if value is not None:
        parts.append(f"value {number(value)}")  # type: ignore[arg-type]
    if confidence is not None:
        parts.append(f"confidence {confidence}")
    return f": {', '.join(parts)}" if parts else ""


@dataclass(frozen=True)
class History:
    entries: list[HistoryEntry]
    total: int


def _moment(day: date, created: datetime) -> tuple[datetime, bool]:
    """When a check-in happened: its creation time when it was recorded on its day, else its
    day (imported, or recorded later for an earlier day)."""
    local = timezone.localtime(created)
    if local.date() == day:
        return local, False
    return timezone.make_aware(datetime.combine(day, time(12))), True


VERB_WORDS: dict[str, str] = {
    Activity.Verb.CREATED: "created",
    Activity.Verb.UPDATED: "changed",
    Activity.Verb.ALIGNED: "aligned",
    Activity.Verb.UNALIGNED: "unaligned",
    Activity.Verb.ARCHIVED: "archived",
    Activity.Verb.RESTORED: "restored",
}


# An alignment in the record names its target ("aligned to NW-1.1", "to X", "from X").
_ALIGNMENT_DETAIL = re.compile(r"^(aligned to|to|from) (\S+)$")


def _seen(org: m.Organization, detail: str) -> str:
    """The record's words, without the id of an objective or key result the viewer may not
    see (the API shows such an alignment as null)."""
    match = _ALIGNMENT_DETAIL.match(detail)
    if match is None or match[2] in org.objectives or match[2] in org.key_results:
        return detail
    return f"{match[1]} something you may not see"


def objective_history_get(
    view: View,
    audience: Audience,
    objective_id: str,
    *,
    limit: int = HISTORY_LIMIT,
    editable: bool = False,
    checkins_open: bool = False,
) -> History:
    """Who changed what, when, newest first: the objective's activity, its key results'
    check-ins (withdrawn ones said so) and their corrections, score overrides, and the state
    changes of the dependencies from or to it.

    Ten queries whatever the size (the newest ``limit`` rows of each source, and how many
    there are); only what the caller may see (dependencies from objectives they may not see
    are left out). ``editable``: the viewer may change the objective; ``checkins_open``: its
    cycle takes check-ins (then authors may correct their own)."""
    org = view.org

    def name(who: str | None) -> str | None:
        return person_name(org, who) if who else None

    entries: list[HistoryEntry] = []
    activity = Activity.objects.filter(objective_id=objective_id)
    for at, by, subject, verb, detail in activity.order_by("-at", "-id").values_list(
        "at", "by_id", "subject_id", "verb", "detail"
    )[:limit]:
        what = VERB_WORDS.get(str(verb), str(verb))
        entries.append(HistoryEntry(at, False, name(by), subject, what, _seen(org, detail)))

    checkins = CheckIn.objects.filter(key_result__objective_id=objective_id)
    for (
        pk,
        day,
        created,
        author,
        key_result_id,
        value,
        confidence,
        note,
        withdrawn,
    ) in checkins.order_by("-date", "-id").values_list(
        "pk",
        "date",
        "created_at",
        "author_id",
        "key_result_id",
        "value",
        "confidence",
        "note",
        "withdrawn",
    )[:limit]:
        moment, day_only = _moment(day, created)
        what = "checked in" + _checkin_words(value, confidence)
        if withdrawn:
            what += " (withdrawn)"
        mine = audience.person is not None and author == audience.person
        correctable = pk if checkins_open and not withdrawn and (editable or mine) else None
        entries.append(
            HistoryEntry(
                moment,
                day_only,
                name(author),
                key_result_id,
                what,
                note or "",
                correctable,
                checkin=pk,
            )
        )

    revisions = CheckInRevision.objects.filter(checkin__key_result__objective_id=objective_id)
    for at, by, key_result_id, day, action, reason, before, after in revisions.order_by(
        "-at", "-id"
    ).values_list(
        "at",
        "by_id",
        "checkin__key_result_id",
        "checkin__date",
        "action",
        "reason",
        "value",
        "checkin__value",
    )[:limit]:
        if action == CheckInRevision.Action.WITHDRAWN:
            what = f"withdrew the check-in of {wording.day(day)}"
        else:
            moved = f": value {number(before)} → {number(after)}" if before != after else ""
            what = f"corrected the check-in of {wording.day(day)}{moved}"
        entries.append(HistoryEntry(at, False, name(by), key_result_id, what, reason))

    # Dependencies from this objective or its key results, or to them (their provider_kr),
    # that the caller may see: those from objectives they may not see stay hidden.
    touching = Dependency.objects.filter(dependencies_visible_q(audience)).filter(
        Q(from_objective_id=objective_id)
        | Q(from_key_result__objective_id=objective_id)
        | Q(provider_kr__objective_id=objective_id)
    )
    events = DependencyEvent.objects.filter(dependency__in=touching.values("pk"))
    for at, by, dependency_id, before, after, reason in events.order_by("-at", "-id").values_list(
        "at", "by_id", "dependency_id", "from_state", "to_state", "reason"
    )[:limit]:
        what = f"{before} → {after}" if before else f"recorded as {after}"
        entries.append(HistoryEntry(at, False, name(by), dependency_id, what, reason))

    overrides = KeyResult.objects.filter(
        objective_id=objective_id, override_score__isnull=False, override_at__isnull=False
    )
    for override_at, overrider, key_result_id, score, why in overrides.order_by(
        "-override_at"
    ).values_list("override_at", "override_by_id", "id", "override_score", "override_reason")[
        :limit
    ]:
        assert override_at is not None
        what = f"score set to {score or 0:.1f}"
        entries.append(
            HistoryEntry(override_at, False, name(overrider), key_result_id, what, why or "")
        )

    total = (
        activity.count() + checkins.count() + revisions.count() + events.count() + overrides.count()
    )
    entries.sort(key=lambda e: e.at, reverse=True)
    return History(entries[:limit], total)
