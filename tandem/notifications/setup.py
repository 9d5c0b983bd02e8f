"""Setting channels up: a team's Slack and Teams channels (its lead, or an admin), the
organisation's outbound webhooks (admins), and a test message to any of them."""

from __future__ import annotations

import secrets as random
from collections.abc import Iterable
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction

from tandem.core.visibility import Audience
from tandem.errors import InvalidError, NotFoundError, PermissionDeniedError
from tandem.notifications import failing
from tandem.notifications.changes import positions_now
from tandem.notifications.channels import email as email_channel
from tandem.notifications.channels import http, slack, teams, webhook
from tandem.notifications.channels.result import Result
from tandem.notifications.models import Category, Channel
from tandem.notifications.secrets import SecretUnreadableError, decrypt, encrypt, mask_url
from tandem.notifications.unsubscribe import category_label, unsubscribe_url
from tandem.people.models import Person, Team

TEAMS_HOSTS = (".logic.azure.com", ".powerplatform.com", ".powerautomate.com")
TEST_TITLE = "Test message from Tandem"


def may_manage_team_channels(audience: Audience, team_id: str) -> bool:
    """An admin, or the lead of the team or of a team above it."""
    return audience.admin or team_id in audience.led_teams


def url_check(kind: str, url: str) -> str:
    """The URL, or InvalidError saying what a channel of ``kind`` needs."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidError("give the full address, starting with https://", field="url")
    if settings.TANDEM_CHANNEL_ANY_URL:
        return url
    host = parts.hostname
    if parts.scheme != "https":
        raise InvalidError("the address must start with https://", field="url")
    if kind == Channel.Kind.SLACK and host != "hooks.slack.com":
        raise InvalidError(
            "a Slack incoming webhook's address starts with https://hooks.slack.com/", field="url"
        )
    if kind == Channel.Kind.TEAMS and not host.endswith(TEAMS_HOSTS):
        raise InvalidError(
            "a Teams Workflows webhook's address is on logic.azure.com or powerplatform.com",
            field="url",
        )
    return url


def _categories(kind: str, categories: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(categories))
    unknown = [c for c in chosen if c not in Category.values]
    if unknown:
        raise InvalidError(f"unknown categories: {', '.join(unknown)}", field="categories")
    if kind != Channel.Kind.WEBHOOK and not chosen:
        raise InvalidError("choose at least one category to post", field="categories")
    return chosen


def _owner_check(audience: Audience, kind: str, team_id: str | None) -> str | None:
    """The channel's team (None for a webhook), if ``audience`` may add it there."""
    if kind not in Channel.Kind.values:
        raise InvalidError("the kind is slack, teams or webhook", field="kind")
    if kind == Channel.Kind.WEBHOOK:
        if not audience.admin:
            raise PermissionDeniedError("only admins add the organisation's webhooks")
        return None
    if team_id is None or not Team.objects.filter(pk=team_id).exists():
        raise NotFoundError(f"there is no team '{team_id}'")
    if not may_manage_team_channels(audience, team_id):
        raise PermissionDeniedError("only the team's lead or an admin adds its channels")
    return team_id


@transaction.atomic
def channel_create(
    *,
    audience: Audience,
    kind: str,
    team_id: str | None,
    name: str,
    url: str,
    categories: Iterable[str] = (),
) -> tuple[Channel, str]:
    """Add a channel; with a webhook, its new signing secret (shown once, never again)."""
    team_id = _owner_check(audience, kind, team_id)
    secret = random.token_urlsafe(32) if kind == Channel.Kind.WEBHOOK else ""
    if not name.strip():
        raise InvalidError("give the channel a name", field="name")
    url = url_check(kind, url)
    changes, checkins = positions_now()
    channel = Channel.objects.create(
        kind=kind,
        team_id=team_id,
        name=name.strip()[:200],
        url_encrypted=encrypt(url),
        masked_url=mask_url(url),
        secret_encrypted=encrypt(secret),
        categories=_categories(kind, categories),
        changes_seen=changes,
        checkins_seen=checkins,
    )
    return channel, secret


def channel_get_manageable(audience: Audience, channel_id: int) -> Channel:
    """The channel, if ``audience`` may manage it; NotFoundError for everyone else."""
    channel = Channel.objects.filter(pk=channel_id).select_related("team").first()
    if channel is None or not (
        audience.admin
        if channel.team_id is None
        else may_manage_team_channels(audience, channel.team_id)
    ):
        raise NotFoundError(f"there is no channel {channel_id}")
    return channel


@transaction.atomic
def channel_delete(*, audience: Audience, channel_id: int) -> None:
    """Remove a channel, and its deliveries with it (its URL goes with it)."""
    channel_get_manageable(audience, channel_id).delete()


def test_message() -> dict[str, object]:
    return {
        "category": Category.SYSTEM,
        "kind": "test",
        "object": {"kind": "channel", "id": ""},
        "title": TEST_TITLE,
        "text": "If you can read this, the channel works.",
        "link": settings.TANDEM_BASE_URL + "/",
        "sections": [],
    }


def channel_test(*, audience: Audience, channel_id: int) -> Result:
    """Send a test message now; its outcome counts on the channel like any delivery's."""
    channel = channel_get_manageable(audience, channel_id)
    try:
        url, secret = decrypt(channel.url_encrypted), decrypt(channel.secret_encrypted)
    except SecretUnreadableError as exc:
        return Result(ok=False, error=str(exc), permanent=True)
    session = http.session()
    try:
        result = _send_test(session, channel, url, secret)
    finally:
        session.close()
    with transaction.atomic():
        failing.channel_outcome(channel.pk, result)
    return result


def _send_test(session: requests.Session, channel: Channel, url: str, secret: str) -> Result:
    if channel.kind == Channel.Kind.SLACK:
        return slack.send(session, url, test_message())
    if channel.kind == Channel.Kind.TEAMS:
        return teams.send(session, url, test_message())
    event = {"id": f"test:{random.token_hex(8)}", "type": "test", "data": test_message()}
    return webhook.send(session, url, secret, event)


def email_test(*, person_id: str) -> Result:
    """Send a test e-mail to a person now (their address, through TANDEM_EMAIL_*)."""
    if not settings.TANDEM_EMAIL_ENABLED:
        return Result(
            ok=False, error="e-mail is off: set TANDEM_EMAIL_HOST (docs/notifications.md)"
        )
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFoundError(f"there is no person '{person_id}'")
    if not person.email:
        return Result(ok=False, error=f"{person.name} has no e-mail address")
    message = test_message()
    email = email_channel.Email(
        delivery_id=random.randbelow(2**62),
        address=person.email,
        category_label=category_label(Category.SYSTEM),
        title=str(message["title"]),
        text=str(message["text"]),
        link=str(message["link"]),
        sections=[],
        unsubscribe_url=unsubscribe_url(person.pk, Category.SYSTEM),
    )
    results: list[Result] = []
    email_channel.send_all([email], lambda _index, result: results.append(result))
    return results[0]
