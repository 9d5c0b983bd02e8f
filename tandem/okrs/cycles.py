"""Cycles: open or closed. A closed cycle is read-only except for grading."""

from __future__ import annotations

from django.db import transaction

from tandem.errors import ConflictError
from tandem.okrs.models import Cycle
from tandem.okrs.selectors import cycle_closed


class ClosedCycleError(ConflictError):
    """A change to a closed cycle's OKRs; the message names the cycle and what to do."""


def cycle_ensure_open(*, cycle_id: str) -> None:
    """Refuse changes to a closed cycle's objectives, key results and check-ins."""
    if cycle_closed(cycle_id):
        raise ClosedCycleError(
            f"cycle '{cycle_id}' is closed: its OKRs are read-only except for score "
            "overrides; reopen the cycle first"
        )


@transaction.atomic
def cycle_state_set(*, cycle_id: str, state: Cycle.State) -> Cycle:
    cycle = Cycle.objects.select_for_update().get(id=cycle_id)
    cycle.state = state
    cycle.save(update_fields=["state"])
    return cycle
