"""The cache brought up to date by the change log answers as a cache that read everything.

Random sequences of edits go through the real services; after each one, what the process's
cache answers (brought up to date from what it held) must equal what a new cache, reading the
whole organisation, answers: the view (organisation and evaluation), the report and the lint
findings, for an admin and for members who see less.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.checkins.services import checkin_record
from tandem.core import model as m
from tandem.core.visibility import Audience, audience_of
from tandem.dependencies.models import State
from tandem.dependencies.services import dependency_create, dependency_transition
from tandem.errors import TandemError
from tandem.okrs import key_results
from tandem.okrs import services as okrs
from tandem.organization import cache
from tandem.organization.cache import View, _Cache, lint_held, view_get
from tandem.organization.reports import report_get, scope_get
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

ADMIN = Audience(person=None, admin=True)
OBJECTIVES = ["SR-1", "SR-2", "IN-1", "BEN-1", "MO-1", "NW-1", "PA-1", "UM-1", "SR-Q3-1"]
KEY_RESULTS = ["SR-1.1", "SR-1.2", "IN-1.1", "BEN-1.1", "MO-1.1", "NW-1.1", "PA-1.1", "UM-1.3"]
TEAMS = ["search", "infra", "payments"]
PEOPLE = ["ben", "ana", "dan", "tom"]


def _edits() -> st.SearchStrategy[tuple[Any, ...]]:
    objective, key_result = st.sampled_from(OBJECTIVES), st.sampled_from(KEY_RESULTS)
    number = st.integers(min_value=0, max_value=2000)
    return st.one_of(
        st.tuples(st.just("title"), objective, number),
        st.tuples(st.just("description"), objective, number),
        st.tuples(st.just("kind"), objective, st.sampled_from(["committed", "aspirational"])),
        st.tuples(st.just("visibility"), objective, st.sampled_from(["public", "team", "private"])),
        st.tuples(st.just("align"), objective, st.none() | objective | key_result),
        st.tuples(st.just("archive"), objective),
        st.tuples(st.just("restore"), objective),
        st.tuples(st.just("key result title"), key_result, number),
        st.tuples(st.just("target"), key_result, number),
        st.tuples(st.just("weight"), key_result, st.sampled_from([0.0, 0.5, 1.0, 3.0])),
        st.tuples(st.just("override"), key_result, st.sampled_from([None, 0.3, 0.9])),
        st.tuples(st.just("check-in"), key_result, number),
        st.tuples(st.just("contributors"), key_result, st.lists(st.sampled_from(PEOPLE))),
        st.tuples(st.just("key result archive"), key_result),
        st.tuples(st.just("key result"), objective, number),
        st.tuples(st.just("dependency"), objective | key_result, st.sampled_from(TEAMS)),
        st.tuples(
            st.just("dependency state"),
            st.sampled_from([f"DEP-{n}" for n in range(1, 8)]),
            st.sampled_from(list(State)),
        ),
    )


_APPLY: dict[str, Callable[..., object]] = {
    "title": lambda o, n: okrs.objective_update(objective_id=o, version=None, title=f"T {n}"),
    "description": lambda o, n: okrs.objective_update(
        objective_id=o, version=None, description=f"D {n}"
    ),
    "kind": lambda o, kind: okrs.objective_update(objective_id=o, version=None, kind=kind),
    "visibility": lambda o, v: okrs.objective_update(objective_id=o, version=None, visibility=v),
    "align": lambda o, target: okrs.objective_align(objective_id=o, target_id=target),
    "archive": lambda o: okrs.objective_archive(objective_id=o),
    "restore": lambda o: okrs.objective_restore(objective_id=o),
    "key result title": lambda k, n: key_results.key_result_update(
        key_result_id=k, version=None, title=f"KR {n}"
    ),
    "target": lambda k, n: key_results.key_result_update(key_result_id=k, version=None, target=n),
    "weight": lambda k, w: key_results.key_result_update(key_result_id=k, version=None, weight=w),
    "override": lambda k, score: key_results.key_result_score_override(
        key_result_id=k, score=score, reason="graded", by_id=None
    ),
    "check-in": lambda k, n: checkin_record(key_result_id=k, day=TODAY, value=n, confidence=6),
    "contributors": lambda k, people: key_results.key_result_update(
        key_result_id=k, version=None, contributor_ids=sorted(set(people))
    ),
    "key result archive": lambda k: key_results.key_result_archive(key_result_id=k),
    "key result": lambda o, n: key_results.key_result_create(
        objective_id=o, title=f"New {n}", form="numeric", start=0, target=n + 1
    ),
    "dependency": lambda source, team: dependency_create(
        from_id=source, provider_team_id=team, need="a hand"
    ),
    "dependency state": lambda d, state: dependency_transition(
        dependency_id=d, to_state=state, by_id=None, reason="moved on"
    ),
}


def _answers(view: View, findings: list[Any]) -> tuple[Any, ...]:
    scope = scope_get(view, cycle="all", team=None)
    from tandem.core.report import build_report  # noqa: PLC0415

    return view.org, view.evaluation, build_report(view.org, view.evaluation, scope), findings


def _same_as_a_full_read(audiences: list[Audience], day: date) -> None:
    fresh = _Cache()
    for audience in audiences:
        held = _answers(*lint_held(audience=audience, as_of=day))
        read = _answers(*fresh.lint(audience, day))
        assert held == read, audience


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(_edits(), min_size=1, max_size=6))
def test_the_cache_after_any_edits_answers_as_a_full_read(
    demo_in_db: m.Organization, edits: list[tuple[Any, ...]]
) -> None:
    audiences = [ADMIN, *(audience_of(demo_in_db, person) for person in ("ben", "dan", "kenji"))]
    cache.cache_clear()
    with transaction.atomic():
        for day in (TODAY, date(2026, 12, 20)):
            _same_as_a_full_read(audiences, day)  # held from here on
        for edit, *arguments in edits:
            try:
                with transaction.atomic():
                    _APPLY[edit](*arguments)
            except TandemError:
                continue  # refused (a closed cycle, a loop...): nothing changed
            _same_as_a_full_read(audiences, TODAY)
        _same_as_a_full_read(audiences, date(2026, 12, 20))
        transaction.set_rollback(True)
    cache.cache_clear()


def test_a_title_edit_reads_and_evaluates_nothing_again(
    demo_in_db: m.Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = view_get(audience=ADMIN, as_of=TODAY)
    facts = cache._cache.facts

    def forbidden(*args: object) -> None:
        pytest.fail("read or evaluated everything again")

    monkeypatch.setattr(cache, "organization_current_and_loaded", forbidden)
    monkeypatch.setattr(cache, "evaluate", forbidden)
    okrs.objective_update(objective_id="SR-1", version=None, title="Find anything in a second")
    after = view_get(audience=ADMIN, as_of=TODAY)
    assert after.org.objectives["SR-1"].title == "Find anything in a second"
    assert after.evaluation is before.evaluation
    assert cache._cache.facts is facts
    assert report_get(audience=ADMIN, as_of=TODAY)["objectives"]


@pytest.mark.parametrize(
    "edit",
    [
        ("target", "SR-1.1", 5),
        ("override", "SR-Q3-1.1", 0.9),
        ("weight", "SR-1.2", 3.0),
        ("title", "MO-1", 1),
        ("align", "SR-2", None),
        ("dependency state", "DEP-1", State.DECLINED),
    ],
)
def test_each_kind_of_edit_answers_as_a_full_read(
    demo_in_db: m.Organization, edit: tuple[Any, ...]
) -> None:
    audiences = [ADMIN, *(audience_of(demo_in_db, person) for person in ("ben", "kenji"))]
    _same_as_a_full_read(audiences, TODAY)
    _APPLY[edit[0]](*edit[1:])
    _same_as_a_full_read(audiences, TODAY)


def test_a_text_edit_keeps_what_a_viewer_may_not_see_cut(demo_in_db: m.Organization) -> None:
    """Once NW-1 is private, ben sees SR-1 aligned to nothing; a new title changes no link."""
    audiences = [ADMIN, audience_of(demo_in_db, "ben")]
    _same_as_a_full_read(audiences, TODAY)
    _APPLY["visibility"]("NW-1", "private")
    _same_as_a_full_read(audiences, TODAY)
    _APPLY["title"]("SR-1", 1)
    _APPLY["key result title"]("NW-1.1", 2)
    _same_as_a_full_read(audiences, TODAY)
    assert view_get(audience=audiences[1], as_of=TODAY).org.objectives["SR-1"].aligns_to is None


def test_a_full_read_overtaken_by_edits_is_brought_up_to_date_by_the_log(
    demo_in_db: m.Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edits landing during every full read (as at several a second on a big organisation):
    what was read is held at the revision it started from, and the next request re-reads
    what the log says moved since, instead of reading everything again and again."""
    read = cache.organization_current_and_loaded
    edits = iter(range(10))

    def read_while_editing() -> Any:
        loaded = read()
        okrs.objective_update(objective_id="SR-1", version=None, title=f"Moved {next(edits)}")
        return loaded

    monkeypatch.setattr(cache, "organization_current_and_loaded", read_while_editing)
    view_get(audience=ADMIN, as_of=TODAY)
    assert cache._cache.revision is not None
    assert cache._cache.revision.structure >= 0  # held at a revision, not "unknown"
    monkeypatch.undo()
    assert view_get(audience=ADMIN, as_of=TODAY).org.objectives["SR-1"].title == "Moved 2"
    _same_as_a_full_read([ADMIN, audience_of(demo_in_db, "ben")], TODAY)


def test_a_thread_that_asked_before_another_moved_the_cache_on_keeps_the_newer(
    demo_in_db: m.Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threads read the revision before taking the cache's lock: one that read it before
    another thread brought the cache up to a later edit must not read everything again."""
    view_get(audience=ADMIN, as_of=TODAY)
    older = cache.revision_get()
    okrs.objective_update(objective_id="SR-1", version=None, title="Later")
    real, asked, newer = cache.revision_get, [], []

    def asked_before_the_other_thread() -> Any:
        if asked:
            return real()
        asked.append(True)
        newer.append(view_get(audience=ADMIN, as_of=TODAY))  # the other thread, meanwhile
        newer.append(cache._cache.state)
        return older

    monkeypatch.setattr(cache, "revision_get", asked_before_the_other_thread)
    view = view_get(audience=ADMIN, as_of=TODAY)
    assert view is newer[0]
    assert view.org.objectives["SR-1"].title == "Later"
    assert cache._cache.state is newer[1]  # nothing read or patched again


def test_a_change_of_people_reads_everything_again(demo_in_db: m.Organization) -> None:
    from tandem.people.models import Person  # noqa: PLC0415

    view_get(audience=ADMIN, as_of=TODAY)
    facts = cache._cache.facts
    Person.objects.filter(id="ben").update(name="Ben")  # no signal: nothing logged either
    person = Person.objects.get(id="tom")
    person.name = "Tom T."
    person.save()
    view_get(audience=ADMIN, as_of=TODAY)
    assert cache._cache.facts is not facts
