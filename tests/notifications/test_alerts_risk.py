"""Risk alerts: a key result put at risk by a dependency tells its owner and contributors,
with the chain in words; its recovery tells them too; one message per key result a day; the
chain names nothing its reader may not see."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tandem.core import model as m
from tandem.dependencies.models import State
from tandem.dependencies.services import dependency_create, dependency_transition
from tandem.notifications.alerts.risk import risk_sweep
from tandem.notifications.models import Notification, RiskState
from tests.notifications.alerts_support import TODAY, check_in, inboxes, titles

CHAIN = (
    "SR-1.1 is now off track because DEP-1: Infrastructure's IN-1.1 is off track because "
    "DEP-2: Site Reliability's SRE-1.1 has confidence 3"
)


@pytest.fixture
def calm(demo_in_db: m.Organization, settings: Any) -> m.Organization:
    """The demo with SRE-1.1 confident again (nothing off track through DEP-2), as the people
    were last told: the first sweep records every key result and tells no one."""
    settings.TANDEM_TODAY = TODAY
    check_in("SRE-1.1", TODAY, 8, "lena")
    assert risk_sweep(TODAY) == 0
    assert RiskState.objects.filter(key_result_id="SR-1.1").exists()
    assert not Notification.objects.exists()
    return demo_in_db


def test_the_first_sweep_tells_no_one_of_the_risks_already_there(
    demo_in_db: m.Organization,
) -> None:
    assert risk_sweep(TODAY) == 0
    assert RiskState.objects.get(key_result_id="SR-1.1").health == "off_track"
    assert not Notification.objects.exists()


def test_a_worsening_through_dependencies_reaches_owner_and_contributors_with_the_chain(
    calm: m.Organization,
) -> None:
    check_in("SRE-1.1", TODAY, 3, "lena")
    assert risk_sweep(TODAY) == 2  # IN-1.1 (through DEP-2) and SR-1.1 (through DEP-1)
    # SR-1.1: ben owns it, cai and the Infrastructure team (omar, dan) contribute.
    assert inboxes(object_id="SR-1.1") == {
        p: ["risk_worsened"] for p in ["dan", "omar", "cai", "ben"]
    }
    note = Notification.objects.get(object_id="SR-1.1", recipient_id="ben")
    assert note.title == CHAIN
    assert (note.category, note.object_kind, note.event_id) == ("risk", "key_result", "risk:SR-1.1")
    assert note.slot == TODAY.isoformat()
    assert note.link == "/objectives/SR-1#kr-SR-1.1"
    assert "Cut p50 search latency" in note.text
    # IN-1.1: dan owns it; omar and the SRE team (lena, raj) contribute.
    assert set(inboxes(object_id="IN-1.1")) == {"dan", "omar", "lena", "raj"}
    # SRE-1.1 fell by its own check-in: its people know, nobody is told.
    assert inboxes(object_id="SRE-1.1") == {}


def test_one_message_per_key_result_a_day_and_the_recovery_the_next(
    calm: m.Organization, settings: Any
) -> None:
    check_in("SRE-1.1", TODAY, 3, "lena")
    risk_sweep(TODAY)
    check_in("SRE-1.1", TODAY, 8, "lena")  # recovered the same day: told tomorrow
    assert risk_sweep(TODAY) == 0
    assert risk_sweep(TODAY) == 0  # a second sweep, a retry: nothing more
    assert inboxes(object_id="SR-1.1", recipient_id="ben") == {"ben": ["risk_worsened"]}
    tomorrow = TODAY + timedelta(days=1)
    settings.TANDEM_TODAY = tomorrow
    assert risk_sweep(tomorrow) == 2
    assert risk_sweep(tomorrow) == 0
    assert inboxes(object_id="SR-1.1", recipient_id="ben") == {
        "ben": ["risk_worsened", "risk_recovered"]
    }
    recovered = Notification.objects.get(recipient_id="ben", kind="risk_recovered")
    assert recovered.slot == tomorrow.isoformat()
    # SR-1.1's own confidence (5) keeps it at risk: better than off track, for its own reason.
    assert recovered.title == "SR-1.1 has recovered from its dependencies: it is at risk now"
    slots = Notification.objects.filter(object_id="SR-1.1", recipient_id="ben")
    assert sorted(slots.values_list("slot", flat=True)) == [TODAY.isoformat(), tomorrow.isoformat()]


def test_a_worsening_by_its_own_check_ins_tells_no_one(calm: m.Organization) -> None:
    check_in("SR-2.1", TODAY, 2, "ana")
    assert risk_sweep(TODAY) == 0
    assert RiskState.objects.get(key_result_id="SR-2.1").health == "off_track"
    assert not Notification.objects.exists()


def test_the_chain_names_no_key_result_its_reader_may_not_see(
    calm: m.Organization, django_capture_on_commit_callbacks: object
) -> None:
    # CS-1.1 (public, leo's) comes to depend on Mobile's MO-1.1, which only the Mobile team
    # and the company's lead see, off track because Infrastructure declined DEP-4.
    dependency = dependency_create(
        from_id="CS-1.1", provider_team_id="mobile", need="help", by_id="leo"
    )
    dependency_transition(
        dependency_id=dependency.id, to_state=State.ACCEPTED, by_id="kenji", provider_kr_id="MO-1.1"
    )
    assert risk_sweep(TODAY) == 1
    told = titles(object_id="CS-1.1")
    assert told == {
        "leo": [
            f"CS-1.1 is now off track because {dependency.id}: "
            "a key result you cannot see of Mobile is off track"
        ]
    }
    assert not Notification.objects.filter(text__contains="MO-1").exists()
    assert not Notification.objects.filter(title__contains="DEP-4").exists()


def test_a_private_key_results_alert_reaches_only_who_may_see_it(calm: m.Organization) -> None:
    # BEN-1 is private to ben (and his manager chain): its key result comes to depend on
    # Infrastructure's IN-1.1, made off track by SRE-1.1 again.
    dependency = dependency_create(
        from_id="BEN-1.1", provider_team_id="infra", need="help", by_id="ben"
    )
    dependency_transition(
        dependency_id=dependency.id, to_state=State.ACCEPTED, by_id="omar", provider_kr_id="IN-1.1"
    )
    check_in("SRE-1.1", TODAY, 3, "lena")
    risk_sweep(TODAY)
    assert inboxes(object_id="BEN-1.1") == {"ben": ["risk_worsened"]}
    # Nobody else hears of BEN-1 through any alert: not Infrastructure, whose IN-1.1 it is.
    assert (
        not Notification.objects.exclude(recipient_id="ben")
        .filter(title__contains="BEN-1")
        .exists()
    )


def test_a_new_key_result_put_at_risk_is_told_of_on_its_first_sweep(calm: m.Organization) -> None:
    # A key result the table does not hold yet (after the first sweep): told when a
    # dependency lowers it already.
    RiskState.objects.filter(key_result_id="SR-1.1").delete()
    check_in("SRE-1.1", TODAY, 3, "lena")
    risk_sweep(TODAY)
    assert inboxes(object_id="SR-1.1", recipient_id="ben") == {"ben": ["risk_worsened"]}


def test_a_key_result_of_an_ended_cycle_is_left_alone(calm: m.Organization) -> None:
    from tandem.okrs.cycles import cycle_state_set  # noqa: PLC0415
    from tandem.okrs.models import Cycle  # noqa: PLC0415

    cycle_state_set(cycle_id="2026-Q3", state=Cycle.State.ACTIVE)
    late = dependency_create(
        from_id="SR-Q3-1.1", provider_team_id="infra", need="late", by_id="ana"
    )
    dependency_transition(
        dependency_id=late.id, to_state=State.DECLINED, by_id="omar", reason="too late"
    )
    risk_sweep(TODAY)
    assert inboxes(object_id="SR-Q3-1.1") == {}
