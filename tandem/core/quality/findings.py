"""Findings, the rule registry and :func:`lint`, which runs every registered rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from tandem.core import model as m
from tandem.core.engine import Evaluation


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


def finding(name: str, target: str, message: str, related: str | None = None) -> Finding:
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


def owner_name(org: m.Organization, owner: str) -> str:
    found = org.teams.get(owner) or org.people.get(owner)
    return found.name if found else owner
