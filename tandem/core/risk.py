"""Why a dependency has its status and why a key result is at risk, as data: a reason code
and the chain of dependencies and key results behind it.

The engine decides every dependency's status through :func:`reason_from_state` and
:func:`reason_from_provider` (SPEC section 2, in its order), so the status and its reason are
one decision; :func:`risk_chain` follows the reasons through the key results that deliver the
help. The pages, the command line and the API only word what they find here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tandem.core import model as m
from tandem.core.results import DependencyStatus, Evaluation, Health, ReasonCode

_PROVIDER_REASON = {
    Health.ON_TRACK: ReasonCode.PROVIDER_ON_TRACK,
    Health.AT_RISK: ReasonCode.PROVIDER_AT_RISK,
    Health.OFF_TRACK: ReasonCode.PROVIDER_OFF_TRACK,
}


def reason_from_state(dependency: m.Dependency, as_of: date) -> ReasonCode | None:
    """The reason when the state (and the due date) alone decides the status; None when the
    health of the key result that delivers the help does (:func:`reason_from_provider`)."""
    state = dependency.state
    if state is m.DependencyState.DELIVERED:
        return ReasonCode.DELIVERED
    if state is m.DependencyState.CANCELLED:
        return ReasonCode.CANCELLED
    if state is m.DependencyState.DECLINED:
        return ReasonCode.DECLINED
    if dependency.due is not None and dependency.due < as_of:
        return ReasonCode.OVERDUE
    if state is m.DependencyState.REQUESTED:
        return ReasonCode.NOT_ACCEPTED
    if dependency.provider_kr is None:
        return ReasonCode.ACCEPTED
    return None


def reason_from_provider(provider_health: Health | None, *, in_loop: bool) -> ReasonCode:
    """An accepted dependency with a provider key result: that key result's effective health;
    on a loop nothing propagates (SPEC section 2), and a key result that does not exist
    delivers nothing (as if none were named)."""
    if in_loop:
        return ReasonCode.IN_LOOP
    if provider_health is None:
        return ReasonCode.ACCEPTED
    return _PROVIDER_REASON[provider_health]


@dataclass(frozen=True, slots=True)
class Step:
    """One link of a risk chain: ``key_result`` is ``health`` because of ``dependency``, for
    ``reason``; ``depth`` counts the provider key results followed to get here."""

    depth: int
    key_result: str
    health: Health
    dependency: str
    reason: ReasonCode
    provider_kr: str | None  # the key result that delivers the help, when the reason is its


def risk_chain(
    org: m.Organization,
    evaluation: Evaluation,
    key_result_id: str,
    depth: int = 0,
    seen: frozenset[str] = frozenset(),
) -> list[Step]:
    """Each dependency that lowers ``key_result_id``'s health and, through a provider key
    result whose own health comes from further dependencies, the rest of the chain (each key
    result once)."""
    result = evaluation.key_results[key_result_id]
    steps = []
    for dependency_id in result.at_risk_from:
        reason = evaluation.dependencies[dependency_id].reason
        provider_kr = org.dependencies[dependency_id].provider_kr if reason.from_provider else None
        steps.append(Step(depth, key_result_id, result.health, dependency_id, reason, provider_kr))
        below = seen | {key_result_id}
        if provider_kr is not None and provider_kr in org.key_results and provider_kr not in below:
            steps += risk_chain(org, evaluation, provider_kr, depth + 1, below)
    return steps


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a dependency has its status: the reason, the key result that delivers the help
    when its health decides, and the chain behind that key result's health."""

    dependency: str
    status: DependencyStatus
    reason: ReasonCode
    provider_kr: str | None
    chain: list[Step]


def explain(org: m.Organization, evaluation: Evaluation, dependency_id: str) -> Explanation:
    """The explanation of ``dependency_id``'s status in ``evaluation``."""
    result = evaluation.dependencies[dependency_id]
    reason = result.reason
    provider_kr = org.dependencies[dependency_id].provider_kr if reason.from_provider else None
    chain = risk_chain(org, evaluation, provider_kr) if provider_kr is not None else []
    return Explanation(dependency_id, result.status, reason, provider_kr, chain)
