"""Slack, Teams and outbound webhooks through a local HTTP server that checks each payload's
structure and limits and verifies signatures; Retry-After honoured; failing channels marked
and told once; nothing about an objective reaches a channel or webhook that may not see it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from tandem.core import model as m
from tandem.core.visibility import Audience
from tandem.notifications.changes import webhook_changes_emit
from tandem.notifications.deliveries import channels_post
from tandem.notifications.models import Channel, Delivery, Notification
from tandem.notifications.sending import deliveries_send_due
from tandem.notifications.services import Item, Message, Section
from tandem.notifications.setup import channel_create, channel_test
from tandem.okrs.models import Objective
from tandem.people.models import Person
from tests.notifications.channel_helpers import Capture, ask, sample_message
from tests.notifications.sinks import HttpSink

ADMIN = Audience(person="zoe", admin=True)


def add(sink: HttpSink, kind: str, team: str | None = "infra", **kw: Any) -> tuple[Channel, str]:
    path = f"/{'hook' if kind == 'webhook' else kind}/{team or 'org'}"
    channel, secret = channel_create(
        audience=ADMIN,
        kind=kind,
        team_id=team,
        name=f"{kind} of {team}",
        url=sink.url + path,
        categories=kw.get("categories", ["dependency", "digest"]),
    )
    if secret:
        sink.secrets[path] = secret
    return channel, secret


def test_a_new_request_reaches_the_provider_teams_slack_and_teams_channels_and_webhooks(
    committed: Capture, http_sink: HttpSink
) -> None:
    add(http_sink, "slack")
    add(http_sink, "teams")
    add(http_sink, "webhook", team=None)
    add(http_sink, "slack", team="payments")  # another team's: hears nothing
    dependency = ask(committed)
    assert deliveries_send_due() == 3
    paths = sorted(seen.path for seen in http_sink.received)
    assert paths == ["/hook/org", "/slack/infra", "/teams/infra"]
    slack = next(s for s in http_sink.received if s.path == "/slack/infra").body
    assert dependency in slack["text"]
    assert "https://okr.example.com/dependencies" in str(slack["blocks"])
    hook = next(s for s in http_sink.received if s.path == "/hook/org")
    assert hook.body["type"] == "dependency.requested"
    assert hook.body["data"]["object"] == {"kind": "dependency", "id": dependency}
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def big_message() -> Message:
    sections = tuple(
        Section(f"Section {n}", tuple(Item(f"item {i} " + "x" * 80, f"/k/{i}") for i in range(60)))
        for n in range(70)
    )
    return Message(
        category="digest",
        kind="team_digest",
        object_kind="team",
        object_id="infra",
        link="/teams/infra",
        title="T" * 400,
        text="y" * 5000,
        event_id="digest:infra:1",
        sections=sections,
    )


def test_a_huge_digest_stays_within_slacks_and_teams_limits(
    demo_in_db: m.Organization, http_sink: HttpSink
) -> None:
    add(http_sink, "slack")
    add(http_sink, "teams")
    channels_post("infra", big_message())
    assert deliveries_send_due() == 2
    assert http_sink.problems == []
    slack = next(s for s in http_sink.received if s.path == "/slack/infra").body
    assert len(slack["blocks"]) == 50
    assert slack["blocks"][0]["text"]["text"].endswith("…")
    assert "more sections" in slack["blocks"][-1]["text"]["text"]
    assert "more" in slack["blocks"][2]["text"]["text"]  # 60 long items: "… and N more"
    teams = next(s for s in http_sink.received if s.path == "/teams/infra").body
    assert len(str(teams)) < 28_000


def test_429_retry_after_is_honoured(demo_in_db: m.Organization, http_sink: HttpSink) -> None:
    add(http_sink, "slack")
    http_sink.answers = [(429, {"Retry-After": "120"})]
    channels_post("infra", big_message())
    before = timezone.now()
    deliveries_send_due()
    after = timezone.now()
    waiting = Delivery.objects.get()
    assert (waiting.status, waiting.attempts) == ("failed", 1)
    assert "HTTP 429" in waiting.last_error
    assert (
        before + timedelta(seconds=120) <= waiting.next_attempt_at <= after + timedelta(seconds=120)
    )
    assert deliveries_send_due(now=before + timedelta(seconds=60)) == 0
    assert deliveries_send_due(now=before + timedelta(seconds=125)) == 1
    assert Delivery.objects.get().status == "sent"
    assert len(http_sink.received) == 1


def _users() -> None:
    for person_id, admin in (("zoe", True), ("omar", False)):
        user = User.objects.create(username=person_id, is_superuser=admin, is_staff=admin)
        Person.objects.filter(pk=person_id).update(user=user)


def test_a_channel_failing_again_and_again_is_marked_and_its_lead_and_admins_told_once(
    demo_in_db: m.Organization, http_sink: HttpSink, settings: Any
) -> None:
    _users()
    settings.TANDEM_CHANNEL_FAILING_AFTER = 2
    channel, _ = add(http_sink, "slack")
    http_sink.answers = [(500, {})] * 4
    channels_post("infra", sample_message("e0", category="dependency"))
    notices = Notification.objects.filter(kind="channel_failing")
    later = timezone.now()
    for hours in (0, 2, 4, 6):  # four failures in a row: failing from the second
        deliveries_send_due(now=later + timedelta(hours=hours))
        channel.refresh_from_db()
        assert (channel.failing_since is not None) == (hours >= 2)
    assert channel.consecutive_failures == 4
    assert "HTTP 500" in channel.last_error
    assert sorted(notices.values_list("recipient_id", flat=True)) == ["omar", "zoe"]  # once
    assert all(n.category == "system" for n in notices)
    assert all(channel.name in n.title for n in notices)
    deliveries_send_due(now=later + timedelta(hours=8))  # the sink answers 200 now
    channel.refresh_from_db()
    assert (channel.failing_since, channel.consecutive_failures) == (None, 0)
    assert Delivery.objects.get().status == "sent"
    assert notices.count() == 2


def test_a_private_or_team_objective_never_reaches_a_team_channel_that_may_not_all_see_it(
    committed: Capture, http_sink: HttpSink
) -> None:
    add(http_sink, "slack", team="search")
    add(http_sink, "slack", team="infra")
    add(http_sink, "webhook", team=None)
    # BEN-1 is private: of Search only ben and ana see it (cai does not); infra sees nothing.
    ask(committed, "BEN-1.1", "search")
    ask(committed, "BEN-1.1", "infra")
    # MO-1 is the Mobile team's: Infrastructure's members do not see it.
    ask(committed, "MO-1.1", "infra")
    assert not Delivery.objects.filter(via="channel").exists()
    webhook_changes_emit()  # the organisation's changes: none of these objectives either
    deliveries_send_due()
    told = str([seen.body for seen in http_sink.received])
    for hidden in ("BEN-1", "MO-1", "a faster EU edge"):
        assert hidden not in told


def test_every_change_reaches_the_webhooks_once_but_not_those_of_hidden_objectives(
    demo_in_db: m.Organization, http_sink: HttpSink
) -> None:
    add(http_sink, "webhook", team=None)
    Objective.objects.filter(pk="SR-1").update(title="Faster search")  # no signal: not logged
    for objective in Objective.objects.filter(pk__in=["SR-2", "BEN-1"]):
        objective.title += "!"
        objective.save()
    webhook_changes_emit()
    webhook_changes_emit()  # a second sweep: nothing new
    deliveries_send_due()
    changed = [s.body for s in http_sink.received if s.body["type"] == "organization.changed"]
    assert [c["data"]["object"] for c in changed] == [{"kind": "objective", "id": "SR-2"}]
    assert len({c["id"] for c in changed}) == len(changed)


def test_a_test_message_reports_the_outcome(
    demo_in_db: m.Organization, http_sink: HttpSink
) -> None:
    channel, _ = add(http_sink, "teams")
    assert channel_test(audience=ADMIN, channel_id=channel.pk).ok
    http_sink.answers = [(404, {})]
    failed = channel_test(audience=ADMIN, channel_id=channel.pk)
    assert (failed.ok, failed.permanent) == (False, True)
    assert failed.error.startswith("HTTP 404")
    assert http_sink.url not in failed.error


def test_the_deliveries_of_one_transaction_queue_one_sending_job_once_committed(
    demo_in_db: m.Organization, http_sink: HttpSink, django_capture_on_commit_callbacks: Capture
) -> None:
    from tandem.jobs.deliveries import SEND  # noqa: PLC0415
    from tandem.jobs.models import JobRun  # noqa: PLC0415

    add(http_sink, "slack")
    add(http_sink, "webhook", team=None)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            channels_post("infra", sample_message(f"e{n}", category="dependency"))
            assert not JobRun.objects.filter(job=SEND).exists()  # not before the commit
    assert Delivery.objects.count() == 5
    assert JobRun.objects.filter(job=SEND).count() == 1


def test_retry_after_reads_seconds_or_a_date_and_is_capped_at_an_hour() -> None:
    from email.utils import format_datetime  # noqa: PLC0415

    from tandem.notifications.channels.http import retry_after  # noqa: PLC0415

    assert retry_after("120") == 120
    soon = retry_after(format_datetime(timezone.now() + timedelta(seconds=30), usegmt=True))
    assert soon is not None
    assert 0 < soon <= 30  # less the moments taken since the date was written
    assert retry_after("86400") == 3600
    assert retry_after("soon") is None
    assert retry_after(None) is None
