"""Cycles: a cycle starting soon reaches the leads of teams without objectives in it; a
cycle ended and not closed asks the owners to grade and reflect and the company's lead to
close it. Once each; owners hear only of their own objectives."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tandem.core import model as m
from tandem.notifications.alerts.cycles import cycle_alerts_send
from tandem.notifications.models import Notification
from tandem.okrs.cycles import cycle_state_set
from tandem.okrs.models import Cycle
from tandem.okrs.services import objective_create
from tests.notifications.alerts_support import TODAY, inboxes

LEADS = ["zoe", "ana", "omar", "lena", "priya", "kenji", "maya"]


@pytest.fixture
def next_quarter(demo_in_db: m.Organization) -> Cycle:
    return Cycle.objects.create(id="2027-Q1", start=date(2027, 1, 1), end=date(2027, 3, 31))


def test_a_cycle_starting_soon_reaches_the_leads_of_teams_without_objectives_in_it(
    next_quarter: Cycle,
) -> None:
    objective_create(cycle_id="2027-Q1", title="Make search faster still", owner_team_id="search")
    cycle_alerts_send(date(2026, 12, 24))  # 8 days before: not yet
    assert inboxes(kind="cycle_starting") == {}
    cycle_alerts_send(date(2026, 12, 25))
    cycle_alerts_send(date(2026, 12, 26))  # once
    assert inboxes(kind="cycle_starting") == {
        lead: ["cycle_starting"] for lead in LEADS if lead != "ana"
    }
    note = Notification.objects.get(kind="cycle_starting", recipient_id="omar")
    assert note.title == "2027-Q1 starts in 7 days: Infrastructure has no objectives in it yet"
    assert note.category == "cycle"
    assert note.link == "/teams/infra"


def test_a_year_is_planned_through_its_quarters(next_quarter: Cycle) -> None:
    Cycle.objects.create(id="FY2027", start=date(2027, 1, 1), end=date(2027, 12, 31))
    Cycle.objects.filter(pk="2027-Q1").update(parent_id="FY2027")
    cycle_alerts_send(date(2026, 12, 28))
    assert set(Notification.objects.values_list("object_id", flat=True)) == {"2027-Q1"}


def test_an_ended_cycle_asks_owners_to_grade_and_the_company_lead_to_close(
    demo_in_db: m.Organization,
) -> None:
    cycle_state_set(cycle_id="2026-Q3", state=Cycle.State.ACTIVE)  # imported closed
    # ben's own objective in the ended quarter, private: his alone to hear of.
    objective_create(
        cycle_id="2026-Q3",
        title="Learn the ranking code",
        owner_person_id="ben",
        visibility="private",
    )
    cycle_alerts_send(TODAY)
    cycle_alerts_send(TODAY + timedelta(days=1))
    review = Notification.objects.filter(kind="cycle_review")
    assert inboxes(kind="cycle_review") == {p: ["cycle_review"] for p in ["priya", "ana", "ben"]}
    ana = review.get(recipient_id="ana")
    assert ana.link == "/cycles/2026-Q3/review"
    assert ana.title == "2026-Q3 has ended: grade and reflect on your objectives"
    assert ana.sections == [
        {
            "heading": "Your objectives",
            "items": [
                {
                    "text": "SR-Q3-1: Make search results relevant for new customers",
                    "link": "/objectives/SR-Q3-1",
                }
            ],
        }
    ]
    assert not any(
        "Learn the ranking code" in str(n.sections) for n in review.exclude(recipient_id="ben")
    )
    assert "Learn the ranking code" in str(review.get(recipient_id="ben").sections)
    assert inboxes(kind="cycle_close") == {"zoe": ["cycle_close"]}


def test_a_closed_cycle_asks_no_one(demo_in_db: m.Organization) -> None:
    cycle_alerts_send(TODAY)  # 2026-Q3 is closed, FY2026 and 2026-Q4 have not ended
    assert inboxes(kind="cycle_review") == {}
    assert inboxes(kind="cycle_close") == {}


def test_the_cycle_alerts_take_as_many_queries_for_more_owners(demo_in_db: m.Organization) -> None:
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from tandem.notifications.alerts.seeing import alerts_view  # noqa: PLC0415

    def counted() -> int:
        Notification.objects.all().delete()
        alerts_view(TODAY)  # the organisation read (or brought up to date) beforehand
        with CaptureQueriesContext(connection) as queries:
            cycle_alerts_send(TODAY)
        return len(queries)

    cycle_state_set(cycle_id="2026-Q3", state=Cycle.State.ACTIVE)
    few = counted()
    for team in ["infra", "sre", "mobile", "cs"]:
        objective_create(cycle_id="2026-Q3", title=f"{team} did things", owner_team_id=team)
    assert counted() == few
    assert len(inboxes(kind="cycle_review")) == 6
