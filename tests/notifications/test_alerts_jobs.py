"""The alerts' jobs: daily follow-ups and cycle alerts on the as-of date, a risk sweep after
each committed change; re-runs, retries and a second scheduler tell nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tandem.core import model as m
from tandem.dependencies.models import DependencyEvent
from tandem.jobs import alerts
from tandem.jobs.models import JobRun
from tandem.jobs.registry import job_get, jobs_periodic
from tandem.jobs.runner import DONE, SKIPPED, run
from tandem.notifications.alerts.risk import risk_sweep
from tandem.notifications.models import Notification
from tests.notifications.alerts_support import TODAY, check_in, inboxes

MODULE = "tandem.jobs.alerts"


def test_the_daily_jobs_and_the_sweep_are_periodic(settings: Any) -> None:
    periodic = {job.name: job.every for job in jobs_periodic()}
    assert periodic[alerts.FOLLOWUPS] == timedelta(days=1)
    assert periodic[alerts.CYCLES] == timedelta(days=1)
    assert periodic[alerts.RISK] == timedelta(seconds=settings.TANDEM_NOTIFY_RISK_SWEEP_SECONDS)


def test_the_follow_ups_run_on_the_as_of_date_once_per_slot_and_once_in_all(
    demo_in_db: m.Organization, settings: Any
) -> None:
    settings.TANDEM_TODAY = TODAY + timedelta(days=4)  # DEP-2 due in 3 days; DEP-7 overdue
    DependencyEvent.objects.update(at=datetime(2026, 11, 20, tzinfo=UTC))
    slot = job_get(alerts.FOLLOWUPS).slot(datetime(2026, 11, 25, 6, tzinfo=UTC)).isoformat()
    assert run(alerts.FOLLOWUPS, slot, MODULE) == DONE
    assert run(alerts.FOLLOWUPS, slot, MODULE) == SKIPPED  # a second scheduler's copy
    before = Notification.objects.count()
    assert inboxes(object_id="DEP-2") == {
        "lena": ["dependency_due_soon"],
        "raj": ["dependency_due_soon"],
    }
    # Another slot on the same as-of day (a second deployment's clock, a re-run): nothing new.
    assert run(alerts.FOLLOWUPS, "2026-11-25T12:00:00+00:00", MODULE) == DONE
    assert Notification.objects.count() == before


def test_the_cycle_alerts_run_on_the_as_of_date(demo_in_db: m.Organization, settings: Any) -> None:
    from tandem.okrs.cycles import cycle_state_set  # noqa: PLC0415
    from tandem.okrs.models import Cycle  # noqa: PLC0415

    cycle_state_set(cycle_id="2026-Q3", state=Cycle.State.ACTIVE)
    settings.TANDEM_TODAY = TODAY
    assert run(alerts.CYCLES, "2026-11-21T00:00:00+00:00", MODULE) == DONE
    assert inboxes(kind="cycle_close") == {"zoe": ["cycle_close"]}


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_queues_one_sweep_which_tells(
    demo_in_db: m.Organization, settings: Any
) -> None:
    settings.TANDEM_TODAY = TODAY
    check_in("SRE-1.1", TODAY, 8, "lena")
    risk_sweep(TODAY)  # the people were told of nothing yet
    before = set(JobRun.objects.filter(job=alerts.RISK).values_list("key", flat=True))
    check_in("SRE-1.1", TODAY, 3, "lena")  # a check-in and its revision's rows, committed
    queued = JobRun.objects.filter(job=alerts.RISK, finished=None).exclude(key__in=before)
    assert queued.count() == 1  # one sweep queued for the transaction
    key = queued.get().key
    assert run(alerts.RISK, key, MODULE) == DONE
    assert run(alerts.RISK, key, MODULE) == SKIPPED
    assert inboxes(object_id="SR-1.1", recipient_id="ben") == {"ben": ["risk_worsened"]}


@pytest.mark.django_db(transaction=True)
def test_no_sweep_is_queued_on_change_when_turned_off(
    demo_in_db: m.Organization, settings: Any
) -> None:
    settings.TANDEM_NOTIFY_RISK_ON_CHANGE = False
    JobRun.objects.all().delete()
    check_in("SRE-1.1", TODAY, 3, "lena")
    assert not JobRun.objects.filter(job=alerts.RISK).exists()


@pytest.mark.django_db(transaction=True)
def test_people_and_teams_changing_alone_queue_no_sweep(demo_in_db: m.Organization) -> None:
    from tandem.people.models import Membership, Person  # noqa: PLC0415

    JobRun.objects.all().delete()
    person = Person.objects.create(id="new-hire", name="New Hire", email="new@example.com")
    Membership.objects.create(team_id="sre", person=person)
    Person.objects.filter(id="lena").update(name="Lena B.")
    assert not JobRun.objects.filter(job=alerts.RISK).exists()
    check_in("SRE-1.1", TODAY, 3, "lena")  # the plan's check-ins still do
    assert JobRun.objects.filter(job=alerts.RISK).count() == 1
