"""``tandem serve --demo`` tells the README's story on whatever day it is started.

The demo is loaded as of several days, and what the pages read (the cached view, the lint
findings, the history) is checked against the story the file tells as of 2026-11-21.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from tandem.core import model as m
from tandem.core.engine import Health
from tandem.core.visibility import Audience
from tandem.okrs.models import Cycle, Reflection
from tandem.organization import demo
from tandem.organization.cache import view_get
from tandem.organization.demo import DEMO_STORY_DAY, demo_load
from tandem.organization.history import objective_history_get
from tandem.organization.reports import lint_get
from tandem.people.models import Person

pytestmark = pytest.mark.django_db
ADMIN = Audience(person=None, admin=True)
DAYS = [
    DEMO_STORY_DAY,
    date(2026, 12, 5),
    date(2026, 12, 31),
    date(2027, 1, 1),
    date(2027, 2, 14),
    date(2028, 2, 29),
    date(2028, 7, 1),
]


def is_quarter(cycle: m.Cycle) -> bool:
    return 89 <= (cycle.end - cycle.start).days <= 92


def is_year(cycle: m.Cycle) -> bool:
    return 364 <= (cycle.end - cycle.start).days <= 366


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_demo_tells_the_same_story_on_any_day(today: date) -> None:
    assert demo_load(today=today).loaded
    view = view_get(audience=ADMIN, as_of=today)
    org, evaluation = view.org, view.evaluation
    active = [c for c in org.cycles.values() if evaluation.cycles[c.id].active]

    # A quarter about three fifths through, inside a year that is under way.
    (quarter,) = [c for c in active if is_quarter(c)]
    assert 0.5 <= evaluation.cycles[quarter.id].elapsed <= 0.8
    (year,) = [c for c in active if is_year(c)]
    assert quarter.parent == year.id

    # The quarter before it closed, graded, with its owners' reflections.
    (previous,) = [c for c in org.cycles.values() if is_quarter(c) and c.end < today]
    assert previous.end + timedelta(days=1) == quarter.start
    assert Cycle.objects.get(id=previous.id).state == Cycle.State.CLOSED
    graded = [o for o in org.objectives.values() if o.cycle == previous.id]
    assert graded
    assert all(evaluation.objectives[o.id].score is not None for o in graded)
    assert set(Reflection.objects.values_list("objective_id", flat=True)) == {o.id for o in graded}

    # Check-ins up to the last few days: only a few key results are stale.
    current = [
        k
        for k in org.key_results.values()
        if org.objectives[k.objective].cycle in {quarter.id, year.id}
    ]
    assert sum(evaluation.key_results[k.id].stale for k in current) <= 3
    latest = max(c.date for k in current for c in k.checkins)
    assert 0 < (today - latest).days <= 3

    # One overdue request, every state of a request, the two-step chain of risk.
    overdue = [f for f in lint_get(audience=ADMIN, as_of=today) if f.rule == "dependency-overdue"]
    assert [f.target for f in overdue] == ["DEP-7"]
    assert {d.state for d in org.dependencies.values()} == set(m.DependencyState)
    assert evaluation.key_results["SRE-1.1"].own_health == Health.OFF_TRACK
    assert evaluation.key_results["IN-1.1"].own_health == Health.ON_TRACK
    assert evaluation.key_results["IN-1.1"].at_risk_from == ("DEP-2",)
    assert evaluation.key_results["SR-1.1"].at_risk_from == ("DEP-1",)
    # As the README tells it: IN-1.1 fine on its own, off track through DEP-2; so is SR-1.1.
    assert evaluation.key_results["IN-1.1"].health == Health.OFF_TRACK
    assert evaluation.key_results["SR-1.1"].health == Health.OFF_TRACK
    assert org.dependencies["DEP-1"].provider_kr == "IN-1.1"
    assert org.dependencies["DEP-2"].provider_kr == "SRE-1.1"

    # History signed by the demo's people, all of it before today.
    people = {p.name for p in org.people.values()}
    for objective_id in ("SR-1", "IN-1", "PA-1", "SR-Q3-1", "CS-1"):
        history = objective_history_get(view, ADMIN, objective_id)
        assert history.entries
        for entry in history.entries:
            assert entry.by in people, entry
            assert entry.at.date() < today, entry


def test_on_the_story_day_the_demo_is_the_file_with_every_check_in_signed(
    demo_organization: m.Organization,
) -> None:
    moved = demo.demo_organization(today=DEMO_STORY_DAY)
    assert list(moved.cycles) == list(demo_organization.cycles)
    assert moved.cycles == demo_organization.cycles
    assert moved.dependencies == demo_organization.dependencies
    for key_result_id, key_result in moved.key_results.items():
        written = demo_organization.key_results[key_result_id].checkins
        assert [c.date for c in key_result.checkins] == [c.date for c in written]
        assert all(c.by is not None for c in key_result.checkins)
        # Signed by whoever the file says, else by the key result's owner.
        for checkin, as_written in zip(key_result.checkins, written, strict=True):
            assert checkin.by == (as_written.by or key_result.owner)


def test_the_pages_show_the_moved_demo_signed_by_its_people(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    today = date(2027, 2, 14)
    monkeypatch.setattr("tandem.clock.today", lambda: today)
    demo_load(today=today)
    client = Client()
    user = Person.objects.select_related("user").get(id="zoe").user
    assert user is not None
    client.force_login(user)
    pages = {}
    for address in (
        "/",
        "/objectives/SR-1",
        "/objectives/SR-Q3-1",
        "/dependencies",
        "/dashboard",
        "/alignment",
        "/cycles/2026-Q4/review",
        "/report",
    ):
        answer = client.get(address)
        assert answer.status_code == 200, address
        pages[address] = answer.content.decode()
        assert "Someone" not in pages[address], address
    assert "2027-Q1" in pages["/objectives/SR-1"]
    assert "Ben Okafor" in pages["/objectives/SR-1"]
    assert "synonym model helped less than we hoped" in pages["/cycles/2026-Q4/review"]


def test_the_dates_and_quarters_the_notes_mention_move_with_the_demo() -> None:
    def notes(org: m.Organization, key_result_id: str) -> list[str | None]:
        return [c.note for c in org.key_results[key_result_id].checkins]

    moved = demo.demo_organization(today=date(2027, 2, 14))
    assert notes(moved, "NW-1.1")[0] == (
        "Q1 speed objectives agreed with search, infrastructure and mobile"
    )
    assert "remaining merchants booked for the Feb 24-Mar 3 windows" in notes(moved, "PA-1.2")
    assert "certification tests booked for February 18" in notes(moved, "PA-2.1")
    assert "load-balancer firmware fix not before March" in notes(moved, "SRE-1.1")
    override = moved.key_results["SR-Q3-1.2"].score_override
    assert override is not None
    assert override.reason.startswith("Scope cut to 8 formats in November")
    # As of the story's day, the notes are the file's.
    assert "certification tests booked for November 25" in notes(
        demo.demo_organization(today=DEMO_STORY_DAY), "PA-2.1"
    )
