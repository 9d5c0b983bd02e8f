"""The key result cards of My OKRs and the objective page, and My OKRs itself: built from
the caller's :class:`View` (already restricted to what they may see, and evaluated). The
domain reads these pages also show live below the web: what needs attention
(:mod:`tandem.organization.attention`), the history, the charts and the links around an
objective (:mod:`tandem.organization.history`, ``charts``, ``objective_links``).

The permission questions a page asks for every key result it lists (may I check in? may I
edit?) are answered here on the plain data, with the rules of :mod:`tandem.access.policy`, so
that a page of a hundred key results does not ask the database a hundred times. The writes
still ask the policy itself; a test checks both give the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.html import escape
from django.utils.safestring import mark_safe

from tandem.core import model as m
from tandem.core import permissions
from tandem.core.checkin_values import value_kind
from tandem.core.insight import forecast_key_result, objective_forecast
from tandem.core.permissions import ownership_of
from tandem.core.report import current_cycles
from tandem.core.visibility import Audience
from tandem.organization.attention import (
    WaitingRequest,
    attention_get,
    key_results_worked_on,
    objectives_under_way,
)
from tandem.organization.cache import View
from tandem.organization.mine import is_mine, whose_of
from tandem.organization.wording import number, owner_name, person_name, reason_parts, with_unit

# --- permissions on the plain data: the rules of tandem.core.permissions -------------------


def may_edit(audience: Audience, org: m.Organization, objective: m.Objective) -> bool:
    return permissions.may_edit(audience, ownership_of(org, objective))


def may_check_in(audience: Audience, org: m.Organization, key_result: m.KeyResult) -> bool:
    rights = ownership_of(org, org.objectives[key_result.objective])
    return permissions.may_check_in(audience, rights, key_result.owner, key_result.contributors)


# --- a key result as a card --------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why a key result is at risk: one dependency that lowered its health, for the engine's
    reason (tandem.core.risk) in the words of tandem.organization.wording (the template links
    the ids)."""

    dependency: str
    code: str  # a tandem.core.risk reason code: declined, overdue, not-accepted, ...
    before: str  # the words before the provider key result (all of them when none)
    provider_kr: str | None  # the key result that delivers the help, when its health decides
    after: str
    provider_objective: str | None = None

    @property
    def words(self) -> str:
        """The reason as one sentence."""
        return f"{self.dependency}: {self.before}{self.provider_kr or ''}{self.after}"


def dependency_reason(view: View, dependency_id: str) -> Reason:
    org = view.org
    dependency = org.dependencies[dependency_id]
    code = view.evaluation.dependencies[dependency_id].reason.value
    provider_kr = dependency.provider_kr if dependency.provider_kr in org.key_results else None
    before, provider_kr, after = reason_parts(
        code,
        provider=owner_name(org, dependency.provider),
        due=dependency.due,
        provider_kr=provider_kr,
    )
    objective = org.key_results[provider_kr].objective if provider_kr is not None else None
    return Reason(dependency_id, code, _text(before), provider_kr, _text(after), objective)


def _text(text: str) -> str:
    """Words for a template's text (not an attribute): escaped, but for the apostrophes of
    possessives ("Infrastructure's"), which are harmless there."""
    return mark_safe(escape(text).replace("&#x27;", "'"))  # noqa: S308


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
    # Where it lands at its cycle's end if its trend holds (SPEC section 5), and that day.
    forecast: float | None = None
    cycle_end: date | None = None

    @property
    def value_kind(self) -> str:
        """Which value the check-in form asks for: number, done, or none."""
        return value_kind(self.form)


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
        # An ended cycle's key results are graded, no longer followed (as the lint's rule).
        stale=result.stale and evaluation.cycles[objective.cycle].active,
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
        forecast=forecast_key_result(key_result, cycle := org.cycles[objective.cycle], view.as_of),
        cycle_end=cycle.end,
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
    forecast: float | None = None
    cycle_end: date | None = None


def objective_summary(view: View, objective_id: str) -> ObjectiveSummary:
    objective = view.org.objectives[objective_id]
    result = view.evaluation.objectives[objective_id]
    cycle = view.org.cycles[objective.cycle]
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
        forecast=objective_forecast_of(view, objective_id),
        cycle_end=cycle.end,
    )


def objective_forecast_of(view: View, objective_id: str) -> float | None:
    """The objective's forecast (SPEC section 5) from its key results' own."""
    org = view.org
    cycle = org.cycles[org.objectives[objective_id].cycle]
    found = {}
    for kid in org.objectives[objective_id].key_results:
        value = forecast_key_result(org.key_results[kid], cycle, view.as_of)
        if value is not None:
            found[kid] = value
    return objective_forecast(org, objective_id, found)


# --- My OKRs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyObjective:
    summary: ObjectiveSummary
    key_results: tuple[KeyResultCard, ...]
    mine: bool  # an individual objective of mine (else my team's, or an umbrella I own)


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


def my_okrs_get(view: View, audience: Audience, closed: frozenset[str]) -> MyOkrs:
    """The caller's objectives and key results in the cycles under way, what they help with
    elsewhere, and from "what needs attention" the requests waiting for their teams and what
    needs a check-in (stale first). One query (when the requests were made)."""
    org = view.org
    whose = whose_of(audience, org)
    in_cycles = objectives_under_way(view, closed)
    found = MyOkrs(cycles=tuple(c for c in current_cycles(org, view.as_of) if c not in closed))
    cards = {
        key_result.id: key_result_card(view, key_result.id, audience, closed)
        for key_result in key_results_worked_on(view, whose, in_cycles)
    }
    for objective in in_cycles:
        if is_mine(whose, objective):
            summary = objective_summary(view, objective.id)
            own = tuple(cards[key_result_id] for key_result_id in objective.key_results)
            found.objectives.append(MyObjective(summary, own, objective.owner == whose.person))
    mine = found.objective_ids
    found.elsewhere = [card for card in cards.values() if card.objective not in mine]
    attention = attention_get(view, audience, closed)
    found.waiting = attention.requests_waiting
    found.due = [cards[item.key_result] for item in attention.checkins_due]
    return found
