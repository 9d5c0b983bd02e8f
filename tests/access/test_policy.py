"""The policy's database answers agree with the core's rules, for every person."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.access.policy import audience_get, objectives_visible_q
from tandem.core import model as m
from tandem.core.visibility import audience_of, visible_objectives
from tandem.okrfile import load_path
from tandem.okrs.models import Objective
from tandem.organization.imports import organization_import
from tandem.organization.revision import revision_get
from tandem.organization.selectors import organization_load
from tandem.people.models import Membership, Team
from tests.conftest import TODAY


def assert_agree(org: m.Organization, people: list[str]) -> None:
    for person in people:
        from_db = audience_get(person_id=person)
        assert from_db == audience_of(org, person), person
        visible = set(
            Objective.objects.filter(objectives_visible_q(from_db)).values_list("id", flat=True)
        )
        assert visible == set(visible_objectives(org, from_db)), person


def test_database_and_core_agree_on_the_demo(demo_in_db: m.Organization) -> None:
    assert_agree(demo_in_db, list(demo_in_db.people))


def test_database_and_core_agree_on_a_generated_organisation(db: None, generated_file) -> None:  # type: ignore[no-untyped-def]
    org = load_path(generated_file(1000)).organization
    organization_import(org=org, source="generated", today=TODAY)
    hidden = [o for o in org.objectives.values() if o.visibility is not m.Visibility.PUBLIC]
    assert hidden, "the generated organisation should have team and private objectives"
    leads = [t.lead for t in org.teams.values() if t.lead]
    owners = [o.owner for o in hidden if o.owner in org.people]
    assert_agree(org, sorted(set(leads[:40] + owners[:40] + list(org.people)[::50])))


@pytest.mark.parametrize("person", ["zoe", "ben"])
def test_the_audience_takes_one_query_and_none_while_the_structure_stays(
    person: str, demo_in_db: m.Organization
) -> None:
    structure = revision_get().structure
    with CaptureQueriesContext(connection) as queries:
        audience = audience_get(person_id=person)
    # The teams led and below them, the reports, the memberships: one query.
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        assert audience_get(person_id=person, structure=structure) == audience
        assert audience_get(person_id=person, structure=structure) == audience
    assert len(queries) == 1  # kept after the first


def test_a_kept_audience_follows_a_change_of_teams(demo_in_db: m.Organization) -> None:
    before = audience_get(person_id="ben", structure=revision_get().structure)
    Membership.objects.filter(person_id="ben").delete()
    Team.objects.filter(lead_id="ben").update(lead=None)
    after = audience_get(person_id="ben", structure=revision_get().structure)
    assert after.teams == frozenset() != before.teams
    assert after == audience_of(organization_load(), "ben")


def test_admins_and_strangers(db: None) -> None:
    assert audience_get(person_id="zoe", admin=True).admin
    assert objectives_visible_q(audience_get(person_id=None)) is not None


def test_a_key_result_read_in_plain_sql_is_the_orm_s(demo_in_db: m.Organization) -> None:
    """Every field of the key result, its objective and its cycle, converted as the ORM does
    (dates, times, JSON values, booleans, decimals)."""
    from tandem.access.policy import _key_result_with_objective  # noqa: PLC0415
    from tandem.checkins.services import checkin_record  # noqa: PLC0415
    from tandem.okrs.key_results import key_result_score_override  # noqa: PLC0415
    from tandem.okrs.models import KeyResult  # noqa: PLC0415

    key_result_score_override(key_result_id="SR-Q3-1.1", score=0.5, reason="fair", by_id="zoe")
    checkin_record(key_result_id="SR-1.1", day=TODAY, value=3.5)

    def fields(instance: Any) -> dict[str, Any]:
        return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}

    rows = KeyResult.objects.select_related("objective__cycle").order_by("id")
    assert rows
    for expected in rows:
        found = _key_result_with_objective(expected.pk)
        assert found is not None
        assert fields(found) == fields(expected)
        assert fields(found.objective) == fields(expected.objective)
        assert fields(found.objective.cycle) == fields(expected.objective.cycle)
        assert not found._state.adding
    assert _key_result_with_objective("NOPE") is None
