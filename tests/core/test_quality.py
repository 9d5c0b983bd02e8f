"""The quality rules of SPEC section 3: each rule fires when it should, and only then."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tandem.core import model as m
from tandem.core.engine import DependencyStatus, Health, evaluate
from tandem.core.quality import Finding, Severity, count_by_severity, lint
from tests.core.builders import (
    AS_OF,
    FY2026,
    Q1_2027,
    Q3,
    Q4,
    checkin,
    dependency,
    keep_above,
    keep_below,
    kr,
    milestones,
    numeric,
    objective,
    org,
)

State = m.DependencyState
ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def lint_at(organisation: m.Organization, as_of: date = AS_OF) -> list[Finding]:
    return lint(organisation, evaluate(organisation, as_of))


def found(organisation: m.Organization, rule: str, as_of: date = AS_OF) -> list[Finding]:
    """The findings of one rule."""
    return [f for f in lint_at(organisation, as_of) if f.rule == rule]


def the_one(organisation: m.Organization, rule: str, as_of: date = AS_OF) -> Finding:
    findings = found(organisation, rule, as_of)
    assert len(findings) == 1, findings
    return findings[0]


def assert_finding(
    finding: Finding,
    severity: Severity,
    target: str,
    related: str | None = None,
    *,
    says: tuple[str, ...] = (),
) -> None:
    """Severity, target and related as given; a message that names what to do."""
    assert (finding.severity, finding.target, finding.related) == (severity, target, related)
    assert finding.message.strip()
    for words in says:
        assert words.lower() in finding.message.lower(), (words, finding.message)


def days_before(days: int, as_of: date = AS_OF) -> date:
    return as_of - timedelta(days=days)


# --- a clean plan -----------------------------------------------------------------------------


def test_a_well_formed_plan_has_no_findings() -> None:
    fresh = [checkin(days_before(3), 5, confidence=8)]
    plan = org(
        objective(
            "NW-1",
            kr("NW-1.1", "Revenue in Europe", owner="zoe", checkins=fresh),
            owner="nw",
            title="Win the European market",
        ),
        objective(
            "SR-1",
            kr("SR-1.1", "Search p50 latency", owner="ana", checkins=fresh),
            owner="search",
            title="Make search answers fast",
            aligns_to="NW-1.1",
        ),
        dependency("DEP-1", "SR-1.1", "infra", state=State.ACCEPTED, due=date(2026, 12, 1)),
    )

    assert lint_at(plan) == []


# --- objective-without-key-results ------------------------------------------------------------


def test_an_objective_without_key_results_is_an_error() -> None:
    finding = the_one(org(objective("SR-1")), "objective-without-key-results")

    assert_finding(finding, ERROR, "SR-1", says=("add", "key results"))


def test_an_objective_with_one_key_result_is_fine() -> None:
    assert found(org(objective("SR-1", kr("SR-1.1"))), "objective-without-key-results") == []


# --- kr-not-measurable ------------------------------------------------------------------------


def test_a_numeric_key_result_that_starts_at_its_target_is_not_measurable() -> None:
    plan = org(objective("SR-1", kr("SR-1.1", metric=numeric(start=95, target=95, unit="%"))))

    finding = the_one(plan, "kr-not-measurable")

    assert_finding(finding, ERROR, "SR-1.1", says=("target", "keep_above"))


@pytest.mark.parametrize(
    "metric",
    [numeric(start=95, target=96), numeric(start=96, target=95), keep_above(95), keep_below(95)],
    ids=["up", "down", "keep-above", "keep-below"],
)
def test_a_key_result_that_can_move_is_measurable(metric: m.Metric) -> None:
    assert found(org(objective("SR-1", kr("SR-1.1", metric=metric))), "kr-not-measurable") == []


# --- alignment-broken -------------------------------------------------------------------------


def test_aligning_to_an_id_that_does_not_exist_is_broken() -> None:
    plan = org(objective("SR-1", kr("SR-1.1"), aligns_to="NW-9"))

    finding = the_one(plan, "alignment-broken")

    assert_finding(finding, ERROR, "SR-1", related="NW-9", says=("NW-9", "align"))


@pytest.mark.parametrize(
    ("own_cycle", "parent_cycle", "broken"),
    [
        (FY2026, Q4, True),  # a year-long objective cannot serve a quarter's key result
        (Q3, Q4, True),  # neither contains the other
        (Q4, FY2026, False),  # a quarter lies within the year
        (Q4, Q4, False),
    ],
    ids=["FY-to-Q4", "Q3-to-Q4", "Q4-to-FY", "Q4-to-Q4"],
)
def test_alignment_needs_the_parent_cycle_to_contain_the_objective_cycle(
    own_cycle: m.Cycle, parent_cycle: m.Cycle, broken: bool
) -> None:
    plan = org(
        objective("NW-1", kr("NW-1.1"), owner="nw", cycle=parent_cycle.id),
        objective("SR-1", kr("SR-1.1"), cycle=own_cycle.id, aligns_to="NW-1.1"),
    )

    findings = found(plan, "alignment-broken")

    if broken:
        assert len(findings) == 1
        assert_finding(
            findings[0],
            ERROR,
            "SR-1",
            related="NW-1.1",
            says=(parent_cycle.id, own_cycle.id, "enclosing cycle"),
        )
    else:
        assert findings == []


def test_aligning_to_an_objective_of_a_containing_cycle_is_fine() -> None:
    plan = org(
        objective("NW-1", kr("NW-1.1"), owner="nw", cycle=FY2026.id),
        objective("SR-1", kr("SR-1.1"), aligns_to="NW-1"),
    )

    assert found(plan, "alignment-broken") == []


# --- alignment-cycle --------------------------------------------------------------------------


def test_every_objective_on_an_alignment_loop_is_reported_and_only_those() -> None:
    plan = org(
        objective("SR-1", kr("SR-1.1"), aligns_to="PAY-1.1"),
        objective("PAY-1", kr("PAY-1.1"), owner="payments", aligns_to="IN-1"),
        objective("IN-1", kr("IN-1.1"), owner="infra", aligns_to="SR-1"),
        # Leads into the loop but is not on it.
        objective("SR-2", kr("SR-2.1"), aligns_to="SR-1.1"),
    )

    findings = found(plan, "alignment-cycle")

    assert [f.target for f in findings] == ["SR-1", "PAY-1", "IN-1"]
    for finding in findings:
        assert_finding(finding, ERROR, finding.target, says=("loop", "higher-level"))


def test_an_objective_aligned_to_its_own_key_result_is_a_loop() -> None:
    finding = the_one(org(objective("SR-1", kr("SR-1.1"), aligns_to="SR-1.1")), "alignment-cycle")

    assert_finding(finding, ERROR, "SR-1", says=("loop",))


def test_a_chain_of_alignments_up_to_the_company_is_no_loop() -> None:
    plan = org(
        objective("NW-1", kr("NW-1.1"), owner="nw"),
        objective("SR-1", kr("SR-1.1"), aligns_to="NW-1.1"),
        objective("BEN-1", kr("BEN-1.1"), owner="ben", aligns_to="SR-1.1"),
    )

    assert found(plan, "alignment-cycle") == []


# --- dependency-cycle -------------------------------------------------------------------------


def waiting_on_each_other(search_confidence: int = 1, payments_confidence: int = 9) -> list:
    """Search's KR needs Payments' KR and the other way round, both accepted."""
    return [
        objective(
            "SR-1",
            kr("SR-1.1", owner="ana", checkins=[checkin(days_before(1), 1, search_confidence)]),
        ),
        objective(
            "PAY-1",
            kr(
                "PAY-1.1", owner="priya", checkins=[checkin(days_before(1), 1, payments_confidence)]
            ),
            owner="payments",
        ),
        dependency("DEP-S", "SR-1.1", "payments", provider_kr="PAY-1.1"),
        dependency("DEP-P", "PAY-1.1", "search", provider_kr="SR-1.1"),
    ]


def test_dependencies_that_wait_on_each_other_are_each_reported() -> None:
    findings = found(org(*waiting_on_each_other()), "dependency-cycle")

    assert [f.target for f in findings] == ["DEP-S", "DEP-P"]
    for finding in findings:
        assert_finding(finding, ERROR, finding.target, says=("DEP-S", "DEP-P", "re-plan"))


def test_a_loop_through_an_objective_level_dependency_is_reported() -> None:
    plan = org(
        objective("SR-1", kr("SR-1.1")),
        objective("PAY-1", kr("PAY-1.1"), owner="payments"),
        dependency("DEP-S", "SR-1", "payments", provider_kr="PAY-1.1"),
        dependency("DEP-P", "PAY-1", "search", provider_kr="SR-1.1"),
    )

    assert [f.target for f in found(plan, "dependency-cycle")] == ["DEP-S", "DEP-P"]


def test_a_chain_of_dependencies_is_no_loop() -> None:
    plan = org(
        objective("SR-1", kr("SR-1.1")),
        objective("PAY-1", kr("PAY-1.1"), owner="payments"),
        objective("IN-1", kr("IN-1.1"), owner="infra"),
        dependency("DEP-S", "SR-1.1", "payments", provider_kr="PAY-1.1"),
        dependency("DEP-P", "PAY-1.1", "infra", provider_kr="IN-1.1"),
    )

    assert found(plan, "dependency-cycle") == []


def test_dependencies_on_a_loop_take_their_status_from_their_state_alone() -> None:
    # Search's own KR is off track (confidence 1), Payments' is on track (confidence 9). Both
    # dependencies are accepted, so from their state alone both are "ok": nothing propagates
    # around the loop, and Payments' key result stays on track.
    result = evaluate(
        org(*waiting_on_each_other(search_confidence=1, payments_confidence=9)), AS_OF
    )

    assert result.dependency_loops == [["DEP-S", "DEP-P"]]
    assert {d: result.dependencies[d].status for d in ("DEP-S", "DEP-P")} == {
        "DEP-S": DependencyStatus.OK,
        "DEP-P": DependencyStatus.OK,
    }
    assert result.dependencies["DEP-P"].in_loop
    payments = result.key_results["PAY-1.1"]
    assert (payments.own_health, payments.health, payments.at_risk_from) == (
        Health.ON_TRACK,
        Health.ON_TRACK,
        (),
    )


def test_a_requested_dependency_on_a_loop_is_at_risk_from_its_state() -> None:
    parts = waiting_on_each_other(search_confidence=9, payments_confidence=9)
    parts[2] = dependency(
        "DEP-S", "SR-1.1", "payments", state=State.REQUESTED, provider_kr="PAY-1.1"
    )

    result = evaluate(org(*parts), AS_OF)

    assert result.dependencies["DEP-S"].status is DependencyStatus.AT_RISK
    assert result.key_results["SR-1.1"].at_risk_from == ("DEP-S",)


# --- umbrella-without-owner -------------------------------------------------------------------


def test_an_umbrella_objective_without_an_accountable_owner_is_an_error() -> None:
    umbrella = m.Umbrella(owner=None, teams=("search", "payments"))
    plan = org(
        objective("NW-2", kr("NW-2.1", contributors=["search"]), owner="nw", umbrella=umbrella)
    )

    finding = the_one(plan, "umbrella-without-owner")

    assert_finding(finding, ERROR, "NW-2", says=("umbrella.owner", "person"))


def test_an_umbrella_objective_with_an_owner_is_fine() -> None:
    umbrella = m.Umbrella(owner="zoe", teams=("search", "payments"))
    plan = org(
        objective("NW-2", kr("NW-2.1", contributors=["search"]), owner="nw", umbrella=umbrella)
    )

    assert found(plan, "umbrella-without-owner") == []


# --- too-many-objectives ----------------------------------------------------------------------


def objectives_of(owner: str, count: int, cycle: m.Cycle = Q4, prefix: str = "O") -> list:
    return [
        objective(
            f"{prefix}{i}",
            kr(f"{prefix}{i}.1"),
            owner=owner,
            cycle=cycle.id,
            title=f"Goal number {prefix}{i}",
        )
        for i in range(1, count + 1)
    ]


@pytest.mark.parametrize("owner", ["search", "ben"], ids=["team", "person"])
def test_more_than_five_objectives_for_one_owner_in_one_cycle_is_too_many(owner: str) -> None:
    finding = the_one(org(*objectives_of(owner, 6)), "too-many-objectives")

    assert_finding(finding, WARNING, owner, says=("6 objectives", "2026-Q4", "focus"))


def test_five_objectives_are_not_too_many() -> None:
    assert found(org(*objectives_of("search", 5)), "too-many-objectives") == []


def test_objectives_spread_over_two_cycles_are_counted_per_cycle() -> None:
    plan = org(*objectives_of("search", 3, Q3, "A"), *objectives_of("search", 3, Q4, "B"))

    assert found(plan, "too-many-objectives") == []


def test_the_objective_limit_comes_from_the_settings() -> None:
    plan = org(*objectives_of("search", 3), settings=m.Settings(max_objectives_per_owner=2))

    assert [f.target for f in found(plan, "too-many-objectives")] == ["search"]


# --- too-many-key-results ---------------------------------------------------------------------


def with_key_results(count: int) -> m.Organization:
    return org(objective("SR-1", *(kr(f"SR-1.{i}") for i in range(1, count + 1))))


def test_more_than_five_key_results_is_too_many() -> None:
    finding = the_one(with_key_results(6), "too-many-key-results")

    assert_finding(finding, WARNING, "SR-1", says=("6 key results", "tasks"))


def test_five_key_results_are_not_too_many() -> None:
    assert found(with_key_results(5), "too-many-key-results") == []


def test_the_key_result_limit_comes_from_the_settings() -> None:
    plan = org(
        objective("SR-1", kr("SR-1.1"), kr("SR-1.2")),
        settings=m.Settings(max_key_results_per_objective=1),
    )

    assert [f.target for f in found(plan, "too-many-key-results")] == ["SR-1"]


# --- kr-task-like -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "metric", "verb"),
    [
        ("Launch the new checkout", m.BooleanMetric(), "Launch"),
        ("Set up an on-call rotation", milestones("Rota drafted", "First shift"), "Set up"),
        ("roll out single sign-on to all customers", m.BooleanMetric(), "roll out"),
        ("Migrate billing to the new ledger", milestones("Dry run", "Cut-over"), "Migrate"),
        ("  Write the onboarding guide", m.BooleanMetric(), "Write"),
    ],
)
def test_a_done_or_not_key_result_that_starts_with_an_activity_reads_like_a_task(
    title: str, metric: m.Metric, verb: str
) -> None:
    finding = the_one(org(objective("SR-1", kr("SR-1.1", title, metric=metric))), "kr-task-like")

    assert_finding(finding, WARNING, "SR-1.1", says=(f"'{verb}'", "task", "number to move"))


@pytest.mark.parametrize(
    ("title", "metric"),
    [
        ("Launch conversion from 2% to 3%", numeric(2, 3, "%")),  # measured: not a task
        ("Launched features adopted by 40% of users", keep_above(40, "%")),
        ("Launchpad adoption", m.BooleanMetric()),  # the verb must be a whole word
        ("Customers can pay with one click", m.BooleanMetric()),
        ("Settle every refund within a day", milestones("EU", "US")),
    ],
)
def test_a_measured_or_outcome_key_result_is_not_task_like(title: str, metric: m.Metric) -> None:
    assert found(org(objective("SR-1", kr("SR-1.1", title, metric=metric))), "kr-task-like") == []


# --- kr-without-owner -------------------------------------------------------------------------


@pytest.mark.parametrize("team", ["search", "nw"], ids=["team", "company"])
def test_a_key_result_of_a_team_objective_needs_an_owner(team: str) -> None:
    finding = the_one(
        org(objective("O-1", kr("O-1.1", owner=None), owner=team)), "kr-without-owner"
    )

    assert_finding(finding, WARNING, "O-1.1", says=("name the person",))


def test_a_key_result_of_a_team_objective_with_an_owner_is_fine() -> None:
    assert found(org(objective("SR-1", kr("SR-1.1", owner="ana"))), "kr-without-owner") == []


def test_a_key_result_of_a_personal_objective_is_owned_by_that_person() -> None:
    plan = org(objective("BEN-1", kr("BEN-1.1", owner=None), owner="ben"))

    assert plan.key_results["BEN-1.1"].owner == "ben"
    assert found(plan, "kr-without-owner") == []


def test_a_key_result_of_a_personal_objective_never_lacks_an_owner_even_if_left_blank() -> None:
    plan = org(objective("BEN-1", kr("BEN-1.1"), owner="ben"))
    blank = m.KeyResult("BEN-1.1", "BEN-1", "Key result BEN-1.1", numeric(), owner=None)
    plan.key_results["BEN-1.1"] = blank

    assert found(plan, "kr-without-owner") == []


# --- unaligned-objective ----------------------------------------------------------------------


@pytest.mark.parametrize(("owner", "level"), [("search", "team"), ("ben", "individual")])
def test_a_team_or_individual_objective_without_alignment_is_flagged(
    owner: str, level: str
) -> None:
    finding = the_one(org(objective("O-1", kr("O-1.1"), owner=owner)), "unaligned-objective")

    assert_finding(finding, WARNING, "O-1", says=(level, "aligns_to"))


def test_a_company_objective_needs_no_alignment() -> None:
    assert found(org(objective("NW-1", kr("NW-1.1"), owner="nw")), "unaligned-objective") == []


@pytest.mark.parametrize("owner", ["search", "ben"])
def test_an_aligned_objective_is_not_flagged_as_unaligned(owner: str) -> None:
    plan = org(
        objective("NW-1", kr("NW-1.1"), owner="nw"),
        objective("O-1", kr("O-1.1"), owner=owner, aligns_to="NW-1.1"),
    )

    assert found(plan, "unaligned-objective") == []


# --- individual-heavy-team --------------------------------------------------------------------


def test_a_team_whose_members_mostly_have_individual_objectives_is_flagged() -> None:
    plan = org(
        objective("SR-1", kr("SR-1.1"), owner="search", title="Make search answers fast"),
        objective("SR-0", kr("SR-0.1"), owner="search", cycle=Q3.id, title="Index the catalog"),
        objective("ANA-1", kr("ANA-1.1"), owner="ana", title="Grow as a manager"),
        objective("BEN-1", kr("BEN-1.1"), owner="ben", title="Learn Rust"),
    )

    findings = [f for f in found(plan, "individual-heavy-team") if f.target == "search"]

    # In 2026-Q4: 2 individual objectives of 3; the team objective of Q3 does not count.
    assert len(findings) == 1
    assert_finding(findings[0], WARNING, "search", says=("2026-Q4", "2 of 3", "team objectives"))


def test_a_team_exactly_at_the_individual_share_limit_is_fine() -> None:
    plan = org(
        objective("SR-1", kr("SR-1.1"), owner="search", title="Make search answers fast"),
        objective("SR-2", kr("SR-2.1"), owner="search", title="Index the whole catalog"),
        objective("ANA-1", kr("ANA-1.1"), owner="ana", title="Grow as a manager"),
        objective("BEN-1", kr("BEN-1.1"), owner="ben", title="Learn Rust"),
    )

    assert found(plan, "individual-heavy-team") == []


def test_the_individual_share_limit_comes_from_the_settings() -> None:
    plan = org(
        objective("SR-1", kr("SR-1.1"), owner="search", title="Make search answers fast"),
        objective("ANA-1", kr("ANA-1.1"), owner="ana", title="Grow as a manager"),
        objective("BEN-1", kr("BEN-1.1"), owner="ben", title="Learn Rust"),
        settings=m.Settings(individual_share_limit=0.7),
    )

    assert found(plan, "individual-heavy-team") == []


def test_individual_objectives_of_other_teams_members_do_not_count() -> None:
    plan = org(
        objective("SR-1", kr("SR-1.1"), owner="search", title="Make search answers fast"),
        objective("CAI-1", kr("CAI-1.1"), owner="priya", title="Grow as a manager"),
        objective("DAN-1", kr("DAN-1.1"), owner="tom", title="Learn Rust"),
    )

    assert "search" not in [f.target for f in found(plan, "individual-heavy-team")]


# --- umbrella-kr-without-contributors ---------------------------------------------------------


def umbrella_plan(*contributors: str, umbrella: bool = True) -> m.Organization:
    return org(
        objective(
            "NW-2",
            kr("NW-2.1", owner="zoe", contributors=contributors),
            owner="nw",
            umbrella=m.Umbrella("zoe", ("search", "payments")) if umbrella else None,
        )
    )


def test_a_key_result_of_an_umbrella_objective_needs_contributors() -> None:
    finding = the_one(umbrella_plan(), "umbrella-kr-without-contributors")

    assert_finding(finding, WARNING, "NW-2.1", says=("contributors", "people or teams"))


def test_an_umbrella_key_result_with_contributors_is_fine() -> None:
    assert found(umbrella_plan("search", "tom"), "umbrella-kr-without-contributors") == []


def test_an_ordinary_key_result_needs_no_contributors() -> None:
    assert found(umbrella_plan(umbrella=False), "umbrella-kr-without-contributors") == []


# --- possible-overlap -------------------------------------------------------------------------


def two_objectives(
    first: str = "Make checkout fast in Europe",
    second: str = "Make checkout fast in Europe",
    *,
    owners: tuple[str, str] = ("search", "payments"),
    cycles: tuple[m.Cycle, m.Cycle] = (Q4, Q4),
    second_aligns_to: str | None = None,
    settings: m.Settings | None = None,
) -> m.Organization:
    return org(
        objective("NW-1", kr("NW-1.1"), owner="nw", title="Grow enterprise revenue"),
        objective("A-1", kr("A-1.1"), owner=owners[0], cycle=cycles[0].id, title=first),
        objective(
            "B-1",
            kr("B-1.1"),
            owner=owners[1],
            cycle=cycles[1].id,
            title=second,
            aligns_to=second_aligns_to,
        ),
        settings=settings,
    )


@pytest.mark.parametrize("cycles", [(Q4, Q4), (FY2026, Q4)], ids=["same-cycle", "FY-and-Q4"])
def test_near_identical_objectives_of_two_teams_may_overlap(
    cycles: tuple[m.Cycle, m.Cycle],
) -> None:
    finding = the_one(two_objectives(cycles=cycles), "possible-overlap")

    assert_finding(
        finding, WARNING, "A-1", related="B-1", says=("Search", "Payments", "shared", "umbrella")
    )


def test_objectives_of_the_same_owner_do_not_overlap() -> None:
    assert found(two_objectives(owners=("search", "search")), "possible-overlap") == []


def test_objectives_in_cycles_that_do_not_overlap_do_not_overlap() -> None:
    assert found(two_objectives(cycles=(Q3, Q1_2027)), "possible-overlap") == []


@pytest.mark.parametrize("aligns_to", ["A-1", "A-1.1"], ids=["objective", "key-result"])
def test_an_objective_aligned_to_the_other_does_not_overlap_it(aligns_to: str) -> None:
    assert found(two_objectives(second_aligns_to=aligns_to), "possible-overlap") == []


def test_dissimilar_objectives_do_not_overlap() -> None:
    plan = two_objectives("Make checkout fast in Europe", "Hire ten senior engineers")

    assert found(plan, "possible-overlap") == []


def test_the_overlap_threshold_comes_from_the_settings() -> None:
    titles = ("Make checkout fast in Europe", "Make checkout reliable in Europe")

    assert len(found(two_objectives(*titles), "possible-overlap")) == 1
    strict = m.Settings(overlap_threshold=0.99)
    assert found(two_objectives(*titles, settings=strict), "possible-overlap") == []


# --- conflicting-key-results ------------------------------------------------------------------


def two_key_results(
    first: m.Metric,
    second: m.Metric,
    *,
    titles: tuple[str, str] = ("Checkout latency in the EU", "Checkout latency in the EU"),
    cycles: tuple[m.Cycle, m.Cycle] = (Q4, Q4),
) -> m.Organization:
    return org(
        objective(
            "SR-1",
            kr("SR-1.1", titles[0], metric=first),
            cycle=cycles[0].id,
            title="Make search answers fast",
        ),
        objective(
            "PAY-1",
            kr("PAY-1.1", titles[1], metric=second),
            owner="payments",
            cycle=cycles[1].id,
            title="Grow enterprise revenue",
        ),
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (numeric(900, 400, "ms"), numeric(400, 900, "ms")),  # the lowering one comes first
        (numeric(400, 900, "ms"), numeric(900, 400, "ms")),
        (keep_above(500, "ms"), keep_below(300, "ms")),
        (numeric(900, 400, "ms"), keep_above(500, "ms")),
    ],
    ids=["down-up", "up-down", "keep-above-below", "numeric-keep-above"],
)
def test_similar_key_results_moving_the_same_measure_in_opposite_directions_conflict(
    first: m.Metric, second: m.Metric
) -> None:
    finding = the_one(two_key_results(first, second), "conflicting-key-results")

    assert_finding(finding, WARNING, "SR-1.1", related="PAY-1.1", says=("ms", "agree"))


def test_key_results_in_different_units_do_not_conflict() -> None:
    plan = two_key_results(numeric(900, 400, "ms"), numeric(0.4, 0.9, "s"))

    assert found(plan, "conflicting-key-results") == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (numeric(900, 400, "ms"), numeric(800, 300, "ms")),
        (keep_below(400, "ms"), numeric(900, 400, "ms")),
    ],
    ids=["both-down", "keep-below-and-down"],
)
def test_key_results_moving_the_same_way_do_not_conflict(first: m.Metric, second: m.Metric) -> None:
    assert found(two_key_results(first, second), "conflicting-key-results") == []


def test_dissimilar_key_results_do_not_conflict() -> None:
    plan = two_key_results(
        numeric(900, 400, "ms"),
        numeric(400, 900, "ms"),
        titles=("Checkout latency in the EU", "Time spent reading docs"),
    )

    assert found(plan, "conflicting-key-results") == []


def test_key_results_in_cycles_that_do_not_overlap_do_not_conflict() -> None:
    plan = two_key_results(numeric(900, 400, "ms"), numeric(400, 900, "ms"), cycles=(Q3, Q1_2027))

    assert found(plan, "conflicting-key-results") == []


# --- dependency-unconfirmed -------------------------------------------------------------------


def one_dependency(
    state: State = State.ACCEPTED,
    *,
    due: date | None = None,
    cycle: m.Cycle = Q4,
    from_id: str = "SR-1.1",
) -> m.Organization:
    return org(
        objective("SR-1", kr("SR-1.1"), cycle=cycle.id),
        dependency("DEP-1", from_id, "infra", state=state, due=due),
    )


def test_a_dependency_the_provider_has_not_answered_is_unconfirmed() -> None:
    finding = the_one(one_dependency(State.REQUESTED), "dependency-unconfirmed")

    assert_finding(finding, WARNING, "DEP-1", says=("Infrastructure", "accept", "decline"))


@pytest.mark.parametrize("state", [s for s in State if s is not State.REQUESTED])
def test_an_answered_dependency_is_not_unconfirmed(state: State) -> None:
    assert found(one_dependency(state), "dependency-unconfirmed") == []


# --- dependency-declined ----------------------------------------------------------------------


@pytest.mark.parametrize("from_id", ["SR-1.1", "SR-1"], ids=["from-kr", "from-objective"])
def test_a_declined_dependency_of_an_active_key_result_is_flagged(from_id: str) -> None:
    finding = the_one(one_dependency(State.DECLINED, from_id=from_id), "dependency-declined")

    assert_finding(finding, WARNING, "DEP-1", says=("Infrastructure", "declined", "cancel"))


def test_a_declined_dependency_of_an_ended_cycle_is_history() -> None:
    assert found(one_dependency(State.DECLINED, cycle=Q3), "dependency-declined") == []


@pytest.mark.parametrize("state", [s for s in State if s is not State.DECLINED])
def test_a_dependency_that_is_not_declined_is_not_flagged_as_declined(state: State) -> None:
    assert found(one_dependency(state), "dependency-declined") == []


# --- dependency-overdue -----------------------------------------------------------------------


@pytest.mark.parametrize("state", [State.REQUESTED, State.ACCEPTED])
def test_an_open_dependency_past_its_due_date_is_overdue(state: State) -> None:
    finding = the_one(one_dependency(state, due=days_before(1)), "dependency-overdue")

    assert_finding(
        finding, ERROR, "DEP-1", says=(str(days_before(1)), "new date", "Infrastructure")
    )


@pytest.mark.parametrize("state", [State.DELIVERED, State.CANCELLED])
def test_a_closed_dependency_is_never_overdue(state: State) -> None:
    assert found(one_dependency(state, due=days_before(30)), "dependency-overdue") == []


@pytest.mark.parametrize(
    "due",
    [AS_OF, AS_OF + timedelta(days=1), None],
    ids=["due-today", "due-tomorrow", "no-due-date"],
)
def test_a_dependency_due_today_or_later_is_not_overdue(due: date | None) -> None:
    assert found(one_dependency(State.ACCEPTED, due=due), "dependency-overdue") == []


# --- stale-checkin ----------------------------------------------------------------------------


def checked_in(
    *dates: date,
    cycle: m.Cycle = Q4,
    settings: m.Settings | None = None,
    metric: m.Metric | None = None,
) -> m.Organization:
    checkins = [checkin(d, 1, 7) for d in dates]
    return org(
        objective("SR-1", kr("SR-1.1", metric=metric, checkins=checkins), cycle=cycle.id),
        settings=settings,
    )


def test_a_key_result_last_checked_in_fifteen_days_ago_is_stale() -> None:
    finding = the_one(checked_in(days_before(40), days_before(15)), "stale-checkin")

    assert_finding(finding, WARNING, "SR-1.1", says=("15 days", str(days_before(15)), "check in"))


def test_a_key_result_last_checked_in_fourteen_days_ago_is_fresh() -> None:
    assert found(checked_in(days_before(40), days_before(14)), "stale-checkin") == []


def test_staleness_follows_the_settings() -> None:
    plan = checked_in(days_before(8), settings=m.Settings(stale_after_days=7))

    assert [f.target for f in found(plan, "stale-checkin")] == ["SR-1.1"]


def test_check_ins_after_the_as_of_date_do_not_count() -> None:
    plan = checked_in(days_before(20), AS_OF + timedelta(days=1))

    assert [f.target for f in found(plan, "stale-checkin")] == ["SR-1.1"]


@pytest.mark.parametrize(("days_in", "stale"), [(15, True), (14, False)])
def test_a_key_result_without_check_ins_counts_from_the_cycle_start(
    days_in: int, stale: bool
) -> None:
    as_of = Q4.start + timedelta(days=days_in)
    findings = found(checked_in(), "stale-checkin", as_of=as_of)

    assert [f.target for f in findings] == (["SR-1.1"] if stale else [])
    if stale:
        assert_finding(findings[0], WARNING, "SR-1.1", says=(str(Q4.start), "15 days"))


@pytest.mark.parametrize(("days_ago", "stale"), [(0, False), (14, False), (15, True)])
def test_a_key_result_added_mid_cycle_counts_from_the_day_it_was_added(
    days_ago: int, stale: bool
) -> None:
    plan = checked_in()
    added = replace(plan.key_results["SR-1.1"], since=days_before(days_ago))
    plan = replace(plan, key_results={"SR-1.1": added})

    assert [f.target for f in found(plan, "stale-checkin")] == (["SR-1.1"] if stale else [])


def test_a_milestone_done_recently_counts_as_an_update() -> None:
    metric = m.MilestonesMetric(
        (m.Milestone("Design", done_on=days_before(3)), m.Milestone("Build"))
    )

    assert found(checked_in(days_before(30), metric=metric), "stale-checkin") == []


@pytest.mark.parametrize("cycle", [Q1_2027, Q3], ids=["not-started", "ended"])
def test_a_key_result_outside_its_running_cycle_is_never_stale(cycle: m.Cycle) -> None:
    assert found(checked_in(cycle=cycle), "stale-checkin") == []


# --- dependency-undeclared --------------------------------------------------------------------


MENTIONS = [
    "Work with the Payments team on refunds",
    "Get team Payments to expose refunds",
    "Refunds API from @payments",
    "Ask the payments team's help",
]


@pytest.mark.parametrize("text", MENTIONS)
@pytest.mark.parametrize(
    "where", ["objective title", "objective description", "kr title", "kr description"]
)
def test_mentioning_another_team_without_a_dependency_suggests_one(text: str, where: str) -> None:
    in_objective = where.startswith("objective")
    in_title = where.endswith("title")
    plan = org(
        objective(
            "SR-1",
            kr(
                "SR-1.1",
                text if not in_objective and in_title else "Refund time",
                description=text if not in_objective and not in_title else None,
            ),
            title=text if in_objective and in_title else "Make refunds instant",
            description=text if in_objective and not in_title else None,
        )
    )

    finding = the_one(plan, "dependency-undeclared")

    target = "SR-1" if in_objective else "SR-1.1"
    assert_finding(finding, INFO, target, related="payments", says=("Payments", "add a dependency"))


def test_a_team_with_a_name_of_several_words_is_recognised() -> None:
    data = m.Team("data", "Data Platform", parent="nw", lead="omar", members=("omar",))
    plan = org(
        objective("SR-1", kr("SR-1.1", "Ranking signals from the Data Platform team")), teams=[data]
    )

    finding = the_one(plan, "dependency-undeclared")

    assert_finding(finding, INFO, "SR-1.1", related="data")


@pytest.mark.parametrize(
    ("text_in", "dependency_from"),
    [("SR-1.1", "SR-1.1"), ("SR-1.1", "SR-1"), ("SR-1", "SR-1"), ("SR-1", "SR-1.1")],
    ids=[
        "kr-text-kr-dep",
        "kr-text-objective-dep",
        "objective-text-objective-dep",
        "objective-text-kr-dep",
    ],
)
def test_a_declared_dependency_on_the_mentioned_team_silences_the_hint(
    text_in: str, dependency_from: str
) -> None:
    text = "Work with the Payments team on refunds"
    plan = org(
        objective(
            "SR-1",
            kr("SR-1.1", text if text_in == "SR-1.1" else "Refund time"),
            title=text if text_in == "SR-1" else "Make refunds instant",
        ),
        dependency("DEP-1", dependency_from, "payments"),
    )

    assert found(plan, "dependency-undeclared") == []


def test_a_dependency_on_a_different_team_does_not_silence_the_hint() -> None:
    plan = org(
        objective("SR-1", kr("SR-1.1", "Work with the Payments team on refunds")),
        dependency("DEP-1", "SR-1.1", "infra"),
    )

    assert [f.related for f in found(plan, "dependency-undeclared")] == ["payments"]


@pytest.mark.parametrize(
    ("owner", "text"),
    [
        ("search", "The Search team answers in 100 ms"),
        ("ben", "Help @search ship faster"),
        ("payments", "Work with the Payments team on refunds"),
    ],
    ids=["own-team", "person-mentions-own-team", "payments-mentions-itself"],
)
def test_mentioning_ones_own_team_is_no_dependency(owner: str, text: str) -> None:
    plan = org(objective("O-1", kr("O-1.1", text), owner=owner))

    assert found(plan, "dependency-undeclared") == []


@pytest.mark.parametrize(
    "text",
    [
        "Speed up payments in Europe",
        "Improve payments for the whole team",
        "Email payments@northwind.test",
    ],
)
def test_a_plain_mention_of_a_word_that_names_a_team_is_no_dependency(text: str) -> None:
    assert found(org(objective("SR-1", kr("SR-1.1", text))), "dependency-undeclared") == []


# --- lint() as a whole ------------------------------------------------------------------------


def file_position(organisation: m.Organization) -> dict[str, int]:
    """Where each id is written in the OKR file: people, teams, cycles, objectives each followed
    by its key results, dependencies."""
    ids: list[str] = [*organisation.people, *organisation.teams, *organisation.cycles]
    for o in organisation.objectives.values():
        ids += [o.id, *o.key_results]
    ids += list(organisation.dependencies)
    return {id_: i for i, id_ in enumerate(ids)}


def test_findings_follow_the_order_of_the_file() -> None:
    plan = org(
        objective(
            "NW-1",
            kr("NW-1.1", owner="zoe"),
            kr("NW-1.2", owner="zoe"),
            kr("NW-1.3", owner="zoe", metric=numeric(5, 5)),
            owner="nw",
            title="Win the European market",
        ),
        objective("NW-2", owner="nw", title="Hire great engineers"),
        dependency("DEP-1", "NW-1.1", "infra", state=State.REQUESTED),
    )

    findings = lint_at(plan, as_of=date(2026, 10, 5))

    assert [(f.rule, f.target) for f in findings] == [
        ("kr-not-measurable", "NW-1.3"),
        ("objective-without-key-results", "NW-2"),
        ("dependency-unconfirmed", "DEP-1"),
    ]


def test_findings_about_people_teams_objectives_and_dependencies_follow_the_file() -> None:
    plan = org(
        *objectives_of("omar", 6, prefix="EVE-"),  # omar is the last person, infra the last team
        *objectives_of("nw", 6, prefix="NW-"),
        objective("SR-1", kr("SR-1.1"), kr("SR-1.2"), kr("SR-1.3", metric=numeric(1, 1))),
        objective("SR-2", kr("SR-2.1", "Work with the Payments team")),
        dependency("DEP-1", "SR-1.1", "infra", state=State.DECLINED),
        dependency("DEP-2", "SR-2.1", "payments", due=days_before(1)),
    )
    position = file_position(plan)

    findings = lint_at(plan)

    assert {"omar", "nw", "infra", "SR-1.3", "SR-2", "DEP-1", "DEP-2"} <= {
        f.target for f in findings
    }
    places = [position[f.target] for f in findings]
    assert places == sorted(places), [(f.rule, f.target) for f in findings]


def test_count_by_severity_counts_each_severity() -> None:
    plan = org(
        objective("SR-1"),  # error: no key results; warning: unaligned
        objective(
            "SR-2", kr("SR-2.1", "Work with the Payments team", owner="ana"), aligns_to="SR-1"
        ),  # info: undeclared dependency on Payments
        dependency("DEP-1", "SR-2.1", "infra", state=State.ACCEPTED, due=date(2026, 10, 4)),
    )

    findings = lint_at(plan, as_of=date(2026, 10, 5))
    rules = sorted(f.rule for f in findings)

    assert rules == [
        "dependency-overdue",
        "dependency-undeclared",
        "objective-without-key-results",
        "unaligned-objective",
    ]
    assert count_by_severity(findings) == {"errors": 2, "warnings": 1, "infos": 1}


def test_count_by_severity_of_no_findings_is_all_zero() -> None:
    assert count_by_severity([]) == {"errors": 0, "warnings": 0, "infos": 0}
