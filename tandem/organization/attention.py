"""What needs attention, for one person or one team: key results needing a check-in,
requests waiting for an answer, deliveries past their date, and reviews due.

Everything comes from the cached, evaluated organisation as the reader may see it
(:func:`tandem.organization.cache.view_get`, already restricted by the one visibility
policy), plus two queries whatever the organisation's size: the closed cycles (given by the
caller, who usually has them) and when each open request was made. My OKRs, the dashboard, the
API (``GET /api/v1/attention``, ``GET /api/v1/teams/{id}/attention``) and the reminders and
digests to come read it here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Max

from tandem.core import model as m
from tandem.core import permissions
from tandem.core.report import current_cycles
from tandem.core.visibility import Audience
from tandem.dependencies.models import DependencyEvent, State
from tandem.organization.cache import View
from tandem.organization.mine import Whose, is_mine, team_whose, whose_of, works_on
from tandem.organization.wording import owner_name


@dataclass(frozen=True)
class CheckInDue:
    """A key result not checked in today, in a cycle under way."""

    key_result: str
    title: str
    objective: str
    last_update: date
    days_since_update: int
    stale: bool


@dataclass(frozen=True)
class WaitingRequest:
    """A request for help still waiting for the provider team's answer."""

    id: str
    need: str
    provider: str
    provider_name: str
    from_id: str
    from_objective: str
    from_title: str
    requester_name: str
    due: date | None
    # When it was (last) requested in Tandem; None for one imported from a file.
    requested_at: datetime | None


@dataclass(frozen=True)
class OverdueDelivery:
    """Help a team accepted to give, past its due date and not delivered."""

    id: str
    need: str
    provider: str
    from_id: str
    from_objective: str
    due: date
    days_overdue: int


@dataclass(frozen=True)
class ReviewDue:
    """An objective of a cycle that has ended but is not closed: to grade and reflect on."""

    objective: str
    title: str
    cycle: str
    cycle_end: date


@dataclass(frozen=True)
class Attention:
    checkins_due: list[CheckInDue]
    requests_waiting: list[WaitingRequest]
    deliveries_overdue: list[OverdueDelivery]
    reviews_due: list[ReviewDue]


def attention_get(view: View, audience: Audience, closed: frozenset[str]) -> Attention:
    """What waits for the caller: check-ins on what they own or work on and may check in on,
    requests to their own teams, deliveries those teams owe, and reviews of their objectives
    that they may grade. ``closed``: :func:`tandem.okrs.selectors.closed_cycles_get`."""
    org = view.org

    def may_check_in(key_result: m.KeyResult) -> bool:
        rights = permissions.ownership_of(org, org.objectives[key_result.objective])
        return permissions.may_check_in(audience, rights, key_result.owner, key_result.contributors)

    def may_grade(objective: m.Objective) -> bool:
        return permissions.may_edit(audience, permissions.ownership_of(org, objective))

    return _attention(view, whose_of(audience, org), closed, may_check_in, may_grade)


def team_attention_get(view: View, team_id: str, closed: frozenset[str]) -> Attention:
    """What waits for a team, in what the reader of ``view`` may see: check-ins on its
    objectives and on the key results it contributes to, requests to it, deliveries it owes,
    and reviews of its objectives."""
    return _attention(view, team_whose(team_id), closed, _anyone, _anyone)


def _anyone(_thing: object) -> bool:
    return True


def _attention(
    view: View,
    whose: Whose,
    closed: frozenset[str],
    may_check_in: Callable[[m.KeyResult], bool],
    may_grade: Callable[[m.Objective], bool],
) -> Attention:
    org = view.org
    in_cycles = objectives_under_way(view, closed)
    key_results = [kr for kr in key_results_worked_on(view, whose, in_cycles) if may_check_in(kr)]
    waiting = [
        d.id
        for d in org.dependencies.values()
        if d.state == m.DependencyState.REQUESTED and d.provider in whose.teams
    ]
    return Attention(
        checkins_due=checkins_due(view, key_results),
        requests_waiting=requests_waiting(view, waiting),
        deliveries_overdue=deliveries_overdue(view, whose.teams),
        reviews_due=reviews_due(view, whose, closed, may_grade),
    )


def objectives_under_way(view: View, closed: frozenset[str]) -> list[m.Objective]:
    """The objectives of the cycles under way that are not closed."""
    cycles = set(current_cycles(view.org, view.as_of)) - closed
    return [o for o in view.org.objectives.values() if o.cycle in cycles]


def key_results_worked_on(
    view: View, whose: Whose, in_cycles: Iterable[m.Objective]
) -> list[m.KeyResult]:
    """The key results of ``whose`` objectives among ``in_cycles``, then those they work on
    in the others (in the organisation's order)."""
    org = view.org
    objectives = list(in_cycles)
    theirs = [o for o in objectives if is_mine(whose, o)]
    found = [org.key_results[k] for o in theirs for k in o.key_results]
    mine = {o.id for o in theirs}
    for objective in objectives:
        if objective.id not in mine:
            others = (org.key_results[k] for k in objective.key_results)
            found.extend(kr for kr in others if works_on(whose, kr))
    return found


def checked_in_today(view: View, key_result: m.KeyResult) -> bool:
    """Whether the latest check-in seen on the view's day is of that day."""
    seen = [c for c in key_result.checkins if c.date <= view.as_of]
    return bool(seen) and seen[-1].date == view.as_of


def checkins_due(view: View, key_results: Iterable[m.KeyResult]) -> list[CheckInDue]:
    """Those of ``key_results`` measured by now and not checked in today, but those of an
    archived person (nobody waits for them: give the key result another owner to bring it
    back): stale first, then the longest without an update."""
    results = view.evaluation.key_results
    due = []
    for key_result in key_results:
        result = results[key_result.id]
        if checked_in_today(view, key_result) or result.last_update > view.as_of:
            continue  # checked in today, or not measured yet (its cycle starts later)
        if _archived_owner(view.org, key_result):
            continue
        due.append(
            CheckInDue(
                key_result=key_result.id,
                title=key_result.title,
                objective=key_result.objective,
                last_update=result.last_update,
                days_since_update=(view.as_of - result.last_update).days,
                stale=result.stale,
            )
        )
    return sorted(due, key=lambda item: (not item.stale, item.last_update, item.key_result))


def _archived_owner(org: m.Organization, key_result: m.KeyResult) -> bool:
    """Whether the person who checks in on it (its owner, else its objective's) is archived."""
    owner = key_result.owner or org.objectives[key_result.objective].owner
    person = org.people.get(owner)
    return person is not None and bool(person.archived)


def requests_waiting(view: View, dependency_ids: Iterable[str]) -> list[WaitingRequest]:
    """The requests of ``dependency_ids`` (waiting for an answer) oldest first: those recorded
    in Tandem by when they were (last) requested; imported ones, whose date is unknown, first
    in the order given. One query whatever the size."""
    org = view.org
    requested_at = dict(
        DependencyEvent.objects.filter(to_state=State.REQUESTED, dependency__state=State.REQUESTED)
        .values("dependency_id")
        .annotate(at=Max("at"))
        .values_list("dependency_id", "at")
    )
    rows = [_waiting(org, org.dependencies[d], requested_at.get(d)) for d in dependency_ids]
    return sorted(
        rows,
        key=lambda r: (r.requested_at is not None, r.requested_at and r.requested_at.timestamp()),
    )


def _from_objective(org: m.Organization, dependency: m.Dependency) -> str:
    needer = dependency.from_id
    return org.key_results[needer].objective if needer in org.key_results else needer


def _waiting(
    org: m.Organization, dependency: m.Dependency, requested_at: datetime | None
) -> WaitingRequest:
    needer = dependency.from_id
    from_objective = _from_objective(org, dependency)
    provider = org.teams.get(dependency.provider)
    return WaitingRequest(
        id=dependency.id,
        need=dependency.need,
        provider=dependency.provider,
        provider_name=provider.name if provider is not None else "",
        from_id=needer,
        from_objective=from_objective,
        from_title=(
            org.key_results[needer].title
            if needer in org.key_results
            else org.objectives[needer].title
        ),
        requester_name=owner_name(org, org.objectives[from_objective].owner),
        due=dependency.due,
        requested_at=requested_at,
    )


def deliveries_overdue(view: View, teams: frozenset[str]) -> list[OverdueDelivery]:
    """The help ``teams`` accepted to give whose due date has passed, the longest overdue
    first."""
    org, today = view.org, view.as_of
    found = [
        OverdueDelivery(
            id=d.id,
            need=d.need,
            provider=d.provider,
            from_id=d.from_id,
            from_objective=_from_objective(org, d),
            due=d.due,
            days_overdue=(today - d.due).days,
        )
        for d in org.dependencies.values()
        if d.provider in teams
        and d.state == m.DependencyState.ACCEPTED
        and d.due is not None
        and d.due < today
    ]
    return sorted(found, key=lambda item: (item.due, item.id))


def reviews_due(
    view: View, whose: Whose, closed: frozenset[str], may_grade: Callable[[m.Objective], bool]
) -> list[ReviewDue]:
    """``whose`` objectives in cycles that have ended and are not closed, that the reader
    may grade: the cycle that ended first first."""
    org = view.org
    ended = {c.id: c.end for c in org.cycles.values() if c.end < view.as_of and c.id not in closed}
    found = [
        ReviewDue(objective=o.id, title=o.title, cycle=o.cycle, cycle_end=ended[o.cycle])
        for o in org.objectives.values()
        if o.cycle in ended and is_mine(whose, o) and may_grade(o)
    ]
    return sorted(found, key=lambda item: (item.cycle_end, item.cycle, item.objective))
