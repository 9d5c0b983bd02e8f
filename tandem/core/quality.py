"""The quality rules of SPEC section 3: what an OKR coach would point out.

Each rule is a small function over the organisation and its evaluation that yields findings;
:func:`lint` runs them all and orders the findings as the organisation is written.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from tandem.core import model as m
from tandem.core.engine import Evaluation
from tandem.core.numbers import NUMBER_RULE, shown, usable_number
from tandem.core.similarity import similar_rows, vectorize


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    target: str
    message: str
    related: str | None = None

    def as_json(self) -> dict[str, str | None]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "target": self.target,
            "related": self.related,
            "message": self.message,
        }


Rule = Callable[[m.Organization, Evaluation], Iterator[Finding]]
RULES: dict[str, tuple[Severity, Rule]] = {}


def rule(name: str, severity: Severity) -> Callable[[Rule], Rule]:
    def register(check: Rule) -> Rule:
        RULES[name] = (severity, check)
        return check

    return register


def _finding(name: str, target: str, message: str, related: str | None = None) -> Finding:
    return Finding(name, RULES[name][0], target, message, related)


def lint(org: m.Organization, evaluation: Evaluation) -> list[Finding]:
    """Every finding, in the order the organisation is written (then by rule)."""
    written: list[str] = [*org.people, *org.teams, *org.cycles]
    for objective in org.objectives.values():
        written += [objective.id, *objective.key_results]
    written += org.dependencies
    position = {id_: index for index, id_ in enumerate(written)}
    rule_order = {name: i for i, name in enumerate(RULES)}
    findings = [f for _, check in RULES.values() for f in check(org, evaluation)]
    return sorted(
        findings, key=lambda f: (position.get(f.target, 0), rule_order[f.rule], f.related or "")
    )


def count_by_severity(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {
        "errors": counts[Severity.ERROR],
        "warnings": counts[Severity.WARNING],
        "infos": counts[Severity.INFO],
    }


def _owner_name(org: m.Organization, owner: str) -> str:
    found = org.teams.get(owner) or org.people.get(owner)
    return found.name if found else owner


# --- errors --------------------------------------------------------------------------------


@rule("objective-without-key-results", Severity.ERROR)
def _objective_without_key_results(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for objective in org.objectives.values():
        if not objective.key_results:
            yield _finding(
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
            yield _finding(
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
                yield _finding(
                    "unusable-number",
                    kr.id,
                    f"{name} is {shown(number)}, not {NUMBER_RULE}: progress reads 0 until "
                    "it is set again",
                )
        for checkin in kr.checkins:
            if checkin.value is not None and not usable_number(checkin.value):
                yield _finding(
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
            yield _finding(
                "alignment-broken",
                objective.id,
                f"aligns to '{target}', which is no objective or key result: align it "
                "to an existing one or remove aligns_to",
                related=target,
            )
            continue
        cycle, parent_cycle = org.cycles[objective.cycle], org.cycles[parent.cycle]
        if not parent_cycle.contains(cycle):
            yield _finding(
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
            yield _finding(
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
            yield _finding(
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
            yield _finding(
                "umbrella-without-owner",
                objective.id,
                "this umbrella objective spans teams but has no accountable owner: "
                "name one person as umbrella.owner",
            )


# --- warnings -------------------------------------------------------------------------------


@rule("too-many-objectives", Severity.WARNING)
def _too_many_objectives(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    limit = org.settings.max_objectives_per_owner
    counts = Counter((o.owner, o.cycle) for o in org.objectives.values())
    for (owner, cycle), count in counts.items():
        if count > limit:
            yield _finding(
                "too-many-objectives",
                owner,
                f"{_owner_name(org, owner)} has {count} objectives in {cycle} (more "
                f"than {limit}): focus on the few that matter most and drop or merge "
                "the rest",
            )


@rule("too-many-key-results", Severity.WARNING)
def _too_many_key_results(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    limit = org.settings.max_key_results_per_objective
    for objective in org.objectives.values():
        if len(objective.key_results) > limit:
            yield _finding(
                "too-many-key-results",
                objective.id,
                f"{len(objective.key_results)} key results (more than {limit}): keep "
                "the ones that best show success; the rest are often tasks or "
                "health metrics",
            )


ACTIVITY_VERBS = (
    "launch",
    "build",
    "implement",
    "create",
    "write",
    "hold",
    "run",
    "organise",
    "organize",
    "complete",
    "finish",
    "deliver",
    "ship",
    "migrate",
    "develop",
    "design",
    "set up",
    "introduce",
    "conduct",
    "prepare",
    "publish",
    "roll out",
)
_TASK_LIKE = re.compile(
    r"^\s*(" + "|".join(v.replace(" ", r"\s+") for v in ACTIVITY_VERBS) + r")\b", re.IGNORECASE
)


@rule("kr-task-like", Severity.WARNING)
def _kr_task_like(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for kr in org.key_results.values():
        if isinstance(kr.metric, m.BooleanMetric | m.MilestonesMetric):
            match = _TASK_LIKE.match(kr.title)
            if match:
                yield _finding(
                    "kr-task-like",
                    kr.id,
                    f"'{kr.title}' starts with '{match.group(1)}' and reads like a "
                    "task (an output): say what changes when it is done, as a number "
                    "to move (e.g. 'checkout conversion from 2.1% to 3%')",
                )


@rule("kr-without-owner", Severity.WARNING)
def _kr_without_owner(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for kr in org.key_results.values():
        if kr.owner is None and org.objectives[kr.objective].owner in org.teams:
            yield _finding(
                "kr-without-owner",
                kr.id,
                "no one owns this key result: name the person who drives it and checks in",
            )


@rule("unaligned-objective", Severity.WARNING)
def _unaligned_objective(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for objective in org.objectives.values():
        level = ev.objectives[objective.id].level
        if level is not m.Level.COMPANY and objective.aligns_to is None:
            yield _finding(
                "unaligned-objective",
                objective.id,
                f"this {level.value} objective does not align to anything: set "
                "aligns_to to the company or team objective or key result it "
                "serves, so people see why it matters",
            )


@rule("individual-heavy-team", Severity.WARNING)
def _individual_heavy_team(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    limit = org.settings.individual_share_limit
    team_counts: Counter[tuple[str, str]] = Counter()
    personal: dict[str, Counter[str]] = defaultdict(Counter)
    for objective in org.objectives.values():
        if objective.owner in org.teams:
            team_counts[objective.owner, objective.cycle] += 1
        elif objective.owner in org.people:
            personal[objective.owner][objective.cycle] += 1
    for team in org.teams.values():
        individual: Counter[str] = Counter()
        for member in team.members:
            individual.update(personal.get(member, {}))
        for cycle, count in individual.items():
            total = count + team_counts[team.id, cycle]
            if count / total > limit:
                yield _finding(
                    "individual-heavy-team",
                    team.id,
                    f"in {cycle}, {count} of {total} objectives of {team.name} and "
                    f"its members are individual (more than {limit:.0%}): turn shared "
                    "goals into team objectives and keep individual ones few",
                )


@rule("umbrella-kr-without-contributors", Severity.WARNING)
def _umbrella_kr_without_contributors(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for objective in org.objectives.values():
        if objective.umbrella is None:
            continue
        for kid in objective.key_results:
            if not org.key_results[kid].contributors:
                yield _finding(
                    "umbrella-kr-without-contributors",
                    kid,
                    "a key result of an umbrella objective has no contributors: list "
                    "the people or teams who move it alongside its owner",
                )


def _aligns_to_other(org: m.Organization, a: m.Objective, b: m.Objective) -> bool:
    """True when ``a`` aligns to ``b`` itself or to one of its key results."""
    target = a.aligns_to
    if target is None:
        return False
    return target == b.id or (
        target in org.key_results and org.key_results[target].objective == b.id
    )


@rule("possible-overlap", Severity.WARNING)
def _possible_overlap(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    objectives = list(org.objectives.values())
    vectors = vectorize([o.title for o in objectives])
    by_cycle: dict[str, list[int]] = defaultdict(list)
    for index, objective in enumerate(objectives):
        by_cycle[objective.cycle].append(index)
    cycle_ids = list(by_cycle)
    candidates = (
        pair
        for position, first in enumerate(cycle_ids)
        for second in cycle_ids[position:]
        if org.cycles[first].overlaps(org.cycles[second])
        for pair in similar_rows(
            vectors,
            by_cycle[first],
            by_cycle[second],
            org.settings.overlap_threshold,
            same=first == second,
        )
    )
    for i, j, similarity in candidates:
        a, b = objectives[min(i, j)], objectives[max(i, j)]
        if a.owner == b.owner:
            continue
        if _aligns_to_other(org, a, b) or _aligns_to_other(org, b, a):
            continue
        yield _finding(
            "possible-overlap",
            a.id,
            f"'{a.title}' ({_owner_name(org, a.owner)}) and '{b.title}' "
            f"({_owner_name(org, b.owner)}) look alike ({similarity:.0%} similar): "
            "agree on one shared objective, or an umbrella objective with both "
            "teams as contributors",
            related=b.id,
        )


def _direction(metric: m.Metric) -> int:
    if isinstance(metric, m.NumericMetric):
        return (metric.target > metric.start) - (metric.target < metric.start)
    if isinstance(metric, m.ThresholdMetric):
        return 1 if metric.above else -1
    return 0


@rule("conflicting-key-results", Severity.WARNING)
def _conflicting_key_results(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    directed = [
        kr for kr in org.key_results.values() if m.metric_unit(kr.metric) and _direction(kr.metric)
    ]
    # Only key results of one unit can conflict: compare within each unit, up against down.
    ups: dict[str, list[int]] = defaultdict(list)
    downs: dict[str, list[int]] = defaultdict(list)
    for index, kr in enumerate(directed):
        unit = (m.metric_unit(kr.metric) or "").lower()
        (ups if _direction(kr.metric) > 0 else downs)[unit].append(index)
    if not any(unit in downs for unit in ups):
        return
    # One vocabulary for all, so that every subset's vectors are comparable.
    vectors = vectorize([kr.title for kr in directed])
    threshold = org.settings.overlap_threshold
    order = {kid: i for i, kid in enumerate(org.key_results)}
    candidates = (
        pair
        for unit, up_rows in ups.items()
        for pair in similar_rows(vectors, up_rows, downs.get(unit, []), threshold, same=False)
    )
    for i, j, similarity in candidates:
        up, down = directed[i], directed[j]
        up_cycle = org.cycles[org.objectives[up.objective].cycle]
        down_cycle = org.cycles[org.objectives[down.objective].cycle]
        if not up_cycle.overlaps(down_cycle):
            continue
        first, second = sorted((up, down), key=lambda kr: order[kr.id])
        yield _finding(
            "conflicting-key-results",
            first.id,
            f"'{up.title}' raises and '{down.title}' lowers the same measure "
            f"({m.metric_unit(up.metric)}, {similarity:.0%} similar titles): the "
            "owners should agree which way it should move",
            related=second.id,
        )


@rule("dependency-unconfirmed", Severity.WARNING)
def _dependency_unconfirmed(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for dep in org.dependencies.values():
        if dep.state is m.DependencyState.REQUESTED:
            yield _finding(
                "dependency-unconfirmed",
                dep.id,
                f"{_owner_name(org, dep.provider)} has not answered this request yet: "
                "ask them to accept it (ideally naming the key result that delivers "
                "it) or decline it",
            )


def _from_cycle(org: m.Organization, dep: m.Dependency) -> m.Cycle:
    objective_id = (
        org.key_results[dep.from_id].objective if dep.from_id in org.key_results else dep.from_id
    )
    return org.cycles[org.objectives[objective_id].cycle]


@rule("dependency-declined", Severity.WARNING)
def _dependency_declined(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    for dep in org.dependencies.values():
        if dep.state is not m.DependencyState.DECLINED:
            continue
        if ev.cycles[_from_cycle(org, dep).id].active:
            yield _finding(
                "dependency-declined",
                dep.id,
                f"{_owner_name(org, dep.provider)} declined this request, and "
                f"{dep.from_id} still counts on it: find another way, change the key "
                "result, or cancel the dependency",
            )


@rule("dependency-overdue", Severity.ERROR)
def _dependency_overdue(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    open_states = (m.DependencyState.REQUESTED, m.DependencyState.ACCEPTED)
    for dep in org.dependencies.values():
        if dep.due is not None and dep.due < ev.as_of and dep.state in open_states:
            yield _finding(
                "dependency-overdue",
                dep.id,
                f"due on {dep.due} and not delivered: agree a new date with "
                f"{_owner_name(org, dep.provider)}, or mark it delivered or cancelled",
            )


@rule("stale-checkin", Severity.WARNING)
def _stale_checkin(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    days = org.settings.stale_after_days
    for kr in org.key_results.values():
        result = ev.key_results[kr.id]
        if result.stale and ev.cycles[org.objectives[kr.objective].cycle].active:
            age = (ev.as_of - result.last_update).days
            yield _finding(
                "stale-checkin",
                kr.id,
                f"no update for {age} days (since {result.last_update}; more than "
                f"{days}): check in with the current value and your confidence",
            )


# --- info -----------------------------------------------------------------------------------

_WORD = re.compile(r"[\w'-]+|@[A-Za-z0-9._-]+")
_MENTION = re.compile(r"@([A-Za-z0-9._-]*[A-Za-z0-9_])")


class _TeamMentions:
    """Finds `<Team name> team`, `team <Team name>` and `@<team-id>` in a text, in one scan."""

    def __init__(self, org: m.Organization) -> None:
        self.ids = set(org.teams)
        self.by_words: dict[tuple[str, ...], str] = {}
        for team in org.teams.values():
            words = tuple(w.lower() for w in _WORD.findall(team.name))
            if words:
                self.by_words.setdefault(words, team.id)
        self.longest = max((len(w) for w in self.by_words), default=0)

    def find(self, text: str) -> set[str]:
        found = {tid for tid in _MENTION.findall(text) if tid in self.ids}
        words = [w.lower() for w in _WORD.findall(text)]
        for index, word in enumerate(words):
            if word not in ("team", "team's", "teams"):
                continue
            for size in range(1, self.longest + 1):
                before = tuple(words[max(index - size, 0) : index])
                after = tuple(words[index + 1 : index + 1 + size])
                for candidate in (before, after):
                    if len(candidate) == size and candidate in self.by_words:
                        found.add(self.by_words[candidate])
        return found


@rule("dependency-undeclared", Severity.INFO)
def _dependency_undeclared(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    mentions = _TeamMentions(org)
    providers: dict[str, set[str]] = defaultdict(set)
    for dep in org.dependencies.values():
        providers[dep.from_id].add(dep.provider)

    # A person's own teams are not "another team" for their individual objectives.
    teams_of: dict[str, set[str]] = {tid: {tid} for tid in org.teams}
    for team in org.teams.values():
        for member in team.members:
            teams_of.setdefault(member, set()).add(team.id)
    for objective in org.objectives.values():
        excluded = teams_of.get(objective.owner, set())
        kr_providers = set().union(*(providers.get(k, set()) for k in objective.key_results))
        items: list[tuple[str, str, set[str]]] = [
            (
                objective.id,
                f"{objective.title}\n{objective.description or ''}",
                providers.get(objective.id, set()) | kr_providers,
            )
        ]
        for kid in objective.key_results:
            kr = org.key_results[kid]
            items.append(
                (
                    kid,
                    f"{kr.title}\n{kr.description or ''}",
                    providers.get(kid, set()) | providers.get(objective.id, set()),
                )
            )
        for target, text, declared in items:
            if "team" not in text.lower() and "@" not in text:
                continue
            for team_id in sorted(mentions.find(text) - excluded - declared):
                yield _finding(
                    "dependency-undeclared",
                    target,
                    f"mentions {org.teams[team_id].name} ({team_id}) but records no "
                    "dependency on that team: if you need their help, add a "
                    "dependency so they can accept it and see its risk",
                    related=team_id,
                )
