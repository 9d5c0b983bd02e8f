"""What the dashboard lists about a report's scope: the stale key results of the cycles under
way, and the quality findings grouped by rule."""

from __future__ import annotations

from typing import Any

from tandem.core import model as m
from tandem.core.quality import RULES, Finding
from tandem.core.report import team_subtree
from tandem.organization.cache import View
from tandem.organization.wording import owner_name


def stale_key_results(
    view: View, report: dict[str, Any], limit: int | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Stale key results of cycles under way (an ended cycle's are all stale), stalest first
    (the first ``limit`` when given), and how many there are."""
    org, evaluation = view.org, view.evaluation
    found = []
    for row in report["key_results"]:
        objective = org.objectives[row["objective"]]
        if row["stale"] and evaluation.cycles[objective.cycle].active:
            found.append((evaluation.key_results[row["id"]].last_update, row, objective))
    found.sort(key=lambda each: each[0])
    rows = []
    for last_update, row, objective in found[:limit]:
        key_result = org.key_results[row["id"]]
        rows.append(
            {
                "id": row["id"],
                "title": key_result.title,
                "objective": objective.id,
                "owner_name": owner_name(org, key_result.owner or objective.owner),
                "last_update": last_update,
                "days": (view.as_of - last_update).days,
                "health": row["health"],
            }
        )
    return rows, len(found)


def findings_by_rule(
    view: View,
    report: dict[str, Any],
    findings: list[Finding],
    team: str | None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The findings about the report's objectives, key results and dependencies (and, as
    they are not tied to a cycle, about the teams and people in scope), grouped by rule:
    each group's ``count``, and its ``items`` (the first ``limit`` when given)."""
    link_of = _Links(view.org, report, team)
    groups: dict[str, dict[str, Any]] = {}
    for finding in findings:
        link = link_of(finding.target)
        if link is None:
            continue
        group = groups.setdefault(
            finding.rule,
            {"rule": finding.rule, "severity": finding.severity.value, "items": [], "count": 0},
        )
        group["count"] += 1
        if limit is None or len(group["items"]) < limit:
            group["items"].append(_finding_item(view.org, finding, link))
    order = list(RULES)
    return sorted(groups.values(), key=lambda g: order.index(g["rule"]))


class _Links:
    """Where a finding's target leads in the scope: the objective page (of an objective, a key
    result or a dependency in the report), a team's page, nothing (a person, or a cycle when no
    team is chosen), or None when the target is outside the scope."""

    def __init__(self, org: m.Organization, report: dict[str, Any], team: str | None) -> None:
        objective_of: dict[str, str] = {row["id"]: row["id"] for row in report["objectives"]}
        objective_of |= {row["id"]: row["objective"] for row in report["key_results"]}
        for row in report["dependencies"]:
            from_id = row["from"]
            objective_of[row["id"]] = objective_of.get(from_id) or (
                org.key_results[from_id].objective if from_id in org.key_results else from_id
            )
        self.objective_of = objective_of
        self.teams = team_subtree(org, team) if team else set(org.teams)
        self.people = (
            {p for t in self.teams for p in org.teams[t].members} if team else set(org.people)
        )
        self.cycles = set(org.cycles) if team is None else set()

    def __call__(self, target: str) -> tuple[str, str] | None:
        if target in self.objective_of:
            return ("objective", self.objective_of[target])
        if target in self.teams:
            return ("team", target)
        if target in self.people or target in self.cycles:
            return ("none", "")
        return None


def _finding_item(org: m.Organization, finding: Finding, link: tuple[str, str]) -> dict[str, Any]:
    return {
        "target": finding.target,
        "name": owner_name(org, finding.target) if link[0] != "objective" else "",
        "kind": link[0],
        "link": link[1],
        "message": finding.message,
    }
