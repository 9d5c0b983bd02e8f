"""Asking for help, answering and withdrawing requests, authorised: the one path the
dependencies page and the API take (fetch the request as the caller may see it, refuse with
the policy's words what their side may not do, check what an acceptance names, then change the
state through :func:`tandem.dependencies.services.dependency_transition`, which refuses what
the state machine does not allow).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tandem.access.policy import (
    dependency_get_visible,
    may_answer_dependency,
    may_cancel_dependency,
    may_edit_objective,
    objective_get_visible,
    require,
    target_ensure_visible,
)
from tandem.core import permissions
from tandem.core.visibility import Audience
from tandem.dependencies.models import Dependency
from tandem.dependencies.services import dependency_transition
from tandem.dependencies.states import ACTIONS, Side
from tandem.errors import InvalidError
from tandem.okrs.models import Objective


def asking_ensure_allowed(audience: Audience, objective: Objective) -> None:
    """Refuse (403) asking for help on behalf of an objective the caller may not change."""
    require(may_edit_objective(audience, objective), permissions.ask_refused(objective.id))


def dependency_get_for(audience: Audience, dependency_id: str, action: str) -> Dependency:
    """The request ``action`` (a name of :data:`tandem.dependencies.states.ACTIONS`) is taken
    on: 404 when the caller may not see it, 403 when their side may not take the action."""
    dependency = dependency_get_visible(audience, dependency_id)
    if ACTIONS[action].by is Side.REQUESTER:
        require(
            may_cancel_dependency(audience, dependency),
            permissions.cancel_refused(dependency_id),
        )
    else:
        require(
            may_answer_dependency(audience, dependency),
            permissions.answer_refused(dependency.provider_id, dependency_id),
        )
    return dependency


def acceptance_of(
    audience: Audience,
    *,
    provider_kr: str | None = None,
    new_key_result: Mapping[str, Any] | None = None,
    objective: str | None = None,
) -> dict[str, Any]:
    """What an acceptance names, checked for the caller, as dependency_transition takes it:
    an existing key result they may see (``provider_kr``), or a new one
    (``new_key_result``, key_result_create's fields) in an objective they may change."""
    named: dict[str, Any] = {}
    if new_key_result is not None:
        if objective is None:
            raise InvalidError(
                "say which of your objectives the new key result goes in", field="objective"
            )
        found = objective_get_visible(audience, objective)
        require(
            may_edit_objective(audience, found),
            permissions.add_key_result_refused(found.id),
        )
        named |= {"provider_kr_new": dict(new_key_result), "provider_objective_id": found.id}
    if provider_kr is not None:
        if target_ensure_visible(audience, provider_kr, field="provider_kr") != "key_result":
            raise InvalidError(
                f"'{provider_kr}' is an objective; name one of its key results",
                field="provider_kr",
            )
        # Both named: the service says to name one.
        named["provider_kr_id"] = provider_kr
    return named


def dependency_act(
    *,
    dependency: Dependency,
    action: str,
    by_id: str | None,
    reason: str = "",
    version: int | None = None,
    acceptance: Mapping[str, Any] | None = None,
) -> Dependency:
    """Take ``action`` on ``dependency`` (from :func:`dependency_get_for`), recorded as taken
    by ``by_id`` for ``reason``; ``acceptance`` from :func:`acceptance_of`."""
    return dependency_transition(
        dependency_id=dependency.id,
        to_state=ACTIONS[action].to_state,
        by_id=by_id,
        reason=reason,
        version=version,
        **(acceptance or {}),
    )
