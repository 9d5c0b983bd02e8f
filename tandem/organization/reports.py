"""Reports, lint findings and the alignment tree as one person may see them.

Each reads the organisation as the viewer may see it, evaluated (:func:`view_get`, from the
process's cache while the revision stays), so every figure is computed on what they may see,
and an admin gets exactly what ``tandem report`` prints.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from tandem.core import model as m
from tandem.core.quality import Finding
from tandem.core.report import Scope, ScopeError, build_report, resolve_scope
from tandem.core.visibility import Audience
from tandem.errors import InvalidError
from tandem.organization.cache import View, insight_held, lint_held, view_get


def scope_get(view: View, *, cycle: str | None, team: str | None) -> Scope:
    if team is not None and team not in view.org.teams:
        raise InvalidError(f"there is no team '{team}'; GET /api/v1/teams lists them", field="team")
    try:
        return resolve_scope(view.org, view.as_of, cycle=cycle, team=team)
    except ScopeError as exc:
        raise InvalidError(str(exc), field="cycle") from None


def report_get(
    *, audience: Audience, as_of: date, cycle: str | None = None, team: str | None = None
) -> dict[str, Any]:
    """SPEC section 4's report of what ``audience`` may see."""
    view, insight = insight_held(audience=audience, as_of=as_of)
    scope = scope_get(view, cycle=cycle, team=team)
    return build_report(view.org, view.evaluation, scope, insight=insight)


def lint_get(
    *, audience: Audience, as_of: date, cycle: str | None = None, team: str | None = None
) -> list[Finding]:
    """The quality findings on what ``audience`` may see; ``cycle``/``team`` narrow the targets.

    Linted once per cached view (:func:`lint_held`), again when the view changes."""
    view, findings = lint_held(audience=audience, as_of=as_of)
    if cycle is None and team is None:
        return findings
    scope = scope_get(view, cycle=cycle or "all", team=team)
    objectives = scope.objective_set
    key_results = {k for o in objectives for k in view.org.objectives[o].key_results}
    dependencies = {
        d.id
        for d in view.org.dependencies.values()
        if d.from_id in objectives or d.from_id in key_results
    }
    targets = objectives | key_results | dependencies
    return [f for f in findings if f.target in targets]


def alignment_tree_get(
    *, audience: Audience, as_of: date, cycle: str | None = None
) -> dict[str, Any]:
    """The objectives as a tree from the company down, key results as branch points.

    Every node carries progress and health as the report gives them. ``orphans`` are the
    objectives in scope that align to nothing (the company's own objectives are roots).
    """
    view = view_get(audience=audience, as_of=as_of)
    scope = scope_get(view, cycle=cycle, team=None)
    report = build_report(view.org, view.evaluation, scope, with_insight=False)
    objective_rows = {row["id"]: row for row in report["objectives"]}
    kr_rows = {row["id"]: row for row in report["key_results"]}
    below: dict[str, list[str]] = defaultdict(list)
    for oid in scope.objectives:
        target = view.org.objectives[oid].aligns_to
        if target is not None:
            below[target].append(oid)

    reached: set[str] = set()

    def node(oid: str) -> dict[str, Any]:
        # An objective shows once: a loop of alignments stops where it comes back.
        reached.add(oid)
        objective = view.org.objectives[oid]
        row = objective_rows[oid]
        return {
            "id": oid,
            "title": objective.title,
            "owner": objective.owner,
            "level": row["level"],
            "progress": row["progress"],
            "health": row["health"],
            "umbrella_teams": list(objective.umbrella.teams) if objective.umbrella else [],
            "key_results": [
                {
                    "id": kid,
                    "title": view.org.key_results[kid].title,
                    "progress": kr_rows[kid]["progress"],
                    "health": kr_rows[kid]["health"],
                    "aligned": [
                        node(child) for child in below.get(kid, ()) if child not in reached
                    ],
                }
                for kid in objective.key_results
            ],
            "aligned": [node(child) for child in below.get(oid, ()) if child not in reached],
        }

    in_scope = set(scope.objectives)
    roots = [
        oid
        for oid in scope.objectives
        if objective_rows[oid]["level"] == m.Level.COMPANY.value
        or not aligned_within(view.org, oid, in_scope)
    ]
    orphans = set(report["alignment"]["orphans"])
    tree = [node(oid) for oid in roots if oid not in orphans]
    # Orphans, and objectives on a loop of alignments, which hang below nothing.
    apart = [oid for oid in scope.objectives if oid in orphans or oid not in reached]
    return {
        "as_of": as_of.isoformat(),
        "cycles": list(scope.cycles),
        "roots": tree,
        "orphans": [node(oid) for oid in apart if oid not in reached],
    }


def aligned_within(org: m.Organization, oid: str, in_scope: set[str]) -> bool:
    """Whether the objective hangs below another objective of the tree."""
    target = org.objectives[oid].aligns_to
    if target is None:
        return False
    if target in org.key_results:
        target = org.key_results[target].objective
    return target in in_scope and target != oid
