"""Advice while writing: the quality rules (:mod:`tandem.core.quality`) that an objective or a
key result being written would break, worded as lint words them.

The draft is linted in a small organisation made of it and what the rules compare it with:
people, teams and cycles as they are, and only the objectives around it (its owner's in the
same cycle, and the chains they align to). A draft is what a form holds, as typed: texts are
"" when empty, numbers are the text typed (what cannot be read yet gives no advice).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from tandem.core import model as m
from tandem.core.engine import evaluate
from tandem.core.numbers import NumberTextError, number_from_text, usable_number
from tandem.core.quality import Finding, lint

# Rules about what happens after writing (check-ins, answers to requests), not the writing.
NOT_ADVICE = frozenset(
    {
        "stale-checkin",
        "dependency-unconfirmed",
        "dependency-declined",
        "dependency-overdue",
        "dependency-cycle",
    }
)


@dataclass(frozen=True, slots=True)
class ObjectiveDraft:
    """An objective's form as typed; an empty owner or cycle is the existing objective's."""

    title: str = ""
    owner: str = ""
    cycle: str = ""
    aligns_to: str = ""
    description: str = ""
    umbrella: bool = False
    umbrella_owner: str = ""
    umbrella_teams: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KeyResultDraft:
    """A key result's form as typed; numbers as the texts typed."""

    title: str = ""
    form: str = ""
    start: str = ""
    target: str = ""
    threshold: str = ""
    unit: str = ""
    weight: str = ""
    owner: str = ""
    contributors: tuple[str, ...] = ()
    description: str = ""


def _number(text: str) -> int | float | None:
    """A number as typed (400 stays an int, so lint's messages read as they do for files)."""
    try:
        number = number_from_text(text)
    except NumberTextError:
        return None
    # Nothing to advise on a number the services would refuse.
    return number if usable_number(number) else None


def _metric(draft: KeyResultDraft) -> m.Metric:
    """The metric being written; what cannot be read yet counts as a roll-up (no advice)."""
    form = draft.form
    start, target, threshold = (_number(t) for t in (draft.start, draft.target, draft.threshold))
    unit = draft.unit or None
    if form == "numeric" and start is not None and target is not None:
        return m.NumericMetric(start, target, unit)
    if form in ("keep_above", "keep_below") and threshold is not None:
        return m.ThresholdMetric(threshold, form == "keep_above", unit)
    if form == "boolean":
        return m.BooleanMetric()
    if form == "milestones":
        return m.MilestonesMetric((m.Milestone("milestone"),))
    return m.RollupMetric()


def _around(org: m.Organization, objective_ids: Iterable[str]) -> dict[str, m.Objective]:
    """The objectives and the chain each aligns to, upward (for the level and the cycles)."""
    found: dict[str, m.Objective] = {}
    for objective_id in objective_ids:
        node: str | None = objective_id
        while node is not None and node not in found:
            if node in org.key_results:
                node = org.key_results[node].objective
            objective = org.objectives.get(node)
            if objective is None:
                break
            found[objective.id] = objective
            node = objective.aligns_to
    return found


def _findings(
    org: m.Organization,
    as_of: date,
    objectives: dict[str, m.Objective],
    key_results: dict[str, m.KeyResult],
) -> list[Finding]:
    """Lint a small organisation made of the draft and what it needs around it."""
    ids = set(objectives) | set(key_results)
    dependencies = {
        d.id: replace(d, provider_kr=None) for d in org.dependencies.values() if d.from_id in ids
    }
    draft = replace(org, objectives=objectives, key_results=key_results, dependencies=dependencies)
    return [f for f in lint(draft, evaluate(draft, as_of)) if f.rule not in NOT_ADVICE]


def _objective(draft: ObjectiveDraft, existing: m.Objective | None) -> m.Objective:
    umbrella = None
    if draft.umbrella:
        umbrella = m.Umbrella(owner=draft.umbrella_owner or None, teams=draft.umbrella_teams)
    return m.Objective(
        id=existing.id if existing else "new objective",
        title=draft.title.strip(),
        cycle=draft.cycle or (existing.cycle if existing else ""),
        owner=draft.owner or (existing.owner if existing else ""),
        aligns_to=draft.aligns_to or None,
        umbrella=umbrella,
        description=draft.description or None,
        key_results=existing.key_results if existing else (),
    )


def objective_advice(
    org: m.Organization, as_of: date, draft: ObjectiveDraft, subject: str | None
) -> list[Finding]:
    """What the rules say about the objective being written (``subject``: the one edited)."""
    existing = org.objectives.get(subject or "")
    objective = _objective(draft, existing)
    owner, cycle = objective.owner, objective.cycle
    if not objective.title or owner not in (*org.teams, *org.people) or cycle not in org.cycles:
        return []
    same_owner = [o.id for o in org.objectives.values() if o.owner == owner and o.cycle == cycle]
    objectives = _around(org, [*same_owner, *filter(None, [objective.aligns_to])])
    objectives[objective.id] = objective
    key_results = {k: org.key_results[k] for o in objectives.values() for k in o.key_results}
    return [
        f
        for f in _findings(org, as_of, objectives, key_results)
        if (objective.id in (f.target, f.related) or f.target == owner)
        and not (existing is None and f.rule == "objective-without-key-results")
        and f.rule != "individual-heavy-team"
    ]


def _key_result(
    org: m.Organization, draft: KeyResultDraft, objective: m.Objective, draft_id: str
) -> m.KeyResult:
    owner = draft.owner or (objective.owner if objective.owner in org.people else None)
    weight = _number(draft.weight)
    return m.KeyResult(
        id=draft_id,
        objective=objective.id,
        title=draft.title.strip(),
        metric=_metric(draft),
        owner=owner,
        contributors=draft.contributors,
        weight=weight if weight is not None and weight >= 0 else 1.0,
        description=draft.description or None,
    )


def key_result_advice(
    org: m.Organization,
    as_of: date,
    draft: KeyResultDraft,
    objective_id: str,
    subject: str | None,
) -> list[Finding]:
    """What the rules say about the key result being written for ``objective_id``
    (``subject``: the one edited)."""
    objective = org.objectives.get(objective_id)
    if objective is None or not draft.title.strip():
        return []
    draft_id = subject if subject in org.key_results else f"{objective_id}.new"
    siblings = tuple(k for k in objective.key_results if k != draft_id)
    objectives = _around(org, [objective_id])
    objectives[objective_id] = replace(objective, key_results=(*siblings, draft_id))
    key_results = {
        k: org.key_results[k] for o in objectives.values() for k in o.key_results if k != draft_id
    }
    key_results[draft_id] = _key_result(org, draft, objective, draft_id)
    adding = subject is None
    return [
        f
        for f in _findings(org, as_of, objectives, key_results)
        if draft_id in (f.target, f.related)
        or (adding and f.rule == "too-many-key-results" and f.target == objective_id)
    ]
