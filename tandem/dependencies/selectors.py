"""Reads of requests for help that the engine's organisation does not hold: their versions
(the API's ETags and the forms' stale checks) and their histories, in bulk."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from tandem.dependencies.models import Dependency, DependencyEvent
from tandem.okrs.models import Cycle


@dataclass(frozen=True, slots=True)
class EventRow:
    """A change of state: when, by whom (a person id), from what to what and why."""

    at: datetime
    by: str | None
    from_state: str | None
    to_state: str
    reason: str


@dataclass(frozen=True, slots=True)
class Records:
    versions: dict[str, int]
    events: dict[str, list[EventRow]]
    # Every cycle's state (open or closed): a closed cycle's requests are read-only.
    cycle_states: dict[str, str]

    def closed(self, cycle_id: str) -> bool:
        return self.cycle_states.get(cycle_id) == Cycle.State.CLOSED


def dependency_records_get(dependency_ids: list[str]) -> Records:
    """Versions and histories of ``dependency_ids``, and every cycle's state: three queries."""
    versions = dict(Dependency.objects.filter(id__in=dependency_ids).values_list("id", "version"))
    events: dict[str, list[EventRow]] = defaultdict(list)
    rows = DependencyEvent.objects.filter(dependency_id__in=dependency_ids).order_by("at", "id")
    for dependency_id, at, by, before, after, reason in rows.values_list(
        "dependency_id", "at", "by_id", "from_state", "to_state", "reason"
    ):
        events[dependency_id].append(EventRow(at, by, before, after, reason))
    states = dict(Cycle.objects.values_list("id", "state"))
    return Records(versions, dict(events), states)
