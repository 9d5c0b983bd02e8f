"""A closed cycle's statistics read from the database: the same as the engine's on the file,
only what the viewer may see, and a fixed number of queries whatever the size."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.access.policy import audience_get
from tandem.core import model as m
from tandem.core.cycle_stats import cycle_stats, stats_json
from tandem.core.engine import evaluate
from tandem.core.visibility import Audience
from tandem.dependencies.models import Dependency, DependencyEvent, State
from tandem.dependencies.services import dependency_transition
from tandem.errors import NotFoundError
from tandem.okrfile import load_path
from tandem.okrs.models import Cycle
from tandem.organization.cache import cache_clear
from tandem.organization.cycle_stats import cycle_statistics_get, latest_closed_get
from tandem.organization.imports import organization_import
from tandem.organization.review.services import review_cycle_close, review_score_set
from tests.conftest import TODAY
from tests.personas import PERSONAS


def who(name: str) -> Audience:
    persona = PERSONAS[name]
    return audience_get(person_id=persona.person, admin=persona.admin)


def test_the_closed_q3_has_the_engines_figures_on_the_file(demo_in_db: m.Organization) -> None:
    read = cycle_statistics_get(audience=who("admin"), cycle_id="2026-Q3", as_of=TODAY)
    assert read.closed
    assert read.stats is not None
    evaluation = evaluate(demo_in_db, TODAY)
    graded = dict.fromkeys(demo_in_db.cycles, evaluation)
    from_file = cycle_stats(demo_in_db, graded, "2026-Q3", closed=["2026-Q3"])
    assert stats_json(read.stats) == stats_json(from_file)
    company = read.stats.company
    assert (company.objectives, company.key_results, company.met.met) == (2, 4, 2)
    assert [c.id for c in read.closed_cycles] == ["2026-Q3"]


def test_a_cycle_not_closed_has_no_statistics_and_an_unknown_one_is_not_found(
    demo_in_db: m.Organization,
) -> None:
    read = cycle_statistics_get(audience=who("member"), cycle_id="2026-Q4", as_of=TODAY)
    assert (read.closed, read.stats) == (False, None)
    with pytest.raises(NotFoundError):
        cycle_statistics_get(audience=who("member"), cycle_id="1999-Q1", as_of=TODAY)
    assert latest_closed_get(audience=who("member"), as_of=TODAY).id == "2026-Q3"  # type: ignore[union-attr]


def _close_q4() -> None:
    review_cycle_close(audience=who("admin"), cycle_id="2026-Q4")


@pytest.mark.parametrize("name", ["admin", "lead", "member", "other_team", "outsider"])
def test_no_one_counts_what_they_may_not_see(demo_in_db: m.Organization, name: str) -> None:
    _close_q4()  # before its end: graded as of its end, as its review projects it
    read = cycle_statistics_get(audience=who(name), cycle_id="2026-Q4", as_of=TODAY)
    assert read.stats is not None
    in_q4 = [o for o in demo_in_db.objectives.values() if o.cycle == "2026-Q4"]
    hidden = {"BEN-1": {"admin", "lead", "member"}, "MO-1": {"admin"}}
    seen = [o for o in in_q4 if name in hidden.get(o.id, {name})]
    company = read.stats.company
    assert company.objectives == len(seen)
    assert company.key_results == sum(len(o.key_results) for o in seen)
    # DEP-4, declined, is asked for by MO-1.1: only the admin counts it.
    assert company.dependencies.declined == (1 if name == "admin" else 0)
    search = next(t for t in read.stats.teams if t.team == "search")
    assert search.stats.objectives == (3 if name in {"admin", "lead", "member"} else 2)


def test_delivered_on_time_comes_from_the_dependencys_history(demo_in_db: m.Organization) -> None:
    admin = who("admin")
    for dependency_id in ("DEP-1", "DEP-7"):
        dependency_transition(dependency_id=dependency_id, to_state=State.DELIVERED, by_id="zoe")
    # Delivered on 20 November (the events' time is the real clock's: set it).
    delivered = DependencyEvent.objects.filter(to_state=State.DELIVERED)
    delivered.update(at=datetime(2026, 11, 20, 12, tzinfo=UTC))
    _close_q4()
    read = cycle_statistics_get(audience=admin, cycle_id="2026-Q4", as_of=TODAY)
    assert read.stats is not None
    counts = read.stats.company.dependencies
    # DEP-1 (due 1 Dec) on time, DEP-7 (due 14 Nov) late; DEP-5 was
    # imported delivered, on a day nobody knows (the import's event says when it was imported).
    assert DependencyEvent.objects.filter(to_state="delivered").count() == 3
    assert (counts.delivered, counts.on_time, counts.late) == (3, 1, 1)
    assert counts.requested == Dependency.objects.count()


def test_the_statistics_take_the_same_queries_at_any_size(db: None, generated_file) -> None:  # type: ignore[no-untyped-def]
    def queries_for(people: int) -> int:
        organization = load_path(generated_file(people)).organization
        Cycle.objects.update(state=Cycle.State.ACTIVE)  # an import changes no closed cycle
        organization_import(org=organization, source="f", today=TODAY, prune=True)
        Cycle.objects.filter(id="2026-Q3").update(state=Cycle.State.CLOSED)
        audience = who("admin")
        cycle_statistics_get(audience=audience, cycle_id="2026-Q3", as_of=TODAY)  # the view
        with CaptureQueriesContext(connection) as queries:
            read = cycle_statistics_get(audience=audience, cycle_id="2026-Q3", as_of=TODAY)
        assert read.stats is not None
        assert read.stats.company.objectives > 0
        return len(queries)

    assert queries_for(100) == queries_for(1000)
    assert queries_for(100) <= 4


def test_a_cycle_with_no_objectives_has_zeros(demo_in_db: m.Organization) -> None:
    Cycle.objects.create(
        id="2026-Q2", start=date(2026, 4, 1), end=date(2026, 6, 30), state=Cycle.State.CLOSED
    )
    cache_clear()
    read = cycle_statistics_get(audience=who("member"), cycle_id="2026-Q2", as_of=TODAY)
    assert read.stats is not None
    assert read.stats.company.objectives == 0
    assert read.stats.teams == ()
    assert read.stats.company.objective_scores.median is None


def test_the_statistics_are_held_until_something_changes(demo_in_db: m.Organization) -> None:
    first = cycle_statistics_get(audience=who("lead"), cycle_id="2026-Q3", as_of=TODAY)
    again = cycle_statistics_get(audience=who("lead"), cycle_id="2026-Q3", as_of=TODAY)
    assert again.stats is first.stats
    assert first.stats is not None
    assert first.stats.company.objective_scores.mean == 0.9
    # Grading is the one change a closed cycle takes: SR-Q3-1.1 from 0.6 to 1.0.
    review_score_set(audience=who("lead"), key_result_id="SR-Q3-1.1", score=1.0, reason="x")
    graded = cycle_statistics_get(audience=who("lead"), cycle_id="2026-Q3", as_of=TODAY)
    assert graded.stats is not None
    assert graded.stats.company.objective_scores.mean == 1.0
