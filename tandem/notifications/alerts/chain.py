"""A key result's risk chain in words, for one reader: "SR-1.1 is now off track because DEP-1:
Infrastructure's IN-1.1 is off track because DEP-2: Site Reliability's SRE-1.1 has confidence
3" (the engine's reasons, :mod:`tandem.core.risk`, worded as the pages word them).

The chain never names what its reader may not see: where it reaches a key result of an
objective hidden from them, it says "a key result you cannot see of <team>" and stops there
(what lies behind it, the dependencies it asks for, is theirs to see only through it).
"""

from __future__ import annotations

from collections.abc import Callable

from tandem.core import model as m
from tandem.core.results import Evaluation, Health, ReasonCode
from tandem.organization.wording import owner_name, possessive, reason_words

HEALTH = {Health.ON_TRACK: "on track", Health.AT_RISK: "at risk", Health.OFF_TRACK: "off track"}
HIDDEN = "a key result you cannot see"  # "... of Mobile is off track"

# Whether the reader may see an objective (by its id).
Sees = Callable[[str], bool]


def because(org: m.Organization, evaluation: Evaluation, key_result_id: str, sees: Sees) -> str:
    """Why ``key_result_id`` has its health: its dependencies that lower it, each with its
    reason and, through the key result that delivers it, the rest of the chain."""
    return _because(org, evaluation, key_result_id, sees, frozenset({key_result_id}))


def _because(
    org: m.Organization,
    evaluation: Evaluation,
    key_result_id: str,
    sees: Sees,
    seen: frozenset[str],
) -> str:
    reasons = [
        f"{dependency_id}: {_dependency(org, evaluation, dependency_id, sees, seen)}"
        for dependency_id in evaluation.key_results[key_result_id].at_risk_from
    ]
    return "; ".join(reasons)


def _dependency(
    org: m.Organization,
    evaluation: Evaluation,
    dependency_id: str,
    sees: Sees,
    seen: frozenset[str],
) -> str:
    dependency = org.dependencies[dependency_id]
    reason = evaluation.dependencies[dependency_id].reason
    provider = owner_name(org, dependency.provider)
    provider_kr = dependency.provider_kr if reason.from_provider else None
    if provider_kr is None or provider_kr not in org.key_results:
        return reason_words(reason, provider=provider, due=dependency.due, provider_kr=None)
    if not sees(org.key_results[provider_kr].objective):
        return f"{HIDDEN} of {provider} is {HEALTH[_health(reason)]}"
    below = evaluation.key_results[provider_kr]
    if below.at_risk_from and provider_kr not in seen:
        words = reason_words(reason, provider=provider, due=dependency.due, provider_kr=provider_kr)
        return (
            f"{words} because {_because(org, evaluation, provider_kr, sees, seen | {provider_kr})}"
        )
    return f"{possessive(provider)} {provider_kr} {_own(org, evaluation, provider_kr)}"


def _health(reason: ReasonCode) -> Health:
    health = reason.status.health
    assert health is not None
    return health


def _own(org: m.Organization, evaluation: Evaluation, key_result_id: str) -> str:
    """Why a key result has its own health: its confidence, or its pace."""
    result = evaluation.key_results[key_result_id]
    health = HEALTH[result.health]
    if result.confidence is not None:
        return f"has confidence {result.confidence}"
    if isinstance(org.key_results[key_result_id].metric, m.RollupMetric):
        return f"is {health}"
    done, expected = round(result.progress * 100), round(result.expected_progress * 100)
    return f"is {health}: {done}% done where {expected}% was expected by now"
