"""Reading channels and the delivery log, for the pages, the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from tandem.notifications.models import Channel, Delivery

LOG_PAGE = 100


def team_channels_get(team_id: str) -> list[Channel]:
    return list(Channel.objects.filter(team_id=team_id).order_by("name", "id"))


def webhooks_get() -> list[Channel]:
    return list(Channel.objects.filter(kind=Channel.Kind.WEBHOOK).order_by("name", "id"))


@dataclass(frozen=True, slots=True)
class LogPage:
    deliveries: list[Delivery]
    counts: dict[str, int]


def delivery_log_get(*, status: str | None = None, limit: int = LOG_PAGE) -> LogPage:
    """The newest deliveries (of one status, if given), and how many there are of each."""
    rows = Delivery.objects.select_related("channel").order_by("-created_at", "-id")
    if status:
        rows = rows.filter(status=status)
    grouped = Delivery.objects.order_by().values_list("status").annotate(n=Count("id"))
    counts = dict(grouped.values_list("status", "n"))
    return LogPage(list(rows[:limit]), {s: counts.get(s, 0) for s in Delivery.Status.values})
