"""The policy's database answers agree with the core's rules, for every person."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.access.policy import audience_get, objectives_visible_q
from tandem.core import model as m
from tandem.core.visibility import audience_of, visible_objectives
from tandem.okrfile import load_path
from tandem.okrs.models import Objective
from tandem.organization.imports import organization_import
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
def test_the_audience_takes_a_fixed_number_of_queries(
    person: str, demo_in_db: m.Organization
) -> None:
    with CaptureQueriesContext(connection) as queries:
        audience_get(person_id=person)
    # The teams led and below them, the reports, the memberships.
    assert len(queries) == 3


def test_admins_and_strangers(db: None) -> None:
    assert audience_get(person_id="zoe", admin=True).admin
    assert objectives_visible_q(audience_get(person_id=None)) is not None
