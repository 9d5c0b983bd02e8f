"""Channels that keep failing: after TANDEM_CHANNEL_FAILING_AFTER failed deliveries in a row a
channel is marked failing, and its team's lead and the admins are told in their inbox, once
per failing episode; its next success clears it."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tandem.notifications.channels.result import Result
from tandem.notifications.models import Category, Channel
from tandem.people.models import Person


def channel_outcome(channel_id: int, result: Result) -> None:
    """Count a delivery's outcome on its channel (in the caller's transaction)."""
    channel = Channel.objects.select_for_update().filter(pk=channel_id).first()
    if channel is None:
        return
    if result.ok:
        if channel.consecutive_failures or channel.failing_since:
            channel.consecutive_failures, channel.failing_since = 0, None
            channel.save(update_fields=["consecutive_failures", "failing_since"])
        return
    channel.consecutive_failures += 1
    channel.last_error = result.error
    started = False
    if channel.failing_since is None and (
        channel.consecutive_failures >= settings.TANDEM_CHANNEL_FAILING_AFTER
    ):
        channel.failing_since = timezone.now()
        started = True
    channel.save(update_fields=["consecutive_failures", "last_error", "failing_since"])
    if started:
        _tell(channel)


def channel_page(channel: Channel) -> str:
    if channel.team_id is None:
        return reverse("web:webhooks")
    return reverse("web:team_channels", args=[channel.team_id])


def _tell(channel: Channel) -> None:
    """The failing notice, to the team's lead and the admins (once per episode: its start is
    in the event's id)."""
    from tandem.notifications.services import Message, notifications_send  # noqa: PLC0415

    admins = Person.objects.filter(user__is_superuser=True).values_list("id", flat=True)
    lead = channel.team.lead_id if channel.team is not None else None
    recipients = [p for p in [lead, *admins] if p is not None]
    if not recipients:
        return
    assert channel.failing_since is not None
    message = Message(
        category=Category.SYSTEM,
        kind="channel_failing",
        object_kind="channel",
        object_id=str(channel.pk),
        link=channel_page(channel),
        title=f"{channel} is failing",
        text=f"Its last {channel.consecutive_failures} deliveries failed; the last error: "
        f"{channel.last_error}. Tandem keeps retrying; check the channel's address.",
        event_id=f"channel-failing:{channel.pk}:{channel.failing_since.isoformat()}",
    )
    notifications_send(message, recipients)
