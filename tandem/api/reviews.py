"""The cycle review, the JSON twin of its page: each objective's score (computed, or
overridden with a reason), the reflections, closing and reopening the cycle.

The reads and writes are :mod:`tandem.organization.review`'s, as the page's: the same
numbers, the same refusals in the same words.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import StrictFloat, StrictInt

from tandem import clock
from tandem.api.auth import caller_of
from tandem.api.inputs import Input
from tandem.api.organization import CycleOut
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.api.versions import if_match
from tandem.okrs.checks import UNSET
from tandem.okrs.models import Cycle, KeyResult
from tandem.organization.review.selectors import (
    Figures,
    KeyResultGrade,
    ObjectiveGrade,
    Review,
    figures_of,
    grades_get,
    review_get,
)
from tandem.organization.review.services import (
    review_cycle_close,
    review_cycle_reopen,
    review_reflection_save,
    review_score_set,
)

router = Router(tags=["cycle review"])


class OverrideOut(Schema):
    score: float
    reason: str
    by: str | None = Field(description="who overrode the score (a person id)")
    at: dt.datetime | None


class KeyResultReviewOut(Schema):
    id: str
    title: str
    weight: float
    progress: float = Field(description="as of today, as everywhere else")
    expected_progress: float
    health: str
    computed_score: float = Field(description="the score its progress gives (SPEC: Grading)")
    score: float | None = Field(
        description="the overridden score if any, else the computed one; projected to the "
        "cycle's end before it ends"
    )
    override: OverrideOut | None
    version: int | None = Field(description="send it as If-Match to override the score")


class ReflectionOut(Schema):
    objective: str
    text: str
    by: str | None = Field(description="who wrote it (a person id)")
    at: dt.datetime = Field(description="when; send it as based_on to rewrite it")


class ObjectiveReviewOut(Schema):
    id: str
    title: str
    owner: str
    kind: str
    expected: float = Field(description="the score that meets it: committed 1.0, aspirational 0.7")
    progress: float | None
    health: str | None
    score: float | None = Field(description="the weighted mean of its key results' scores")
    met_expectation: bool | None = Field(
        description="whether the score meets `expected` (projected too, before the end)"
    )
    may_edit: bool = Field(description="you may grade its key results and write its reflection")
    key_results: list[KeyResultReviewOut]
    reflection: ReflectionOut | None


class FiguresOut(Schema):
    objectives: int
    mean_score: float | None
    met: int = Field(description="objectives that met their expectation, of `judged`")
    judged: int
    overridden: int = Field(description="key results whose score is overridden")
    reflections: int = Field(description="objectives with a reflection")


class CycleReviewOut(Schema):
    cycle: str
    start: dt.date
    end: dt.date
    state: str = Field(description="planning, active or closed")
    closed: bool
    ended: bool
    projected: bool = Field(
        description="the scores are projected: computed as if the cycle ended with what is "
        "recorded today (before it ends)"
    )
    may_close: bool = Field(description="you may close and reopen the cycle")
    company_lead: str | None = Field(description="who closes cycles, with the admins")
    figures: FiguresOut = Field(description="over every objective below")
    objectives: list[ObjectiveReviewOut] = Field(description="the cycle's you may see")


class ScoreIn(Input):
    score: StrictFloat | StrictInt | None = Field(
        description="from 0.0 to 1.0; null goes back to the computed score"
    )
    reason: str = Field("", description="why the computed score is overridden (required)")


class ScoreOut(Schema):
    key_result: str
    override: OverrideOut | None
    version: int


class ReflectionIn(Input):
    text: str
    based_on: dt.datetime | None = Field(
        None,
        description="`at` of the reflection you read (null: there was none); when someone "
        "saved another since, 412 and nothing is written. Left out: no check",
    )


def _key_result_out(row: KeyResultGrade) -> KeyResultReviewOut:
    key_result, result = row.key_result, row.result
    override = key_result.score_override
    return KeyResultReviewOut(
        id=key_result.id,
        title=key_result.title,
        weight=key_result.weight,
        progress=result.progress,
        expected_progress=result.expected_progress,
        health=result.health.value,
        computed_score=row.computed,
        score=row.score,
        override=None
        if override is None
        else OverrideOut(
            score=override.score, reason=override.reason, by=row.override_by, at=row.override_at
        ),
        version=row.version,
    )


def _objective_out(grade: ObjectiveGrade) -> ObjectiveReviewOut:
    objective, result, written = grade.objective, grade.result, grade.reflection
    return ObjectiveReviewOut(
        id=objective.id,
        title=objective.title,
        owner=objective.owner,
        kind=objective.kind.value,
        expected=grade.expected,
        progress=result.progress,
        health=result.health.value if result.health is not None else None,
        score=result.score,
        met_expectation=result.met_expectation,
        may_edit=grade.may_edit,
        key_results=[_key_result_out(row) for row in grade.key_results],
        reflection=None
        if written is None
        else ReflectionOut(objective=objective.id, text=written.text, by=written.by, at=written.at),
    )


def _review_out(review: Review, grades: list[ObjectiveGrade], figures: Figures) -> CycleReviewOut:
    cycle = review.cycle
    return CycleReviewOut(
        cycle=cycle.id,
        start=cycle.start,
        end=cycle.end,
        state=review.state,
        closed=review.closed,
        ended=review.ended,
        projected=review.projected,
        may_close=review.may_close,
        company_lead=review.company_lead,
        figures=FiguresOut(**vars(figures)),
        objectives=[_objective_out(grade) for grade in grades],
    )


@router.get("/cycles/{cycle_id}/review", response={200: CycleReviewOut, ERROR_STATUSES: Problem})
def cycle_review(request: HttpRequest, cycle_id: str) -> CycleReviewOut:
    """The review of a cycle, as its page shows it: every objective of the cycle you may see
    with its key results, their scores (computed, overridden) and its reflection; whether the
    cycle is closed and who may close it."""
    audience = caller_of(request).audience
    review = review_get(audience=audience, cycle_id=cycle_id, as_of=clock.today())
    grades = grades_get(review)
    reflected = frozenset(g.objective.id for g in grades if g.reflection is not None)
    figures = figures_of(review, review.objectives, reflected)
    return _review_out(review, grades, figures)


@router.put("/key-results/{key_result_id}/score", response={200: ScoreOut, ERROR_STATUSES: Problem})
def key_result_score(request: HttpRequest, key_result_id: str, payload: ScoreIn) -> ScoreOut:
    """Grade a key result by hand, with a reason (`"score": null` goes back to the computed
    score). The one change a closed cycle takes. `If-Match` (optional): the version read."""
    row: KeyResult = review_score_set(
        audience=caller_of(request).audience,
        key_result_id=key_result_id,
        score=None if payload.score is None else float(payload.score),
        reason=payload.reason if payload.score is not None else "",
        version=if_match(request, required=False),
    )
    override = None
    if row.override_score is not None:
        override = OverrideOut(
            score=row.override_score,
            reason=row.override_reason or "",
            by=row.override_by_id,
            at=row.override_at,
        )
    return ScoreOut(key_result=row.id, override=override, version=row.version)


@router.put(
    "/objectives/{objective_id}/reflection", response={200: ReflectionOut, ERROR_STATUSES: Problem}
)
def objective_reflection(
    request: HttpRequest, objective_id: str, payload: ReflectionIn
) -> ReflectionOut:
    """Write (or rewrite) the objective's reflection: what worked, what did not, what you
    would do differently. A closed cycle's are read-only (409)."""
    row = review_reflection_save(
        audience=caller_of(request).audience,
        objective_id=objective_id,
        text=payload.text,
        based_on=payload.based_on if "based_on" in payload.model_fields_set else UNSET,
    )
    return ReflectionOut(objective=objective_id, text=row.text, by=row.by_id, at=row.at)


def _cycle_out(row: Cycle) -> CycleOut:
    return CycleOut(id=row.id, start=row.start, end=row.end, parent=row.parent_id, state=row.state)


@router.post("/cycles/{cycle_id}/close", response={200: CycleOut, ERROR_STATUSES: Problem})
def cycle_close(request: HttpRequest, cycle_id: str) -> CycleOut:
    """Close the cycle: its OKRs, check-ins, dependencies and reflections become read-only;
    scores may still be overridden. Org admins and the company's lead."""
    return _cycle_out(review_cycle_close(audience=caller_of(request).audience, cycle_id=cycle_id))


@router.post("/cycles/{cycle_id}/reopen", response={200: CycleOut, ERROR_STATUSES: Problem})
def cycle_reopen(request: HttpRequest, cycle_id: str) -> CycleOut:
    """Reopen the cycle (planning before it starts, active from then on). Org admins and the
    company's lead."""
    return _cycle_out(review_cycle_reopen(audience=caller_of(request).audience, cycle_id=cycle_id))
