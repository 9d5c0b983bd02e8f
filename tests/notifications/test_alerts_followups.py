"""Following requests for help up: due soon (the provider team), overdue (both sides, once a
week), unanswered (the provider's lead, then the lead's manager); once each, only to who
may see the request, in a number of queries that does not grow with the requests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core import model as m
from tandem.dependencies.models import Dependency, DependencyEvent
from tandem.dependencies.services import dependency_create
from tandem.notifications.alerts.followups import dependency_followups_send
from tandem.notifications.alerts.seeing import alerts_view
from tandem.notifications.models import Notification
from tandem.people.services import person_archive
from tests.notifications.alerts_support import TODAY, inboxes


@pytest.fixture
def demo(demo_in_db: m.Organization, settings: Any) -> m.Organization:
    settings.TANDEM_NOTIFY_DUE_SOON_DAYS = 3
    settings.TANDEM_NOTIFY_ESCALATE_DAYS = 5
    # Every request recorded as asked on the 10th (the import dated them when it ran).
    DependencyEvent.objects.update(at=datetime(2026, 11, 10, 12, tzinfo=UTC))
    return demo_in_db


def send(on: date) -> int:
    return dependency_followups_send(on)


def test_a_request_due_soon_reaches_the_provider_team_once_per_due_date(
    demo: m.Organization,
) -> None:
    # DEP-2 (accepted, due 28 Nov) asks Site Reliability: lena leads, raj.
    on = date(2026, 11, 25)
    send(on)
    send(on)
    send(on + timedelta(days=1))  # still due soon: told once
    assert inboxes(object_id="DEP-2") == {
        "lena": ["dependency_due_soon"],
        "raj": ["dependency_due_soon"],
    }
    note = Notification.objects.get(object_id="DEP-2", recipient_id="raj")
    assert note.title == "DEP-2: due in 3 days (28 Nov 2026)"
    assert note.category == "dependency"
    assert note.link == "/dependencies"
    assert "Production readiness sign-off" in note.text
    # DEP-1 (due 1 Dec) is six days away on the 25th: not yet.
    assert inboxes(object_id="DEP-1") == {}


def test_a_new_due_date_is_told_again(demo: m.Organization) -> None:
    send(date(2026, 11, 25))
    dependency = Dependency.objects.get(pk="DEP-2")
    dependency.due = date(2026, 11, 27)
    dependency.save()
    send(date(2026, 11, 25))
    assert inboxes(object_id="DEP-2", recipient_id="raj") == {
        "raj": ["dependency_due_soon", "dependency_due_soon"]
    }


def test_an_overdue_request_reaches_both_sides_once_a_week(demo: m.Organization) -> None:
    # DEP-7: CS-2.1 (Customer Success: maya leads) asked Payments (priya leads), due 14 Nov,
    # accepted, not delivered. Imported: no requester, only the owner hears of it.
    for offset in range(8):  # the 21st to the 28th: overdue 7 to 14 days
        send(TODAY + timedelta(days=offset))
    both = {"priya": ["dependency_overdue"] * 2, "maya": ["dependency_overdue"] * 2}
    assert inboxes(object_id="DEP-7") == both
    slots = Notification.objects.filter(object_id="DEP-7", recipient_id="priya")
    assert list(slots.order_by("id").values_list("slot", flat=True)) == ["week-0", "week-1"]
    first = Notification.objects.filter(object_id="DEP-7").order_by("id").first()
    assert first is not None
    assert first.title == "DEP-7 is overdue: Payments was to deliver it by 14 Nov 2026 (7 days ago)"


def test_an_overdue_request_reaches_its_requester(demo: m.Organization, settings: Any) -> None:
    dependency = dependency_create(
        from_id="PA-1.1", provider_team_id="infra", need="more", due=date(2026, 11, 25), by_id="tom"
    )
    send(date(2026, 11, 26))
    # infra's lead omar; tom asked; PA-1's owner is Payments' lead priya.
    assert inboxes(object_id=dependency.id) == {
        p: ["dependency_overdue"] for p in ["omar", "tom", "priya"]
    }


def test_an_unanswered_request_is_escalated_to_the_lead_then_the_manager(
    demo: m.Organization,
) -> None:
    # DEP-3: Customer Success asked Search (ana leads; her manager is sofia) on the 10th.
    send(date(2026, 11, 14))  # 4 days: not yet
    assert inboxes(object_id="DEP-3") == {}
    send(date(2026, 11, 15))
    send(date(2026, 11, 19))
    assert inboxes(object_id="DEP-3") == {"ana": ["dependency_escalated"]}
    send(date(2026, 11, 20))  # 10 days: the manager
    send(date(2026, 11, 21))
    assert inboxes(object_id="DEP-3") == {
        "ana": ["dependency_escalated"],
        "sofia": ["dependency_escalated"],
    }
    note = Notification.objects.get(object_id="DEP-3", recipient_id="sofia")
    assert note.title == "DEP-3: Search has not answered for 10 days"
    assert "Ana Lima" in note.text


def test_an_escalation_meant_for_an_archived_person_goes_up_their_line(
    demo: m.Organization,
) -> None:
    # DEP-3 asked Search: its lead ana is archived, so her manager sofia hears first, then
    # sofia's manager zoe; ana hears nothing.
    person_archive(person_id="ana")
    send(date(2026, 11, 15))
    assert inboxes(object_id="DEP-3") == {"sofia": ["dependency_escalated"]}
    send(date(2026, 11, 20))
    assert inboxes(object_id="DEP-3") == {
        "sofia": ["dependency_escalated"],
        "zoe": ["dependency_escalated"],
    }
    note = Notification.objects.get(object_id="DEP-3", recipient_id="zoe")
    assert "whose lead is Ana Lima" in note.text


def test_a_request_asked_again_is_escalated_again(demo: m.Organization) -> None:
    send(date(2026, 11, 16))
    event = DependencyEvent.objects.get(dependency_id="DEP-3")
    DependencyEvent.objects.create(
        dependency_id="DEP-3", from_state="declined", to_state="requested", by_id="leo"
    )
    DependencyEvent.objects.filter(dependency_id="DEP-3").exclude(pk=event.pk).update(
        at=datetime(2026, 11, 17, 9, tzinfo=UTC)
    )
    send(date(2026, 11, 22))
    assert inboxes(object_id="DEP-3", recipient_id="ana") == {
        "ana": ["dependency_escalated", "dependency_escalated"]
    }


def test_requests_from_hidden_objectives_reach_only_who_may_see_them(demo: m.Organization) -> None:
    # BEN-1 is private to ben and his manager chain; MO-1 is seen by the Mobile team only.
    to_search = dependency_create(
        from_id="BEN-1.1", provider_team_id="search", need="x", due=date(2026, 11, 23), by_id="ben"
    )
    to_infra = dependency_create(
        from_id="BEN-1.1", provider_team_id="infra", need="x", due=date(2026, 11, 23), by_id="ben"
    )
    mobile = dependency_create(
        from_id="MO-1.2",
        provider_team_id="payments",
        need="x",
        due=date(2026, 11, 19),
        by_id="kenji",
    )
    send(TODAY)
    # Search: of ana, ben and cai, cai may not see BEN-1.
    assert inboxes(object_id=to_search.id) == {
        "ana": ["dependency_due_soon"],
        "ben": ["dependency_due_soon"],
    }
    assert inboxes(object_id=to_infra.id) == {}
    # Overdue: Payments' lead may not see MO-1; kenji, who asked, and owns it (its lead), does.
    assert inboxes(object_id=mobile.id) == {"kenji": ["dependency_overdue"]}


def test_the_daily_follow_ups_take_as_many_queries_for_more_requests(demo: m.Organization) -> None:
    def counted(on: date) -> int:
        alerts_view(on)  # the organisation read (or brought up to date) beforehand
        with CaptureQueriesContext(connection) as queries:
            send(on)
        return len(queries)

    on = date(2026, 11, 27)
    Notification.objects.all().delete()
    few = counted(on)
    for number in range(6):
        dependency_create(
            from_id="SR-2.1", provider_team_id="payments", need=f"n{number}", due=on, by_id="ana"
        )
        dependency_create(
            from_id="PA-2.1",
            provider_team_id="search",
            need=f"o{number}",
            due=on - timedelta(days=2),
            by_id="tom",
        )
    Notification.objects.all().delete()
    assert counted(on) == few
    assert Notification.objects.filter(kind="dependency_due_soon").count() > 6
