"""The check-in reminders and weekly digests: every 15 minutes, everyone whose moment fell
since the last run (:mod:`tandem.notifications.rhythm`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tandem.jobs.models import JobRun
from tandem.jobs.registry import job

RHYTHM = "rhythm"
EVERY = timedelta(minutes=15)
# A slot missed (no worker) is caught up by the next run, once, if it is this recent.
CATCH_UP = timedelta(days=1)


def window_start(slot_start: datetime) -> datetime:
    """After the last run's slot (at most CATCH_UP before): what it covered is not again."""
    last = (
        JobRun.objects.filter(job=RHYTHM, finished__isnull=False, key__lt=slot_start.isoformat())
        .order_by("-key")
        .values_list("key", flat=True)
        .first()
    )
    earliest = slot_start - CATCH_UP
    if last is None:
        return slot_start - EVERY
    return max(datetime.fromisoformat(last), earliest)


@job(RHYTHM, every=EVERY, retries=3)
def rhythm(slot: str) -> None:
    """Reminders and digests whose moment is after the last run's slot, up to this one's."""
    # Imported here: registering the job (every process, at start) must not load the engine.
    from tandem.notifications.deliveries import channels_post  # noqa: PLC0415
    from tandem.notifications.rhythm import rhythm_run, team_digests_due  # noqa: PLC0415

    end = datetime.fromisoformat(slot)
    start = window_start(end)
    rhythm_run(start, end)
    # A team's digest names only what the whole team may see (digests.team_audience); its
    # key (the team, its local day) posts it once however often the slot runs.
    for team_id, message in team_digests_due(start, end):
        channels_post(team_id, message)
