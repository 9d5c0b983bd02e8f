"""The cycle review's reads and writes, as the page and the API call them: what one viewer
sees, whose objectives are theirs, the figures, and the writes' refusals."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.access.policy import audience_get
from tandem.core import model as m
from tandem.core import permissions
from tandem.core.visibility import Audience
from tandem.errors import NotFoundError, PermissionDeniedError
from tandem.okrs.key_results import key_result_archive
from tandem.okrs.models import Cycle, KeyResult, Reflection
from tandem.okrs.reviews import reflection_save
from tandem.organization.review.selectors import (
    figures_of,
    grades_get,
    reflected_get,
    review_get,
    yours,
)
from tandem.organization.review.services import (
    review_cycle_close,
    review_cycle_reopen,
    review_reflection_save,
    review_score_set,
)
from tests.conftest import TODAY


def who(person: str, *, admin: bool = False) -> Audience:
    return audience_get(person_id=person, admin=admin)


# --- reads ---------------------------------------------------------------------------------


def test_the_review_holds_what_the_viewer_may_see_and_theirs(demo_in_db: m.Organization) -> None:
    ben = review_get(audience=who("ben"), cycle_id="2026-Q4", as_of=TODAY)
    dan = review_get(audience=who("dan"), cycle_id="2026-Q4", as_of=TODAY)
    assert "BEN-1" in {o.id for o in ben.objectives}
    assert "BEN-1" not in {o.id for o in dan.objectives}
    assert yours(ben) == {"SR-1", "SR-2", "BEN-1"}
    assert (ben.projected, ben.closed, ben.may_close, ben.company_lead) == (
        True,
        False,
        False,
        "zoe",
    )
    # An admin's own objectives are those of their teams (Zoe leads the company: none in Q4).
    zoe = review_get(audience=who("zoe", admin=True), cycle_id="2026-Q4", as_of=TODAY)
    assert (yours(zoe), zoe.may_close) == (frozenset(), True)


def test_an_unknown_cycle_is_not_found(demo_in_db: m.Organization) -> None:
    with pytest.raises(NotFoundError, match="there is no cycle 'NOPE'"):
        review_get(audience=who("ben"), cycle_id="NOPE", as_of=TODAY)


def test_grades_and_figures_of_an_ended_cycle(demo_in_db: m.Organization) -> None:
    review = review_get(audience=who("ana"), cycle_id="2026-Q3", as_of=TODAY)
    grades = {g.objective.id: g for g in grades_get(review)}
    graded = {row.key_result.id: row for row in grades["SR-Q3-1"].key_results}["SR-Q3-1.2"]
    assert graded.score == 1.0
    assert graded.computed < 1.0
    assert graded.version is not None
    assert grades["SR-Q3-1"].may_edit is True
    figures = figures_of(review, review.objectives, reflected_get(review))
    assert figures.objectives == len(review.objectives)
    assert figures.judged == figures.objectives  # every objective with key results is judged
    assert figures.overridden >= 1
    assert figures.reflections == 0


def test_the_grades_of_a_few_objectives_take_two_queries(demo_in_db: m.Organization) -> None:
    review = review_get(audience=who("ben"), cycle_id="2026-Q4", as_of=TODAY)
    for objectives in ([], list(review.objectives[:1]), list(review.objectives)):
        with CaptureQueriesContext(connection) as queries:
            grades_get(review, objectives)
        assert len(queries) == 2


# --- writes --------------------------------------------------------------------------------


def test_grading_asks_the_policy_and_refuses_in_its_words(demo_in_db: m.Organization) -> None:
    with pytest.raises(PermissionDeniedError) as refused:
        review_score_set(audience=who("tom"), key_result_id="SR-1.1", score=0.5, reason="x")
    assert refused.value.message == permissions.grade_refused("SR-1")
    with pytest.raises(NotFoundError):  # hidden from dan
        review_score_set(audience=who("dan"), key_result_id="BEN-1.1", score=0.5, reason="x")
    with pytest.raises(NotFoundError):  # not in that cycle
        review_score_set(
            audience=who("ana"), key_result_id="SR-1.1", score=0.5, reason="x", cycle_id="2026-Q3"
        )
    assert not KeyResult.objects.filter(override_by__isnull=False).exists()
    row = review_score_set(audience=who("ana"), key_result_id="SR-1.1", score=0.5, reason="x")
    assert (row.override_score, row.override_by_id) == (0.5, "ana")


def test_an_archived_key_result_is_not_graded(demo_in_db: m.Organization) -> None:
    key_result_archive(key_result_id="SR-1.2")
    with pytest.raises(NotFoundError):
        review_score_set(audience=who("ana"), key_result_id="SR-1.2", score=0.5, reason="x")


def test_reflecting_asks_the_policy(demo_in_db: m.Organization) -> None:
    with pytest.raises(PermissionDeniedError) as refused:
        review_reflection_save(audience=who("tom"), objective_id="SR-1", text="x")
    assert refused.value.message == permissions.reflect_refused("SR-1")
    saved = review_reflection_save(audience=who("ben"), objective_id="SR-1", text="Done.")
    assert (saved.by_id, Reflection.objects.count()) == ("ben", 1)


def test_a_reflection_read_from_json_is_the_one_saved(demo_in_db: m.Organization) -> None:
    first = reflection_save(objective_id="SR-1", text="First", by_id="ben")
    # JSON writes times to the millisecond.
    read = first.at.replace(microsecond=first.at.microsecond // 1000 * 1000)
    again = reflection_save(objective_id="SR-1", text="Again", by_id="ana", based_on=read)
    assert again.text == "Again"


def test_only_admins_and_the_company_lead_close_and_reopen(
    demo_in_db: m.Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    for act in (review_cycle_close, review_cycle_reopen):
        with pytest.raises(PermissionDeniedError) as refused:
            act(audience=who("ana"), cycle_id="2026-Q4")
        assert refused.value.message == permissions.CLOSE_CYCLE_REFUSED
        with pytest.raises(NotFoundError):
            act(audience=who("zoe", admin=True), cycle_id="NOPE")
    # Zoe leads the company: she closes without being an admin.
    assert review_cycle_close(audience=who("zoe"), cycle_id="2026-Q4").state == "closed"
    # Reopened before it starts, a cycle is in planning again.
    monkeypatch.setattr("tandem.clock.today", lambda: date(2026, 9, 1))
    reopened = review_cycle_reopen(audience=who("zoe"), cycle_id="2026-Q4")
    assert Cycle.objects.get(id="2026-Q4").state == reopened.state == Cycle.State.PLANNING
