"""What the My OKRs and objective pages read: built from the caller's :class:`View` (already
restricted to what they may see, and evaluated) plus a fixed number of bulk queries.

The permission questions a page asks for every key result it lists (may I check in? may I
edit?) are answered here on the plain data, with the rules of :mod:`tandem.access.policy`, so
that a page of a hundred key results does not ask the database a hundred times. The writes
still ask the policy itself; a test checks both give the same answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tandem.access.policy import dependencies_visible_q
from tandem.checkins.models import CheckIn, CheckInRevision
from tandem.core import model as m
from tandem.core.engine import DependencyStatus, key_result_start
from tandem.core.report import current_cycles
from tandem.core.visibility import Audience
from tandem.dependencies.models import Dependency, DependencyEvent
from tandem.okrs.models import Activity, KeyResult
from tandem.organization.cache import View
from tandem.web import words
from tandem.web.pages import owner_name, person_name

HISTORY_LIMIT = 50

# --- permissions on the plain data (mirrors tandem.access.policy) ----------------------------


def may_edit(audience: Audience, org: m.Organization, objective: m.Objective) -> bool:
    """:func:`tandem.access.policy.may_edit_objective` on the plain data."""
    if audience.admin:
        return True
    me = audience.person
    if me is None:
        return False
    if objective.owner in org.teams:
        if objective.owner in audience.teams or objective.owner in audience.led_teams:
            return True
    elif objective.owner == me:
        return True
    return objective.umbrella is not None and objective.umbrella.owner == me


def may_check_in(audience: Audience, org: m.Organization, key_result: m.KeyResult) -> bool:
    """:func:`tandem.access.policy.may_check_in` on the plain data."""
    if may_edit(audience, org, org.objectives[key_result.objective]):
        return True
    me = audience.person
    if me is None:
        return False
    return key_result.owner == me or any(
        who == me or who in audience.teams for who in key_result.contributors
    )


# --- a key result as a card --------------------------------------------------------------------


def number(value: float | bool | None) -> str:
    """800.0 → "800", 99.62 → "99.62"; as people write them."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "done" if value else "not done"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ") if abs(value) >= 10000 else str(int(value))
    return f"{value:g}" if abs(value) < 1e6 else str(value)


def with_unit(value: float | bool | None, unit: str | None) -> str:
    text = number(value)
    if unit and value is not None and not isinstance(value, bool):
        return f"{text}{unit}" if unit == "%" else f"{text} {unit}"
    return text


@dataclass(frozen=True)
class Reason:
    """Why a key result is at risk: one dependency that lowered its health."""

    dependency: str
    team: str
    # requested | declined | overdue | provider_kr | other
    kind: str
    status: str
    due: date | None = None
    provider_kr: str | None = None
    provider_objective: str | None = None

    @property
    def words(self) -> str:
        """The reason as one sentence (the template links the ids)."""
        if self.kind == "declined":
            return f"{self.dependency}: {self.team} declined the request"
        if self.kind == "overdue":
            return f"{self.dependency}: {self.team}'s help was due {self.due} and is not delivered"
        if self.kind == "requested":
            return f"{self.dependency}: {self.team} has not answered the request yet"
        if self.kind == "provider_kr":
            return f"{self.dependency}: {self.team}'s {self.provider_kr} is {self.status}"
        return f"{self.dependency}: {self.team}'s help is {self.status}"


STATUS_WORDS = {
    DependencyStatus.OK: "on track",
    DependencyStatus.AT_RISK: "at risk",
    DependencyStatus.OFF_TRACK: "off track",
    DependencyStatus.DONE: "delivered",
    DependencyStatus.CANCELLED: "cancelled",
}


def dependency_reason(view: View, dependency_id: str) -> Reason:
    org, evaluation = view.org, view.evaluation
    dependency = org.dependencies[dependency_id]
    status = evaluation.dependencies[dependency_id].status
    team = org.teams[dependency.provider].name if dependency.provider in org.teams else ""
    common: dict[str, Any] = {
        "dependency": dependency_id,
        "team": team or dependency.provider,
        "status": STATUS_WORDS[status],
        "due": dependency.due,
    }
    state = dependency.state
    overdue = dependency.due is not None and dependency.due < view.as_of
    if state == m.DependencyState.DECLINED:
        return Reason(kind="declined", **common)
    if overdue and state != m.DependencyState.DELIVERED:
        return Reason(kind="overdue", **common)
    if state == m.DependencyState.REQUESTED:
        return Reason(kind="requested", **common)
    provider_kr = dependency.provider_kr
    if provider_kr is not None and provider_kr in org.key_results:
        objective = org.key_results[provider_kr].objective
        return Reason(
            kind="provider_kr", provider_kr=provider_kr, provider_objective=objective, **common
        )
    return Reason(kind="other", **common)


@dataclass(frozen=True)
class MilestoneRow:
    index: int
    title: str
    weight: float
    done_on: date | None
    done: bool


@dataclass(frozen=True)
class LastCheckIn:
    date: date
    value: str
    confidence: int | None
    note: str | None
    by: str | None


@dataclass(frozen=True)
class KeyResultCard:
    """Everything a key result's card shows, and whether the caller may check in on it."""

    id: str
    title: str
    objective: str
    objective_title: str
    owner: str
    contributors: tuple[str, ...]
    weight: float
    form: str
    unit: str | None
    current: str
    target: str
    progress: float
    health: str
    own_health: str
    confidence: int | None
    last_update: date
    days_since_update: int
    stale: bool
    last_checkin: LastCheckIn | None
    checked_in_today: bool
    may_check_in: bool
    may_tick: bool
    closed: bool
    milestones: tuple[MilestoneRow, ...] = ()
    reasons: tuple[Reason, ...] = ()
    current_number: float | None = None
    # The progress expected by now (the share of its own time elapsed: from its cycle's start,
    # or from the later day it was added), marked on its bar.
    expected_progress: float | None = None
    # The day it was added, when after its cycle's start (it is measured from then).
    since: date | None = None

    @property
    def value_kind(self) -> str:
        """Which value the check-in form asks for: number, done, or none."""
        if self.form in ("numeric", "keep_above", "keep_below"):
            return "number"
        return "done" if self.form == "boolean" else "none"


def _target_words(metric: m.Metric) -> str:
    unit = m.metric_unit(metric)
    if isinstance(metric, m.NumericMetric):
        return f"from {with_unit(metric.start, unit)} to {with_unit(metric.target, unit)}"
    if isinstance(metric, m.ThresholdMetric):
        line = "at or above" if metric.above else "at or below"
        return f"stay {line} {with_unit(metric.threshold, unit)}"
    if isinstance(metric, m.BooleanMetric):
        return "done"
    if isinstance(metric, m.MilestonesMetric):
        return f"{len(metric.milestones)} milestones"
    return "the progress of the objectives aligned to it"


def _current_words(key_result: m.KeyResult, current: float | bool | None) -> str:
    metric = key_result.metric
    if isinstance(metric, m.MilestonesMetric):
        return f"{current or 0} of {len(metric.milestones)} milestones done"
    if isinstance(metric, m.RollupMetric):
        return "rolled up"
    if isinstance(metric, m.ThresholdMetric) and current is None:
        return "no value yet"
    return with_unit(current, m.metric_unit(metric))


def _done(milestone: m.Milestone, as_of: date) -> bool:
    return milestone.done_on is not None and milestone.done_on <= as_of


def key_result_card(
    view: View, key_result_id: str, audience: Audience, closed: frozenset[str]
) -> KeyResultCard:
    org, evaluation = view.org, view.evaluation
    key_result = org.key_results[key_result_id]
    objective = org.objectives[key_result.objective]
    result = evaluation.key_results[key_result_id]
    seen = [c for c in key_result.checkins if c.date <= view.as_of]
    latest = seen[-1] if seen else None
    metric = key_result.metric
    milestones: tuple[MilestoneRow, ...] = ()
    if isinstance(metric, m.MilestonesMetric):
        milestones = tuple(
            MilestoneRow(
                i,
                ms.title,
                ms.weight,
                ms.done_on,
                ms.done_on is not None and ms.done_on <= view.as_of,
            )
            for i, ms in enumerate(metric.milestones)
        )
    is_closed = objective.cycle in closed
    allowed = not is_closed and may_check_in(audience, org, key_result)
    current = result.current
    return KeyResultCard(
        id=key_result_id,
        title=key_result.title,
        objective=objective.id,
        objective_title=objective.title,
        owner=person_name(org, key_result.owner) if key_result.owner else "no owner",
        contributors=tuple(owner_name(org, who) for who in key_result.contributors),
        weight=key_result.weight,
        form=m.metric_fields(metric)["form"],
        unit=m.metric_unit(metric),
        current=_current_words(key_result, current),
        target=_target_words(metric),
        progress=result.progress,
        health=result.health.value,
        own_health=result.own_health.value,
        confidence=result.confidence,
        last_update=result.last_update,
        days_since_update=(view.as_of - result.last_update).days,
        stale=result.stale,
        last_checkin=(
            LastCheckIn(
                latest.date,
                number(latest.value) if latest.value is not None else "",
                latest.confidence,
                latest.note,
                person_name(org, latest.by) if latest.by else None,
            )
            if latest
            else None
        ),
        checked_in_today=latest is not None and latest.date == view.as_of,
        may_check_in=allowed,
        may_tick=allowed and bool(milestones) and may_edit(audience, org, objective),
        closed=is_closed,
        milestones=milestones,
        reasons=tuple(dependency_reason(view, d) for d in result.at_risk_from),
        current_number=(
            float(current)
            if isinstance(current, int | float) and not isinstance(current, bool)
            else None
        ),
        expected_progress=result.expected_progress,
        since=key_result.since,
    )


@dataclass(frozen=True)
class ObjectiveSummary:
    id: str
    title: str
    owner: str
    cycle: str
    level: str
    kind: str
    visibility: str
    progress: float | None
    expected_progress: float
    health: str | None
    score: float | None


def objective_summary(view: View, objective_id: str) -> ObjectiveSummary:
    objective = view.org.objectives[objective_id]
    result = view.evaluation.objectives[objective_id]
    return ObjectiveSummary(
        id=objective_id,
        title=objective.title,
        owner=owner_name(view.org, objective.owner),
        cycle=objective.cycle,
        level=result.level.value,
        kind=objective.kind.value,
        visibility=objective.visibility.value,
        progress=result.progress,
        expected_progress=result.expected_progress,
        health=result.health.value if result.health else None,
        score=result.score,
    )


# --- My OKRs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyObjective:
    summary: ObjectiveSummary
    key_results: tuple[KeyResultCard, ...]
    mine: bool  # an individual objective of mine (else my team's, or an umbrella I own)


@dataclass(frozen=True)
class WaitingRequest:
    id: str
    need: str
    provider: str
    from_id: str
    from_objective: str
    from_title: str
    due: date | None


@dataclass
class MyOkrs:
    objectives: list[MyObjective] = field(default_factory=list)
    elsewhere: list[KeyResultCard] = field(default_factory=list)
    waiting: list[WaitingRequest] = field(default_factory=list)
    due: list[KeyResultCard] = field(default_factory=list)
    cycles: tuple[str, ...] = ()

    @property
    def objective_ids(self) -> frozenset[str]:
        return frozenset(o.summary.id for o in self.objectives)


def my_teams(audience: Audience, org: m.Organization) -> frozenset[str]:
    """The teams the caller is a member or the lead of (an admin's audience lists none)."""
    me = audience.person
    listed = {team.id for team in org.teams.values() if me in team.members or team.lead == me}
    return audience.teams | listed


def _mine(audience: Audience, teams: frozenset[str], objective: m.Objective) -> bool:
    me = audience.person
    owned = objective.owner == me or objective.owner in teams
    return owned or (objective.umbrella is not None and objective.umbrella.owner == me)


def my_okrs_get(view: View, audience: Audience, closed: frozenset[str]) -> MyOkrs:
    """The caller's objectives and key results in the cycles under way, what they help with
    elsewhere, the requests waiting for their teams, and what needs a check-in (stale first).
    No query: everything comes from the view."""
    org = view.org
    me = audience.person
    cycles = tuple(c for c in current_cycles(org, view.as_of) if c not in closed)
    found = MyOkrs(cycles=cycles)
    teams = my_teams(audience, org)
    in_cycles = [o for o in org.objectives.values() if o.cycle in cycles]
    for objective in in_cycles:
        if _mine(audience, teams, objective):
            cards = tuple(
                key_result_card(view, kid, audience, closed) for kid in objective.key_results
            )
            summary = objective_summary(view, objective.id)
            found.objectives.append(MyObjective(summary, cards, objective.owner == me))
    mine = found.objective_ids
    for objective in in_cycles:
        if objective.id in mine:
            continue
        for kid in objective.key_results:
            key_result = org.key_results[kid]
            involved = key_result.owner == me or any(
                who == me or who in teams for who in key_result.contributors
            )
            if involved:
                found.elsewhere.append(key_result_card(view, kid, audience, closed))
    for dependency in org.dependencies.values():
        if dependency.state == m.DependencyState.REQUESTED and dependency.provider in teams:
            from_objective = (
                dependency.from_id
                if dependency.from_id in org.objectives
                else org.key_results[dependency.from_id].objective
            )
            title = (
                org.objectives[dependency.from_id].title
                if dependency.from_id in org.objectives
                else org.key_results[dependency.from_id].title
            )
            found.waiting.append(
                WaitingRequest(
                    dependency.id,
                    dependency.need,
                    org.teams[dependency.provider].name,
                    dependency.from_id,
                    from_objective,
                    title,
                    dependency.due,
                )
            )
    every = [card for o in found.objectives for card in o.key_results] + found.elsewhere
    due = [card for card in every if card.may_check_in and not card.checked_in_today]
    found.due = sorted(due, key=lambda card: (not card.stale, card.last_update, card.id))
    return found


# --- the objective page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    id: str
    title: str
    objective: str  # the objective page it links to
    kind: str  # objective | key_result


def alignment_chain(view: View, objective_id: str) -> list[Link]:
    """What the objective aligns to, up to the company: the nearest first. Stops at a loop."""
    org = view.org
    chain: list[Link] = []
    seen = {objective_id}
    target = org.objectives[objective_id].aligns_to
    while target is not None:
        if target in org.key_results:
            key_result = org.key_results[target]
            chain.append(Link(target, key_result.title, key_result.objective, "key_result"))
            target = key_result.objective
        if target not in org.objectives or target in seen:
            break
        seen.add(target)
        chain.append(Link(target, org.objectives[target].title, target, "objective"))
        target = org.objectives[target].aligns_to
    return chain


def aligned_below(view: View, target_id: str) -> list[Link]:
    org = view.org
    below = view.evaluation.aligned_below.get(target_id, [])
    return [Link(oid, org.objectives[oid].title, oid, "objective") for oid in below]


@dataclass(frozen=True)
class DependencyRow:
    id: str
    need: str
    state: str
    status: str
    due: date | None
    from_id: str
    from_objective: str
    from_title: str
    provider: str
    provider_kr: str | None
    provider_objective: str | None


def _dependency_row(view: View, dependency: m.Dependency) -> DependencyRow:
    org = view.org
    needer = dependency.from_id
    from_objective = needer if needer in org.objectives else org.key_results[needer].objective
    from_title = (
        org.objectives[needer].title if needer in org.objectives else org.key_results[needer].title
    )
    provider_kr = dependency.provider_kr if dependency.provider_kr in org.key_results else None
    return DependencyRow(
        id=dependency.id,
        need=dependency.need,
        state=dependency.state.value,
        status=view.evaluation.dependencies[dependency.id].status.value,
        due=dependency.due,
        from_id=needer,
        from_objective=from_objective,
        from_title=from_title,
        provider=owner_name(org, dependency.provider),
        provider_kr=provider_kr,
        provider_objective=org.key_results[provider_kr].objective if provider_kr else None,
    )


def objective_dependencies(
    view: View, objective_id: str
) -> tuple[list[DependencyRow], list[DependencyRow]]:
    """(incoming, outgoing): the help its key results give (they are a dependency's
    ``provider_kr``), and the help it or its key results asked for."""
    objective = view.org.objectives[objective_id]
    own = {objective_id, *objective.key_results}
    incoming, outgoing = [], []
    for dependency in view.org.dependencies.values():
        if dependency.from_id in own:
            outgoing.append(_dependency_row(view, dependency))
        elif dependency.provider_kr in own:
            incoming.append(_dependency_row(view, dependency))
    return incoming, outgoing


def chart_data(view: View, key_result_id: str) -> dict[str, Any]:
    """A key result's check-ins over its cycle, for its chart and its table: values (numbers,
    or 0/1 for done), the line it should follow, and confidence."""
    org = view.org
    key_result = org.key_results[key_result_id]
    cycle = org.cycles[org.objectives[key_result.objective].cycle]
    metric = key_result.metric
    # The planned path starts on its own start: a key result added mid-cycle starts then.
    begin = key_result_start(key_result, cycle).isoformat()
    points = [
        {
            "date": c.date.isoformat(),
            "value": ((1 if c.value else 0) if isinstance(c.value, bool) else c.value),
            "confidence": c.confidence,
        }
        for c in key_result.checkins
        if c.date <= view.as_of
    ]
    plan: list[dict[str, Any]] = []
    label = "Value"
    if isinstance(metric, m.NumericMetric):
        plan = [
            {"date": begin, "value": metric.start},
            {"date": cycle.end.isoformat(), "value": metric.target},
        ]
    elif isinstance(metric, m.ThresholdMetric):
        plan = [
            {"date": begin, "value": metric.threshold},
            {"date": cycle.end.isoformat(), "value": metric.threshold},
        ]
    elif isinstance(metric, m.BooleanMetric):
        label = "Done (1) or not (0)"
        plan = [
            {"date": begin, "value": 0},
            {"date": cycle.end.isoformat(), "value": 1},
        ]
    elif isinstance(metric, m.MilestonesMetric):
        label = "Milestones done (%)"
        total = sum(ms.weight for ms in metric.milestones) or 1.0
        done = sorted(
            (ms for ms in metric.milestones if ms.done_on and ms.done_on <= view.as_of),
            key=lambda ms: ms.done_on or cycle.start,
        )
        reached, values = 0.0, {}
        for ms in done:
            reached += ms.weight
            assert ms.done_on is not None
            values[ms.done_on.isoformat()] = round(100 * reached / total, 1)
        by_day = {p["date"]: p for p in points}
        for day, value in values.items():
            by_day.setdefault(day, {"date": day, "value": None, "confidence": None})["value"] = (
                value
            )
        points = sorted(by_day.values(), key=lambda p: str(p["date"]))
        plan = [
            {"date": begin, "value": 0},
            {"date": cycle.end.isoformat(), "value": 100},
        ]
    else:
        label = ""
        for point in points:
            point["value"] = None
    return {
        "id": key_result_id,
        "element": f"chart-data-{key_result_id}",
        "label": label,
        "unit": m.metric_unit(metric) or "",
        "plan_label": "Threshold" if isinstance(metric, m.ThresholdMetric) else "Planned path",
        "start": cycle.start.isoformat(),
        "end": cycle.end.isoformat(),
        "today": view.as_of.isoformat(),
        "points": points,
        "plan": plan,
    }


# --- history ------------------------------------------------------------------------------------


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
                moment, day_only, name(author), key_result_id, what, note or "", correctable
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
            what = f"withdrew the check-in of {words.day(day)}"
        else:
            moved = f": value {number(before)} → {number(after)}" if before != after else ""
            what = f"corrected the check-in of {words.day(day)}{moved}"
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
