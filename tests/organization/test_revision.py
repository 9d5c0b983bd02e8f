"""Every change moves the revision, so no app server keeps serving an old organisation."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction

from tandem import DEMO_FILE
from tandem.checkins.services import checkin_record
from tandem.core import model as m
from tandem.core.engine import evaluate
from tandem.core.visibility import Audience, audience_of, restrict, visible_objectives
from tandem.dependencies.models import State
from tandem.dependencies.services import dependency_create, dependency_transition
from tandem.errors import ConflictError
from tandem.okrfile import load_path
from tandem.okrs.key_results import key_result_score_override
from tandem.okrs.services import objective_align, objective_update
from tandem.organization.cache import view_get
from tandem.organization.imports import organization_import
from tandem.organization.reevaluation import Links, reevaluate
from tandem.organization.revision import revision_get
from tandem.people.models import Person
from tests.conftest import TODAY

ADMIN = Audience(person=None, admin=True)

CHANGES = {
    "check-in": lambda: checkin_record(key_result_id="SR-1.1", day=TODAY, confidence=3),
    "objective": lambda: objective_update(objective_id="SR-1", version=None, title="New"),
    "alignment": lambda: objective_align(objective_id="SR-2", target_id=None),
    "grade": lambda: key_result_score_override(
        key_result_id="SR-Q3-1.1", score=0.5, reason="fair", by_id="zoe"
    ),
    "request": lambda: dependency_create(from_id="SR-1.2", provider_team_id="infra", need="x"),
    "answer": lambda: dependency_transition(
        dependency_id="DEP-3", to_state=State.ACCEPTED, by_id="ana"
    ),
    "admin edit": lambda: Person.objects.filter(id="ben").first().save(),  # type: ignore[union-attr]
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_moves_the_revision_and_the_cache_follows(
    change: str, demo_in_db: m.Organization
) -> None:
    before = revision_get()
    cached = view_get(audience=ADMIN, as_of=TODAY)
    CHANGES[change]()
    assert revision_get() > before
    assert view_get(audience=ADMIN, as_of=TODAY) is not cached


def test_a_change_rolled_back_moves_nothing(demo_in_db: m.Organization) -> None:
    before = revision_get()
    cached = view_get(audience=ADMIN, as_of=TODAY)
    with transaction.atomic():
        CHANGES["check-in"]()
        transaction.set_rollback(True)
    assert revision_get() == before
    assert view_get(audience=ADMIN, as_of=TODAY) is cached


def test_an_import_moves_it_when_it_changes_something(demo_in_db: m.Organization) -> None:
    before = revision_get()
    organization_import(org=demo_in_db, source="again", today=TODAY)
    assert revision_get() == before  # nothing to write
    objectives = dict(demo_in_db.objectives)
    objectives["SR-1"] = replace(objectives["SR-1"], title="Renamed in the file")
    organization_import(org=replace(demo_in_db, objectives=objectives), source="v2", today=TODAY)
    assert revision_get() > before


def test_new_check_ins_are_added_to_the_cache_as_a_full_read_would_have_them(
    demo_in_db: m.Organization,
) -> None:
    from tandem.organization.cache import _cache  # noqa: PLC0415
    from tandem.organization.loading import organization_current  # noqa: PLC0415

    view_get(audience=ADMIN, as_of=TODAY)
    structure, facts = revision_get().structure, _cache.facts
    # Today's, a backdated one, two on one day (recorded order counts), one without value.
    checkin_record(key_result_id="SR-1.1", day=TODAY, value=700, confidence=5)
    checkin_record(key_result_id="SR-1.1", day=date(2026, 10, 2), value=1, confidence=9)
    checkin_record(key_result_id="IN-1.1", day=TODAY, value=10)
    checkin_record(key_result_id="IN-1.1", day=TODAY, value=12)
    checkin_record(key_result_id="IN-1.1", day=TODAY, confidence=2, note="worse")
    assert revision_get().structure == structure  # check-ins only: no full read needed
    cached = view_get(audience=ADMIN, as_of=TODAY).org
    assert cached.key_results == organization_current().key_results
    assert _cache.revision == revision_get()
    assert _cache.facts is facts  # added to, not read again


def _with_checkin(org: m.Organization, kid: str, checkin: m.CheckIn) -> m.Organization:
    key_results = dict(org.key_results)
    kr = key_results[kid]
    merged = tuple(sorted((*kr.checkins, checkin), key=lambda c: c.date))
    key_results[kid] = replace(kr, checkins=merged)
    return replace(org, key_results=key_results)


def _checkin_for(kr: m.KeyResult, rng: random.Random, day: date) -> m.CheckIn:
    metric = kr.metric
    value: float | bool | None = None
    if isinstance(metric, m.BooleanMetric):
        value = rng.random() < 0.5
    elif not isinstance(metric, m.MilestonesMetric | m.RollupMetric) and rng.random() < 0.8:
        value = rng.uniform(-50, 1500)
    return m.CheckIn(day, value, rng.choice([None, *range(11)]), None, None)


@pytest.mark.parametrize("source", ["demo", "generated-300"])
def test_re_evaluating_after_check_ins_gives_what_evaluating_everything_gives(
    source: str, generated_file: Any
) -> None:
    """Only what new check-ins reach is evaluated again; the answer is the whole one's, for
    everyone and for what one person may see, whatever day the check-ins are for."""
    whole = load_path(str(DEMO_FILE if source == "demo" else generated_file(300))).organization
    rng = random.Random(3)
    viewers = [None, *rng.sample(sorted(whole.people), 3)]
    days = [TODAY, date(2026, 10, 1), date(2026, 12, 20)]
    for viewer in viewers:
        org = whole
        if viewer is not None:
            org = restrict(whole, visible_objectives(whole, audience_of(whole, viewer)))
        evaluation, links = evaluate(org, TODAY), Links(org)
        key_results = list(org.key_results)
        # Every key result once (roll-ups, providers of dependencies and all), then a few
        # at a time.
        batches = [[kid] for kid in key_results]
        batches += [rng.sample(key_results, 4) for _ in range(20)]
        for batch in batches[:: 1 if source == "demo" else 7]:
            for kid in batch:
                org = _with_checkin(
                    org, kid, _checkin_for(org.key_results[kid], rng, rng.choice(days))
                )
            evaluation = reevaluate(org, evaluation, batch, links)
            assert evaluation == evaluate(org, TODAY), (viewer, batch)


def test_a_view_held_is_brought_up_to_date_with_new_check_ins(
    demo_in_db: m.Organization,
) -> None:
    """Every key result of the demo checked in on: each cached view (everyone's, ben's)
    equals the evaluation of the organisation read afresh."""
    from tandem.organization.loading import organization_current  # noqa: PLC0415

    ben = audience_of(demo_in_db, "ben")
    view_get(audience=ADMIN, as_of=TODAY)
    view_get(audience=ben, as_of=TODAY)
    for kid, kr in demo_in_db.key_results.items():
        metric = kr.metric
        value: float | bool | None = None
        if isinstance(metric, m.BooleanMetric):
            value = True
        elif not isinstance(metric, m.MilestonesMetric | m.RollupMetric):
            value = 1
        try:
            checkin_record(key_result_id=kid, day=TODAY, value=value, confidence=1)
        except ConflictError:
            continue  # a closed cycle's
        if kid.endswith("1"):
            continue  # let some pile up
        current = organization_current()
        for audience in (ADMIN, ben):
            view = view_get(audience=audience, as_of=TODAY)
            seen = restrict(current, visible_objectives(current, audience))
            assert view.org == seen
            assert view.evaluation == evaluate(seen, TODAY), (kid, audience.person)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("inside", ["own statement", "caller's transaction"])
def test_check_ins_written_at_once_by_many_all_reach_the_cache(
    demo_organization: m.Organization, inside: str
) -> None:
    """Writers in parallel commit check-ins in another order than their ids; readers in
    between must still end up with every one of them, none twice. Alone, a check-in is one
    statement that takes the lock itself; inside a caller's transaction a signal takes it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one connection's: writers take turns anyway")
    from tandem.organization.loading import organization_current  # noqa: PLC0415

    organization_import(org=demo_organization, source="northwind.yaml", today=TODAY)
    targets = ["SR-1.1", "SR-1.2", "IN-1.1", "IN-1.2"]
    view_get(audience=ADMIN, as_of=TODAY)
    errors: list[BaseException] = []

    def write(kid: str) -> None:
        try:
            for i in range(15):
                if inside == "own statement":
                    checkin_record(key_result_id=kid, day=TODAY, value=i, confidence=i % 11)
                    continue
                with transaction.atomic():
                    checkin_record(key_result_id=kid, day=TODAY, value=i, confidence=i % 11)
                    time.sleep(0.002)  # hold the transaction open: commits interleave
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    writers = [threading.Thread(target=write, args=(kid,)) for kid in targets]
    for writer in writers:
        writer.start()
    while any(writer.is_alive() for writer in writers):
        view_get(audience=ADMIN, as_of=TODAY)  # refresh between commits
    for writer in writers:
        writer.join()
    assert not errors
    cached = view_get(audience=ADMIN, as_of=TODAY)
    current = organization_current()
    assert cached.org.key_results == current.key_results
    assert cached.evaluation == evaluate(current, TODAY)


def test_a_request_that_read_an_older_revision_gets_what_is_held(
    demo_in_db: m.Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threads read the revision before taking the cache's lock: one that read it before
    another thread moved the cache on must not make it read everything again."""
    from tandem.organization import cache  # noqa: PLC0415

    older = revision_get()
    view_get(audience=ADMIN, as_of=TODAY)
    checkin_record(key_result_id="SR-1.1", day=TODAY, confidence=3)
    newer = view_get(audience=ADMIN, as_of=TODAY)
    facts = cache._cache.facts
    monkeypatch.setattr(cache, "revision_get", lambda: older)
    assert view_get(audience=ADMIN, as_of=TODAY) is newer
    assert cache._cache.facts is facts  # not read again
