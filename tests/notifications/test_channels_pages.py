"""The channels pages, their API twin and ``tandem notify test``: who may see and change
what (404 or 403 for everyone else), empty states, confirmations, and the secrets: never shown
back in full, never in a page, an answer or a log line."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from tandem.access.policy import audience_get
from tandem.cli import app
from tandem.core import model as m
from tandem.core.visibility import Audience
from tandem.notifications.models import Channel
from tandem.notifications.secrets import encrypt
from tandem.notifications.sending import deliveries_send_due
from tandem.notifications.setup import channel_create, channel_test
from tests.notifications.sinks import HttpSink, Mailbox
from tests.web.conftest import login_client

SLACK = "https://hooks.slack.com/services/T0001/B0002/SeCrEtPaRtOfTheUrl9876"


@pytest.fixture
def web(demo_in_db: m.Organization) -> Any:
    return login_client


def test_a_team_lead_adds_a_slack_channel_and_sees_it_masked(web: Any) -> None:
    ana = web("lead")  # leads Search
    page = ana.get("/teams/search/channels")
    assert page.status_code == 200
    assert "No channels yet" in page.content.decode()
    added = ana.post(
        "/teams/search/channels",
        {"kind": "slack", "name": "#search-triage", "url": SLACK, "categories": ["dependency"]},
    )
    assert added.status_code == 303
    shown = ana.get("/teams/search/channels").content.decode()
    assert "#search-triage" in shown
    assert "https://hooks.slack.com/…/9876" in shown
    assert "SeCrEt" not in shown
    channel = Channel.objects.get()
    assert "SeCrEt" not in channel.url_encrypted
    assert "SeCrEt" not in f"{channel} {channel!r}"


def test_a_slack_channel_must_have_a_slack_address(web: Any) -> None:
    refused = web("lead").post(
        "/teams/search/channels",
        {"kind": "slack", "name": "x", "url": "https://example.com/x", "categories": ["digest"]},
    )
    assert refused.status_code == 422
    assert "hooks.slack.com" in refused.content.decode()
    assert not Channel.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 200), ("lead", 200), ("member", 404), ("other_team", 404), ("outsider", 404)],
)
def test_only_the_teams_lead_and_admins_see_its_channels(
    web: Any, persona: str, status: int
) -> None:
    assert web(persona).get("/teams/search/channels").status_code == status
    assert web(persona).get("/api/v1/teams/search/channels").status_code == status


def test_anonymous_callers_are_sent_to_sign_in(demo_in_db: m.Organization) -> None:
    assert Client().get("/teams/search/channels").status_code == 302
    assert Client().get("/settings/deliveries").status_code == 302


def test_removing_a_channel_is_confirmed_first(web: Any) -> None:
    channel, _ = channel_create(
        audience=audience_get(person_id="ana"),
        kind="slack",
        team_id="search",
        name="#s",
        url=SLACK,
        categories=["digest"],
    )
    ben, ana = web("member"), web("lead")
    assert ben.get(f"/channels/{channel.pk}/remove").status_code == 404
    assert ben.post(f"/channels/{channel.pk}/remove").status_code == 404
    confirm = ana.get(f"/channels/{channel.pk}/remove")
    assert "Remove #s?" in confirm.content.decode()
    assert Channel.objects.exists()
    assert ana.post(f"/channels/{channel.pk}/remove").status_code == 303
    assert not Channel.objects.exists()


@pytest.mark.parametrize("path", ["/settings/webhooks", "/settings/deliveries"])
def test_the_webhooks_and_the_delivery_log_are_for_admins(web: Any, path: str) -> None:
    page = web("admin").get(path)
    assert page.status_code == 200
    assert "No " in page.content.decode() or "Nothing" in page.content.decode()
    assert web("lead").get(path).status_code == 403
    api = "/api/v1/webhooks" if "webhooks" in path else "/api/v1/deliveries"
    assert web("lead").get(api).status_code == 403
    assert web("admin").get(api).json() == []


def test_a_webhooks_secret_is_shown_once_and_never_again(
    web: Any, http_sink: HttpSink, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    zoe = web("admin")
    url = http_sink.url + "/hook/SeCrEtPaRt"
    made = zoe.post(
        "/api/v1/webhooks", {"name": "CRM", "url": url}, content_type="application/json"
    )
    assert made.status_code == 201
    secret = made.json()["secret"]
    assert len(secret) >= 32
    http_sink.secrets["/hook/SeCrEtPaRt"] = secret
    shown = [
        zoe.get("/api/v1/webhooks").content.decode(),
        zoe.get("/settings/webhooks").content.decode(),
        zoe.get("/settings/deliveries").content.decode(),
    ]
    assert made.json()["url"].endswith("/…/PaRt")
    # Sending, failing (to a closed port) and the log: neither the URL nor the secret shows.
    channel = Channel.objects.get()
    zoe.post(f"/channels/{channel.pk}/test")
    Channel.objects.filter(pk=channel.pk).update(
        url_encrypted=encrypt("http://127.0.0.1:9/hook/SeCrEtPaRt")
    )
    tried = zoe.post(f"/api/v1/channels/{channel.pk}/test").json()
    assert tried["ok"] is False
    assert "could not connect" in tried["error"]
    shown += [zoe.get("/settings/webhooks").content.decode(), str(tried), caplog.text]
    for text in shown:
        assert secret not in text
        assert "SeCrEtPaRt" not in text


def test_notify_test_sends_to_a_channel_or_an_e_mail_and_says_how_it_went(
    demo_in_db: m.Organization, http_sink: HttpSink, smtp: Mailbox
) -> None:
    channel, _ = channel_create(
        audience=Audience("zoe", admin=True),
        kind="teams",
        team_id="infra",
        name="t",
        url=http_sink.url + "/teams/x",
        categories=["digest"],
    )
    runner = CliRunner()
    sent = runner.invoke(app, ["notify", "test", str(channel.pk)])
    assert sent.exit_code == 0, sent.stderr
    assert "Sent a test message" in sent.stdout
    assert http_sink.received[0].body["attachments"][0]["content"]["body"][0]["text"]
    mailed = runner.invoke(app, ["notify", "test", "email:ana"])
    assert mailed.exit_code == 0, mailed.stderr
    assert smtp.messages[0]["To"] == "ana@northwind.test"
    http_sink.answers = [(500, {})]
    failed = runner.invoke(app, ["notify", "test", str(channel.pk)])
    assert failed.exit_code == 1
    assert "Failed: HTTP 500" in failed.stderr
    missing = runner.invoke(app, ["notify", "test", "9999"])
    assert missing.exit_code == 2
    assert "there is no channel 9999" in missing.stderr
    assert deliveries_send_due() == 0


def test_rotating_the_key_keeps_every_channel_readable(
    demo_in_db: m.Organization, settings: Any
) -> None:
    from tandem.notifications.secrets import (  # noqa: PLC0415
        SecretUnreadableError,
        channels_reencrypt,
        decrypt,
    )

    settings.TANDEM_CHANNEL_KEYS = ["old key"]
    channel, secret = channel_create(
        audience=Audience("zoe", admin=True),
        kind="webhook",
        team_id=None,
        name="w",
        url="https://example.com/hook",
    )
    settings.TANDEM_CHANNEL_KEYS = ["new key", "old key"]
    assert channels_reencrypt() == 1
    settings.TANDEM_CHANNEL_KEYS = ["new key"]  # the old key removed
    channel.refresh_from_db()
    assert decrypt(channel.url_encrypted) == "https://example.com/hook"
    assert decrypt(channel.secret_encrypted) == secret
    settings.TANDEM_CHANNEL_KEYS = ["another key"]
    with pytest.raises(SecretUnreadableError):
        decrypt(channel.url_encrypted)
    lost = channel_test(audience=Audience("zoe", admin=True), channel_id=channel.pk)
    assert (lost.ok, lost.permanent) == (False, True)
    assert "cannot be decrypted" in lost.error


def test_a_lead_adds_tests_and_removes_a_teams_channel_through_the_api(
    web: Any, http_sink: HttpSink
) -> None:
    ana, ben = web("lead"), web("member")
    body = {
        "kind": "teams",
        "name": "Search triage",
        "url": http_sink.url + "/teams/search",
        "categories": ["dependency"],
    }
    assert (
        ben.post("/api/v1/teams/search/channels", body, content_type="application/json").status_code
        == 404
    )
    made = ana.post("/api/v1/teams/search/channels", body, content_type="application/json")
    assert made.status_code == 201
    channel = made.json()
    assert channel["url"].endswith("/…/arch")
    assert "secret" not in channel
    bad = ana.post(
        "/api/v1/teams/search/channels",
        {**body, "categories": ["nonsense"]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert ana.post(f"/api/v1/channels/{channel['id']}/test").json() == {"ok": True, "error": ""}
    assert ben.delete(f"/api/v1/channels/{channel['id']}").status_code == 404
    assert ana.delete(f"/api/v1/channels/{channel['id']}").status_code == 204
    assert ana.get("/api/v1/teams/search/channels").json() == []


def test_the_team_page_links_its_channels_for_its_lead_only(web: Any) -> None:
    assert "/teams/search/channels" in web("lead").get("/teams/search").content.decode()
    assert "/teams/search/channels" not in web("member").get("/teams/search").content.decode()
    assert "/settings/deliveries" in web("admin").get("/teams/search").content.decode()
