"""What needs attention, per person and per team, on the demo organisation as each reader may
see it: in a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem import clock
from tandem.checkins.services import checkin_record
from tandem.core import model as m
from tandem.core.visibility import Audience, audience_of
from tandem.okrs.selectors import closed_cycles_get
from tandem.organization.attention import Attention, attention_get, team_attention_get
from tandem.organization.cache import view_get
from tandem.organization.mine import is_mine, own_teams, whose_of

pytestmark = pytest.mark.django_db
ADMIN = Audience(person="zoe", admin=True)
AFTER_THE_QUARTER = date(2027, 1, 10)  # 2026-Q4 has ended and is not closed


def attention_of(org: m.Organization, person: str, as_of: date | None = None) -> Attention:
    audience = audience_of(org, person)
    view = view_get(audience=audience, as_of=as_of or clock.today())
    return attention_get(view, audience, closed_cycles_get())


def due_ids(attention: Attention) -> list[str]:
    return [item.key_result for item in attention.checkins_due]


def test_a_person_needs_to_check_in_on_what_they_work_on_stale_first(
    demo_in_db: m.Organization,
) -> None:
    due = attention_of(demo_in_db, "dan").checkins_due
    # IN-2.1 has had no update since 2026-10-22; PA-1.2 is Payments', Infrastructure helps.
    assert [item.key_result for item in due] == [
        "IN-2.1",
        "IN-2.2",
        "PA-1.2",
        "IN-1.1",
        "IN-1.2",
        "SR-1.1",
    ]
    assert due[0].stale
    assert due[0].days_since_update == (clock.today() - date(2026, 10, 22)).days


def test_a_key_result_checked_in_today_needs_no_check_in(demo_in_db: m.Organization) -> None:
    assert "SR-1.1" in due_ids(attention_of(demo_in_db, "ben"))
    checkin_record(key_result_id="SR-1.1", day=clock.today(), confidence=7, author_id="ben")
    assert "SR-1.1" not in due_ids(attention_of(demo_in_db, "ben"))


def test_nothing_is_due_before_its_cycle_starts(demo_in_db: m.Organization) -> None:
    # On a day before every cycle, nothing has started: no check-in is due, none is "late".
    assert attention_of(demo_in_db, "dan", as_of=date(2000, 1, 1)).checkins_due == []
    due = attention_of(demo_in_db, "dan").checkins_due
    assert due
    assert all(item.days_since_update >= 0 for item in due)


def test_private_key_results_show_only_to_whoever_may_see_them(
    demo_in_db: m.Organization,
) -> None:
    # BEN-1 is private to ben and his manager chain; MO-1 to the Mobile team.
    assert "BEN-1.1" in due_ids(attention_of(demo_in_db, "ben"))
    for person in ("dan", "tom", "ana", "kenji"):
        attention = attention_of(demo_in_db, person)
        assert "BEN-1.1" not in due_ids(attention)
    audience = audience_of(demo_in_db, "ana")
    view = view_get(audience=audience, as_of=clock.today())
    mobile = team_attention_get(view, "mobile", closed_cycles_get())
    assert due_ids(mobile) == ["MO-2.1"]
    whole = team_attention_get(
        view_get(audience=ADMIN, as_of=clock.today()), "mobile", closed_cycles_get()
    )
    assert due_ids(whole) == ["MO-2.1", "MO-1.1", "MO-1.2"]


def test_requests_wait_for_the_provider_teams_members(demo_in_db: m.Organization) -> None:
    for person in ("ana", "ben"):  # Search
        waiting = attention_of(demo_in_db, person).requests_waiting
        assert [(r.id, r.provider, r.from_id, r.from_objective) for r in waiting] == [
            ("DEP-3", "search", "CS-1.1", "CS-1")
        ]
        assert waiting[0].requester_name == "Customer Success"
    assert attention_of(demo_in_db, "dan").requests_waiting == []


def test_deliveries_past_their_date_are_the_providers_to_make(
    demo_in_db: m.Organization,
) -> None:
    overdue = attention_of(demo_in_db, "dan").deliveries_overdue
    assert [(d.id, d.provider, d.due) for d in overdue] == [("DEP-1", "infra", date(2026, 12, 1))]
    assert [d.id for d in attention_of(demo_in_db, "tom").deliveries_overdue] == ["DEP-7"]
    assert attention_of(demo_in_db, "ben").deliveries_overdue == []


def test_reviews_are_due_once_the_cycle_ends_until_it_is_closed(
    demo_in_db: m.Organization,
) -> None:
    assert attention_of(demo_in_db, "ana").reviews_due == []
    reviews = attention_of(demo_in_db, "ana", AFTER_THE_QUARTER).reviews_due
    assert [(r.objective, r.cycle) for r in reviews] == [("SR-1", "2026-Q4"), ("SR-2", "2026-Q4")]
    audience = audience_of(demo_in_db, "ana")
    view = view_get(audience=audience, as_of=AFTER_THE_QUARTER)
    closed = closed_cycles_get() | {"2026-Q4", "FY2026"}
    assert attention_get(view, audience, closed).reviews_due == []


def test_mine_is_my_teams_and_my_own_for_admins_too(demo_in_db: m.Organization) -> None:
    # An admin's audience lists no teams: their own are read from the organisation.
    assert own_teams(ADMIN, demo_in_db) == {"nw"}
    whose = whose_of(audience_of(demo_in_db, "ben"), demo_in_db)
    assert whose.teams == {"search"}
    assert is_mine(whose, demo_in_db.objectives["BEN-1"])
    assert is_mine(whose, demo_in_db.objectives["SR-1"])
    assert not is_mine(whose, demo_in_db.objectives["PA-1"])


def test_the_query_count_does_not_grow_with_the_organisation(
    demo_in_db: m.Organization,
) -> None:
    audience = audience_of(demo_in_db, "ana")
    view = view_get(audience=audience, as_of=clock.today())
    closed = closed_cycles_get()
    # When each open request was made: the one query, whatever the size.
    with CaptureQueriesContext(connection) as queries:
        attention_get(view, audience, closed)
        team_attention_get(view, "search", closed)
    assert len(queries) == 2
