"""Reads of the cycle review, for one viewer: the cycle's state and scores, who may close it,
each objective's grades and reflection, and the figures of a group of objectives. Only what
the viewer may see: everything comes from their view of the organisation.

Scores follow SPEC section 2 ("Grading"): before the cycle ends the engine has none, so the
review shows the projected ones, computed as if the cycle ended with what is recorded today.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import NamedTuple, TypeVar

from django.db.models import Q

from tandem.core import model as m
from tandem.core import permissions
from tandem.core.engine import Evaluation, KeyResultResult, ObjectiveResult, round_score
from tandem.core.rules import EXPECTED_SCORE
from tandem.core.visibility import Audience
from tandem.errors import NotFoundError
from tandem.okrs.models import Cycle, KeyResult, Reflection
from tandem.organization.cache import View, view_get
from tandem.organization.mine import is_mine, whose_of


@dataclass(frozen=True)
class Review:
    """A cycle's review as one viewer sees it: what every part of it shares."""

    audience: Audience
    view: View  # the organisation today, as the viewer may see it
    cycle: m.Cycle
    state: str  # Cycle.State: planning, active or closed
    evaluation: Evaluation  # the one holding the scores: as of the cycle's end when projected
    projected: bool
    may_close: bool  # the viewer may close and reopen the cycle
    company_lead: str | None  # who, besides admins, may close it
    objectives: tuple[m.Objective, ...]  # the cycle's objectives the viewer may see

    @property
    def closed(self) -> bool:
        return self.state == Cycle.State.CLOSED

    @property
    def ended(self) -> bool:
        return self.view.evaluation.cycles[self.cycle.id].ended


class Written(NamedTuple):
    """A reflection: its text, who wrote it (a person id, None if unknown) and when."""

    text: str
    by: str | None
    at: datetime


@dataclass(frozen=True)
class KeyResultGrade:
    key_result: m.KeyResult
    # Its progress, expected progress and health as of today, as every other page shows
    # them; its score (projected, before the cycle ends) as of the cycle's end.
    result: KeyResultResult
    computed: float  # the score its progress gives, whatever the override
    override_by: str | None
    override_at: datetime | None
    version: int | None  # a score override is based on it

    @property
    def score(self) -> float | None:
        return self.result.score


@dataclass(frozen=True)
class ObjectiveGrade:
    objective: m.Objective
    result: ObjectiveResult  # as a key result's: today's progress, the score at the end
    key_results: tuple[KeyResultGrade, ...]
    reflection: Written | None
    may_edit: bool  # the viewer may grade its key results and write its reflection

    @property
    def expected(self) -> float:
        return EXPECTED_SCORE[self.objective.kind]


@dataclass(frozen=True)
class Figures:
    """A group of objectives at a glance."""

    objectives: int
    mean_score: float | None
    met: int  # met their expectation, of the ``judged`` (none before the cycle ends)
    judged: int
    overridden: int  # key results whose score is overridden
    reflections: int  # objectives with a reflection


# --- the review ------------------------------------------------------------------------------


def review_get(*, audience: Audience, cycle_id: str, as_of: date) -> Review:
    """The review of ``cycle_id`` for ``audience`` on ``as_of``; NotFoundError for no cycle."""
    view = view_get(audience=audience, as_of=as_of)
    cycle = view.org.cycles.get(cycle_id)
    state = Cycle.objects.filter(id=cycle_id).values_list("state", flat=True).first()
    if cycle is None or state is None:
        raise NotFoundError(f"there is no cycle '{cycle_id}'")
    evaluation, projected = _graded(audience, view, cycle)
    root = view.org.root_team
    lead = root.lead if root is not None else None
    return Review(
        audience=audience,
        view=view,
        cycle=cycle,
        state=state,
        evaluation=evaluation,
        projected=projected,
        may_close=permissions.may_close_cycle(audience, lead),
        company_lead=lead,
        objectives=tuple(o for o in view.org.objectives.values() if o.cycle == cycle.id),
    )


def reflected_get(review: Review) -> frozenset[str]:
    """Which of the review's objectives have a reflection. One query."""
    written = Reflection.objects.filter(objective__cycle_id=review.cycle.id)
    ids = written.values_list("objective_id", flat=True)
    return frozenset({o.id for o in review.objectives}.intersection(ids))


def yours(review: Review) -> frozenset[str]:
    """The review's objectives that are the viewer's (:func:`tandem.organization.mine.is_mine`:
    owned by them, by a team they belong to or lead, or an umbrella they own). An admin's are
    those of their own teams, like anyone's."""
    if review.audience.person is None:
        return frozenset()
    whose = whose_of(review.audience, review.view.org)
    return frozenset(o.id for o in review.objectives if is_mine(whose, o))


def figures_of(
    review: Review, objectives: Sequence[m.Objective], reflected: frozenset[str]
) -> Figures:
    """The figures of ``objectives``: how many, their mean score, how many met their
    expectation, scores overridden and reflections written (``reflected``: reflected_get's)."""
    key_results = review.view.org.key_results
    results = [review.evaluation.objectives[o.id] for o in objectives]
    scores = [r.score for r in results if r.score is not None]
    judged = [r.met_expectation for r in results if r.met_expectation is not None]
    return Figures(
        objectives=len(results),
        mean_score=sum(scores) / len(scores) if scores else None,
        met=sum(judged),
        judged=len(judged),
        overridden=sum(
            1
            for o in objectives
            for key_result_id in o.key_results
            if key_results[key_result_id].score_override is not None
        ),
        reflections=sum(1 for o in objectives if o.id in reflected),
    )


# --- each objective's grades -------------------------------------------------------------


_Stored = tuple[int | None, str | None, datetime | None]


def grades_get(
    review: Review, objectives: Sequence[m.Objective] | None = None
) -> list[ObjectiveGrade]:
    """The grades of ``objectives`` (None: all the review's), with two queries for what the
    engine does not hold: who overrode a score and when, and the reflections."""
    if objectives is None:
        objectives = review.objectives
        where = Q(objective__cycle_id=review.cycle.id)
    else:
        # Never an empty IN (), which Django answers without a query: a page then makes the
        # same queries whatever it shows.
        where = Q(objective_id__in=[o.id for o in objectives] or [""])
    stored: dict[str, _Stored] = {
        key_result_id: (version, by, at)
        for key_result_id, version, by, at in KeyResult.objects.filter(where).values_list(
            "id", "version", "override_by_id", "override_at"
        )
    }
    written = {
        objective_id: Written(text, by, at)
        for objective_id, text, by, at in Reflection.objects.filter(where).values_list(
            "objective_id", "text", "by_id", "at"
        )
    }
    return [_grade(review, o, stored, written) for o in objectives]


def _grade(
    review: Review, objective: m.Objective, stored: dict[str, _Stored], written: dict[str, Written]
) -> ObjectiveGrade:
    today, graded = review.view.evaluation, review.evaluation
    rows = []
    for key_result_id in objective.key_results:
        at_end = graded.key_results[key_result_id]
        version, by, at = stored.get(key_result_id, (None, None, None))
        rows.append(
            KeyResultGrade(
                key_result=review.view.org.key_results[key_result_id],
                result=_as_today(today.key_results[key_result_id], at_end),
                computed=round_score(at_end.progress),
                override_by=by,
                override_at=at,
                version=version,
            )
        )
    ownership = permissions.ownership_of(review.view.org, objective)
    return ObjectiveGrade(
        objective=objective,
        result=_as_today(today.objectives[objective.id], graded.objectives[objective.id]),
        key_results=tuple(rows),
        reflection=written.get(objective.id),
        may_edit=permissions.may_edit(review.audience, ownership),
    )


_Result = TypeVar("_Result", KeyResultResult, ObjectiveResult)


def _as_today(today: _Result, graded: _Result) -> _Result:
    """A key result's or objective's progress, expected progress and health as of today; its
    score (and whether it met its expectation) from the evaluation as of the cycle's end."""
    if today is graded:
        return today
    if isinstance(today, ObjectiveResult) and isinstance(graded, ObjectiveResult):
        return replace(today, score=graded.score, met_expectation=graded.met_expectation)
    return replace(today, score=graded.score)


# --- the scores as of the cycle's end ----------------------------------------------------


class _EndEvaluations:
    """The evaluation as of a cycle's end, kept with the view it was asked for.

    Before a cycle ends, its (projected) scores come from a second evaluation of everything
    the viewer may see, as of the cycle's end: a quarter of a second for 10,000 people. The
    organisation's cache holds a few evaluations shared by every page and day, and lets this
    one go first; here it is kept as long as the view of today it goes with (the same object
    while nothing changes; a new one after any change, which then asks again, and the
    organisation's cache brings its own up to date with the new check-ins only).
    """

    HELD = 8

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.held: OrderedDict[tuple[int, str], tuple[weakref.ref[View], Evaluation]] = (
            OrderedDict()
        )

    def get(self, audience: Audience, view: View, cycle: m.Cycle) -> Evaluation:
        key = (id(view), cycle.id)
        with self.lock:
            found = self.held.get(key)
            if found is not None and found[0]() is view:
                self.held.move_to_end(key)
                return found[1]
        evaluation = view_get(audience=audience, as_of=cycle.end).evaluation
        with self.lock:
            for gone in [k for k, (ref, _e) in self.held.items() if ref() is None]:
                del self.held[gone]
            self.held[key] = (weakref.ref(view), evaluation)
            while len(self.held) > self.HELD:
                self.held.popitem(last=False)
        return evaluation


_end_evaluations = _EndEvaluations()


def _graded(audience: Audience, view: View, cycle: m.Cycle) -> tuple[Evaluation, bool]:
    """The evaluation that has the cycle's scores, and whether they are projected."""
    if view.evaluation.cycles[cycle.id].ended:
        return view.evaluation, False
    return _end_evaluations.get(audience, view, cycle), True
