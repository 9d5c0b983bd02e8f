"""Reads of the OKR records that every interface shares."""

from __future__ import annotations

from tandem.okrs.models import Cycle


def closed_cycles_get() -> frozenset[str]:
    """The ids of the closed cycles (read-only: no check-ins, no edits). One query."""
    closed = Cycle.objects.filter(state=Cycle.State.CLOSED).values_list("id", flat=True)
    return frozenset(closed)


def cycle_closed(cycle_id: str) -> bool:
    """Whether the cycle ``cycle_id`` is closed. One query."""
    return Cycle.objects.filter(id=cycle_id, state=Cycle.State.CLOSED).exists()
