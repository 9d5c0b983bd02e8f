"""The rules whose findings are errors: the OKR cannot be scored or followed as written."""

from __future__ import annotations

from collections.abc import Iterator

from tandem.core import model as m
from tandem.core.engine import Evaluation
from tandem.core.numbers import NUMBER_RULE, shown, usable_number
from tandem.core.quality.findings import Finding, Severity, finding, rule


@rule("objective-without-key-results", Severity.ERROR)
def _objective_without_key_results(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for objective in org.objectives.values():
        if not objective.key_results:
            yield finding(
                "objective-without-key-results",
                objective.id,
                f"'{objective.title}' has no key results: add two to five measurable "
                "outcomes that will show it has been achieved",
            )


@rule("kr-not-measurable", Severity.ERROR)
def _kr_not_measurable(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for kr in org.key_results.values():
        metric = kr.metric
        if isinstance(metric, m.NumericMetric) and metric.start == metric.target:
            yield finding(
                "kr-not-measurable",
                kr.id,
                f"the metric starts and ends at {metric.start}, so progress cannot be "
                "measured: set the target you want to reach, or use keep_above / "
                "keep_below to hold a level",
            )


@rule("unusable-number", Severity.ERROR)
def _unusable_number(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    """Numbers that break tandem.core.numbers' rule: only a row written before the rule, or by
    hand, holds one (every boundary refuses them). The engine leaves them out."""
    for kr in org.key_results.values():
        metric = kr.metric
        if isinstance(metric, m.NumericMetric):
            numbers = {"start": metric.start, "target": metric.target}
        elif isinstance(metric, m.ThresholdMetric):
            numbers = {"the threshold": metric.threshold}
        else:
            continue
        for name, number in numbers.items():
            if not usable_number(number):
                yield finding(
                    "unusable-number",
                    kr.id,
                    f"{name} is {shown(number)}, not {NUMBER_RULE}: progress reads 0 until "
                    "it is set again",
                )
        for checkin in kr.checkins:
            if checkin.value is not None and not usable_number(checkin.value):
                yield finding(
                    "unusable-number",
                    kr.id,
                    f"the check-in of {checkin.date} holds {shown(checkin.value)}, not "
                    f"{NUMBER_RULE}: it is left out of progress; check in again with the "
                    "right value",
                )


@rule("alignment-broken", Severity.ERROR)
def _alignment_broken(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for objective in org.objectives.values():
        target = objective.aligns_to
        if target is None:
            continue
        if target in org.objectives:
            parent = org.objectives[target]
        elif target in org.key_results:
            parent = org.objectives[org.key_results[target].objective]
        else:
            yield finding(
                "alignment-broken",
                objective.id,
                f"aligns to '{target}', which is no objective or key result: align it "
                "to an existing one or remove aligns_to",
                related=target,
            )
            continue
        cycle, parent_cycle = org.cycles[objective.cycle], org.cycles[parent.cycle]
        if not parent_cycle.contains(cycle):
            yield finding(
                "alignment-broken",
                objective.id,
                f"aligns to '{target}' in cycle {parent_cycle.id} "
                f"({parent_cycle.start}..{parent_cycle.end}), which does not contain "
                f"this objective's cycle {cycle.id} ({cycle.start}..{cycle.end}): "
                "align to an objective or key result of the same or an enclosing "
                "cycle",
                related=target,
            )


@rule("alignment-cycle", Severity.ERROR)
def _alignment_cycle(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for loop in ev.alignment_loops:
        chain = " → ".join([*loop, loop[0]])
        for objective_id in loop:
            yield finding(
                "alignment-cycle",
                objective_id,
                f"following aligns_to comes back to this objective ({chain}): align "
                "one of them to a higher-level objective to break the loop",
            )


@rule("dependency-cycle", Severity.ERROR)
def _dependency_cycle(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for loop in ev.dependency_loops:
        others = ", ".join(d for d in loop)
        for dep_id in loop:
            yield finding(
                "dependency-cycle",
                dep_id,
                f"the dependencies {others} wait on each other through their "
                "provider key results, so none can be delivered first: re-plan one "
                "of them (their status now comes from their state alone)",
            )


@rule("umbrella-without-owner", Severity.ERROR)
def _umbrella_without_owner(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for objective in org.objectives.values():
        if objective.umbrella is not None and not objective.umbrella.owner:
            yield finding(
                "umbrella-without-owner",
                objective.id,
                "this umbrella objective spans teams but has no accountable owner: "
                "name one person as umbrella.owner",
            )
