"""Writes about cycles: opening and closing them (a closed cycle is read-only but for grading)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tandem.okrs.models import Cycle, KeyResult


class ClosedCycleError(Exception):
    """A change to a closed cycle's OKRs; the message names the cycle and what to do."""


def cycle_ensure_open(*, cycle_id: str) -> None:
    """Refuse changes to a closed cycle's objectives, key results and check-ins."""
    if Cycle.objects.filter(id=cycle_id, state=Cycle.State.CLOSED).exists():
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


class ScoreOverrideError(Exception):
    """A score override that cannot be recorded; the message says why."""


@transaction.atomic
def key_result_score_override(
    *, key_result_id: str, score: float | None, reason: str, by_id: str | None
) -> KeyResult:
    """Grade a key result by hand (or, with ``score=None``, go back to the computed score).

    Grading is the one change a closed cycle accepts; who and when are kept with the reason.
    """
    key_result = KeyResult.objects.select_for_update().filter(id=key_result_id).first()
    if key_result is None:
        raise ScoreOverrideError(f"there is no key result with id '{key_result_id}'")
    if score is not None and not 0 <= score <= 1:
        raise ScoreOverrideError(f"a score is between 0.0 and 1.0 (got {score})")
    if score is not None and not reason.strip():
        raise ScoreOverrideError("say why the computed score is overridden (a reason is required)")
    key_result.override_score = score
    key_result.override_reason = reason.strip() if score is not None else None
    key_result.override_by_id = by_id if score is not None else None
    key_result.override_at = timezone.now() if score is not None else None
    key_result.save(
        update_fields=["override_score", "override_reason", "override_by", "override_at"]
    )
    return key_result
