"""Every change moves the revision, so no app server keeps serving an old organisation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.db import transaction

from tandem.checkins.services import checkin_record
from tandem.core import model as m
from tandem.core.visibility import Audience
from tandem.dependencies.models import State
from tandem.dependencies.services import dependency_create, dependency_transition
from tandem.okrs.services import key_result_score_override, objective_align, objective_update
from tandem.organization.imports import organization_import
from tandem.organization.reporting import view_get
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
    from tandem.organization.archive import organization_current  # noqa: PLC0415
    from tandem.organization.reporting import _cache  # noqa: PLC0415

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
