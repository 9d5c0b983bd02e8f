"""Writes of the cycle review, each for one caller: grading a key result by hand, writing an
objective's reflection, closing and reopening a cycle.

Each fetches what it changes as the caller may see it (NotFoundError for what they may not,
or what is archived), asks the one policy (:mod:`tandem.core.permissions`) and refuses with
its words (PermissionDeniedError), then writes through the OKR services. The pages and the
API call these, so both refuse the same things with the same words.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from tandem import clock
from tandem.access.policy import (
    key_result_get_current,
    may_edit_objective,
    objective_get_visible,
    require,
)
from tandem.core import permissions
from tandem.core.visibility import Audience
from tandem.errors import NotFoundError
from tandem.okrs.checks import UNSET, Unset
from tandem.okrs.cycles import cycle_state_set
from tandem.okrs.key_results import key_result_score_override
from tandem.okrs.models import Cycle, KeyResult, Objective, Reflection
from tandem.okrs.reviews import reflection_save
from tandem.people.models import Team


@transaction.atomic
def review_score_set(
    *,
    audience: Audience,
    key_result_id: str,
    score: float | None,
    reason: str,
    version: int | None = None,
    cycle_id: str | None = None,
) -> KeyResult:
    """Grade ``key_result_id`` by hand with a reason (``score`` None: back to the computed
    score), as ``audience``; ``cycle_id``: the cycle it must be in (else NotFoundError).
    Grading is the one change a closed cycle takes."""
    key_result_gradable(audience=audience, key_result_id=key_result_id, cycle_id=cycle_id)
    return key_result_score_override(
        key_result_id=key_result_id,
        score=score,
        reason=reason,
        by_id=audience.person,
        version=version,
    )


@transaction.atomic
def review_reflection_save(
    *,
    audience: Audience,
    objective_id: str,
    text: str,
    based_on: datetime | Unset | None = UNSET,
    cycle_id: str | None = None,
) -> Reflection:
    """Write (or rewrite) the reflection on ``objective_id`` as ``audience``; ``based_on`` as
    :func:`tandem.okrs.reviews.reflection_save`'s. A closed cycle refuses it (ConflictError)."""
    objective_reflectable(audience=audience, objective_id=objective_id, cycle_id=cycle_id)
    return reflection_save(
        objective_id=objective_id, text=text, by_id=audience.person, based_on=based_on
    )


@transaction.atomic
def review_cycle_close(*, audience: Audience, cycle_id: str) -> Cycle:
    """Close the cycle: its OKRs become read-only but for grading."""
    _cycle_ensure_closer(audience, cycle_id)
    return cycle_state_set(cycle_id=cycle_id, state=Cycle.State.CLOSED)


@transaction.atomic
def review_cycle_reopen(*, audience: Audience, cycle_id: str) -> Cycle:
    """Open the cycle again: planning before it starts, active from then on."""
    cycle = _cycle_ensure_closer(audience, cycle_id)
    reopened = Cycle.State.PLANNING if clock.today() < cycle.start else Cycle.State.ACTIVE
    return cycle_state_set(cycle_id=cycle_id, state=reopened)


# --- fetch and authorise: what a write may change, else the one refusal ------------------


def key_result_gradable(
    *, audience: Audience, key_result_id: str, cycle_id: str | None = None
) -> KeyResult:
    """The key result (with its objective), if ``audience`` may grade it: NotFoundError when
    they may not see it, it is archived or not in ``cycle_id``; PermissionDeniedError, with
    the policy's words, when they may see but not grade it."""
    key_result = key_result_get_current(audience, key_result_id)
    objective = key_result.objective
    if cycle_id is not None and objective.cycle_id != cycle_id:
        raise NotFoundError(f"there is no key result '{key_result_id}' in cycle {cycle_id}")
    require(may_edit_objective(audience, objective), permissions.grade_refused(objective.id))
    return key_result


def objective_reflectable(
    *, audience: Audience, objective_id: str, cycle_id: str | None = None
) -> Objective:
    """The objective, if ``audience`` may write its reflection (refusals as
    :func:`key_result_gradable`'s)."""
    objective = objective_get_visible(audience, objective_id)
    if objective.archived_at is not None:  # out of every plan: as a missing one
        raise NotFoundError(f"there is no objective '{objective_id}'")
    if cycle_id is not None and objective.cycle_id != cycle_id:
        raise NotFoundError(f"there is no objective '{objective_id}' in cycle {cycle_id}")
    require(may_edit_objective(audience, objective), permissions.reflect_refused(objective.id))
    return objective


def _cycle_ensure_closer(audience: Audience, cycle_id: str) -> Cycle:
    """The cycle (every cycle is seen by everyone), if ``audience`` may close and reopen it."""
    cycle = Cycle.objects.filter(id=cycle_id).first()
    if cycle is None:
        raise NotFoundError(f"there is no cycle '{cycle_id}'")
    lead = Team.objects.filter(is_root=True).values_list("lead_id", flat=True).first()
    require(permissions.may_close_cycle(audience, lead), permissions.CLOSE_CYCLE_REFUSED)
    return cycle
