"""Why a dependency has its status and why a key result is at risk (tandem.core.risk): one
reason code a case of SPEC section 2, decided with the status, and the chain behind it."""

from __future__ import annotations

import pytest

from tandem.core.engine import DependencyStatus, Health
from tandem.core.risk import ReasonCode, Step, explain, risk_chain
from tests.core.test_engine import PROVIDER, deps_org, one_kr
from tests.okr_text import org, run


@pytest.mark.parametrize(
    ("dependency", "reason", "status"),
    [
        ("state: delivered", "delivered", "done"),
        # Delivered late is delivered: a due date past never makes it overdue.
        ("state: delivered, due: 2026-11-01", "delivered", "done"),
        ("state: cancelled", "cancelled", "cancelled"),
        ("state: cancelled, due: 2026-11-01", "cancelled", "cancelled"),
        ("state: declined", "declined", "off_track"),
        ("state: declined, due: 2026-11-01", "declined", "off_track"),
        ("state: requested, due: 2026-11-14", "overdue", "off_track"),
        ("state: accepted, provider_kr: IN-1.1, due: 2026-11-14", "overdue", "off_track"),
        ("state: requested", "not-accepted", "at_risk"),
        ("state: requested, due: 2026-11-15", "not-accepted", "at_risk"),
        ("state: accepted", "accepted", "ok"),
        ("state: accepted, provider_kr: IN-1.1", "provider-on-track", "ok"),
    ],
)
def test_each_state_has_its_reason(dependency: str, reason: str, status: str) -> None:
    result = run(deps_org(), f"- {{id: D, from: SR-1.1, provider: infra, need: x, {dependency}}}")
    assert result.dependencies["D"].reason == reason
    assert result.dependencies["D"].status == status
    assert result.dependencies["D"].reason.status == status


@pytest.mark.parametrize(
    ("confidence", "reason", "status"),
    [
        (9, ReasonCode.PROVIDER_ON_TRACK, DependencyStatus.OK),
        (5, ReasonCode.PROVIDER_AT_RISK, DependencyStatus.AT_RISK),
        (1, ReasonCode.PROVIDER_OFF_TRACK, DependencyStatus.OFF_TRACK),
    ],
)
def test_an_accepted_dependency_takes_the_reason_of_its_provider_key_result(
    confidence: int, reason: ReasonCode, status: DependencyStatus
) -> None:
    dependency = (
        "- {id: D, from: SR-1.1, provider: infra, need: x, state: accepted, provider_kr: IN-1.1}"
    )
    result = run(deps_org(confidence), dependency)
    assert (result.dependencies["D"].reason, result.dependencies["D"].status) == (reason, status)
    assert reason.from_provider


def test_a_dependency_on_a_loop_is_explained_by_the_loop() -> None:
    objectives = deps_org(1).replace("confidence: 9", "confidence: 1")
    dependencies = """
    - {id: D1, from: SR-1.1, provider: infra, need: x, state: accepted, provider_kr: IN-1.1}
    - {id: D2, from: IN-1.1, provider: search, need: y, state: accepted, provider_kr: SR-1.1}
    """
    result = run(objectives, dependencies)
    assert result.dependencies["D1"].reason is ReasonCode.IN_LOOP
    assert result.dependencies["D1"].status is DependencyStatus.OK
    assert not ReasonCode.IN_LOOP.from_provider


CHAIN_OBJECTIVES = (
    deps_org(9)
    + """
    - id: SRE-1
      title: Readiness
      cycle: Q4
      owner: infra
      key_results:
        - {id: SRE-1.1, title: Sign-off, owner: cai, metric: boolean,
           checkins: [{date: 2026-11-10, confidence: 2}]}
    """
)
CHAIN_DEPENDENCIES = """
    - {id: D1, from: SR-1.1, provider: infra, need: x, state: accepted, provider_kr: IN-1.1}
    - {id: D2, from: IN-1.1, provider: infra, need: y, state: accepted, provider_kr: SRE-1.1}
    - {id: D3, from: SR-1, provider: infra, need: z}
"""


def test_the_chain_follows_the_key_results_that_deliver_the_help() -> None:
    organization = org(CHAIN_OBJECTIVES, CHAIN_DEPENDENCIES)
    result = run(CHAIN_OBJECTIVES, CHAIN_DEPENDENCIES)
    off = Health.OFF_TRACK
    assert risk_chain(organization, result, "SR-1.1") == [
        Step(0, "SR-1.1", off, "D1", ReasonCode.PROVIDER_OFF_TRACK, "IN-1.1"),
        Step(1, "IN-1.1", off, "D2", ReasonCode.PROVIDER_OFF_TRACK, "SRE-1.1"),
        Step(0, "SR-1.1", off, "D3", ReasonCode.NOT_ACCEPTED, None),
    ]
    # SRE-1.1 is off track on its own: nothing below it.
    assert risk_chain(organization, result, "SRE-1.1") == []


def test_explain_gives_the_reason_and_what_puts_the_provider_key_result_at_risk() -> None:
    organization = org(CHAIN_OBJECTIVES, CHAIN_DEPENDENCIES)
    result = run(CHAIN_OBJECTIVES, CHAIN_DEPENDENCIES)
    explained = explain(organization, result, "D1")
    assert (explained.reason, explained.status, explained.provider_kr) == (
        ReasonCode.PROVIDER_OFF_TRACK,
        DependencyStatus.OFF_TRACK,
        "IN-1.1",
    )
    assert explained.chain == [
        Step(0, "IN-1.1", Health.OFF_TRACK, "D2", ReasonCode.PROVIDER_OFF_TRACK, "SRE-1.1")
    ]
    requested = explain(organization, result, "D3")
    assert (requested.reason, requested.provider_kr, requested.chain) == (
        ReasonCode.NOT_ACCEPTED,
        None,
        [],
    )


def test_a_chain_through_a_loop_names_each_key_result_once() -> None:
    objectives = one_kr(
        "{start: 0, target: 10}", "[{date: 2026-11-10, value: 5, confidence: 9}]"
    ) + PROVIDER.format(confidence=9)
    dependencies = """
    - {id: D1, from: SR-1.1, provider: infra, need: x, state: accepted, provider_kr: IN-1.1}
    - {id: D2, from: IN-1.1, provider: search, need: y}
    """
    organization = org(objectives, dependencies)
    result = run(objectives, dependencies)
    steps = risk_chain(organization, result, "SR-1.1")
    assert [(s.key_result, s.dependency, s.reason) for s in steps] == [
        ("SR-1.1", "D1", ReasonCode.PROVIDER_AT_RISK),
        ("IN-1.1", "D2", ReasonCode.NOT_ACCEPTED),
    ]


def test_every_reason_code_is_tested() -> None:
    covered = {
        "delivered",
        "cancelled",
        "declined",
        "overdue",
        "not-accepted",
        "accepted",
        "provider-on-track",
        "provider-at-risk",
        "provider-off-track",
        "in-loop",
    }
    assert {code.value for code in ReasonCode} == covered
