"""Forecasts, calibration, blast radius, critical providers and "what if" (SPEC section 5) as
one viewer may see them: plain data for the API and the pages, computed on the viewer's
evaluated organisation (:func:`tandem.organization.cache.insight_held`), so nothing they may
not see is counted or named.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tandem.core import model as m
from tandem.core.blast import EMPTY, Critical, critical_providers, what_if
from tandem.core.insight import Calibration, calibration, closed_cycles
from tandem.core.report import fraction4, resolve_scope
from tandem.core.risk import Step, risk_chain
from tandem.core.visibility import Audience
from tandem.errors import NotFoundError
from tandem.organization.cache import View, insight_held, view_get
from tandem.organization.reports import scope_get

# The calibration page looks back this many closed cycles.
CALIBRATION_CYCLES = 4


def calibration_get(
    *, audience: Audience, as_of: date, last: int | None = CALIBRATION_CYCLES
) -> dict[str, Any]:
    """The closed cycles counted (the ``last`` ones, all when None) and each team's
    calibration over them (:func:`calibration_out`)."""
    view, _insight = insight_held(audience=audience, as_of=as_of)
    cycles = closed_cycles(view.org, as_of, last)
    names = {team.id: team.name for team in view.org.teams.values()}
    found = calibration(view.org, view.evaluation, cycles)
    return {
        "as_of": as_of,
        "cycles": cycles,
        "teams": [calibration_out(c, names) for c in found],
    }


def calibration_out(found: Calibration, names: dict[str, str]) -> dict[str, Any]:
    return {
        "team": found.team,
        "team_name": names.get(found.team, found.team),
        "n": found.n,
        "brier": fraction4(found.brier),
        "overconfidence": fraction4(found.overconfidence),
        "bins": [{"confidence": c, "n": n, "met": met} for c, n, met in found.bins],
    }


def step_out(org: m.Organization, step: Step) -> dict[str, Any]:
    kr = org.key_results[step.key_result]
    return {
        "key_result": step.key_result,
        "title": kr.title,
        "health": step.health.value,
        "dependency": step.dependency,
        "reason": step.reason.value,
        "provider_kr": step.provider_kr,
        "depth": step.depth,
    }


def critical_out(org: m.Organization, found: Critical) -> dict[str, Any]:
    kr = org.key_results[found.key_result]
    return {
        "key_result": found.key_result,
        "title": kr.title,
        "objective": kr.objective,
        "team": found.team,
        "health": found.health.value,
        "blast_radius": found.reach.counts(),
        "teams_reached": sorted(found.reach.teams),
        "path": [
            {
                "dependency": dep,
                "key_result": kid,
                "title": org.key_results[kid].title,
                "objective": org.key_results[kid].objective,
            }
            for dep, kid in found.path
        ],
        "chain": [step_out(org, step) for step in found.chain],
    }


def critical_providers_get(
    *, audience: Audience, as_of: date, cycle: str | None = None
) -> list[dict[str, Any]]:
    """The critical providers among the objectives of ``cycle`` (default: under way), each
    with its path to another team and its own chain (:func:`critical_out`)."""
    view, insight = insight_held(audience=audience, as_of=as_of)
    scope = scope_get(view, cycle=cycle, team=None)
    found = critical_providers(view.org, view.evaluation, insight.radii, scope.objective_set)
    return [critical_out(view.org, c) for c in found]


def blast_radius_get(*, audience: Audience, as_of: date, key_result_id: str) -> dict[str, Any]:
    """One key result's blast radius, the key results it reaches (nearest first) and the
    objectives that would turn off track if it did."""
    view, insight = insight_held(audience=audience, as_of=as_of)
    org = view.org
    if key_result_id not in org.key_results:
        raise NotFoundError(f"there is no key result '{key_result_id}'")
    reach = insight.radii.get(key_result_id, EMPTY)
    return {
        "key_result": key_result_id,
        **reach.counts(),
        "reached": [
            {
                "key_result": kid,
                "title": org.key_results[kid].title,
                "objective": org.key_results[kid].objective,
                "via": reach.via[kid][0],
            }
            for kid in reach.key_results
        ],
        "what_if": what_if_out(view, key_result_id),
    }


def what_if_out(view: View, key_result_id: str) -> list[dict[str, Any]]:
    org = view.org
    return [
        {
            "objective": oid,
            "title": org.objectives[oid].title,
            "owner": org.objectives[oid].owner,
            "health": _health(view, oid),
        }
        for oid in what_if(org, view.evaluation, key_result_id)
    ]


def _health(view: View, objective_id: str) -> str | None:
    health = view.evaluation.objectives[objective_id].health
    return None if health is None else health.value


# --- the executive scorecard ----------------------------------------------------------------

WEEK = timedelta(days=7)


def scorecard_get(*, audience: Audience, as_of: date) -> dict[str, Any]:
    """The company's objectives of the cycles under way with their progress, its change over
    the last week, forecast and health; the critical providers; and for each company key
    result held back by a dependency, the chain behind it."""
    view, insight = insight_held(audience=audience, as_of=as_of)
    week_ago = view_get(audience=audience, as_of=as_of - WEEK).evaluation
    org, evaluation = view.org, view.evaluation
    scope = resolve_scope(org, as_of)
    company = [
        oid for oid in scope.objectives if evaluation.objectives[oid].level is m.Level.COMPANY
    ]
    rows = []
    for oid in company:
        result, before = evaluation.objectives[oid], week_ago.objectives[oid].progress
        rows.append(
            {
                "id": oid,
                "title": org.objectives[oid].title,
                "progress": result.progress,
                "change": None
                if result.progress is None or before is None
                else result.progress - before,
                "change_words": _change_words(result.progress, before),
                "forecast": insight.forecasts.objectives.get(oid),
                "expected_progress": result.expected_progress,
                "health": None if result.health is None else result.health.value,
                "threats": _threats(view, oid),
            }
        )
    critical = critical_providers(org, evaluation, insight.radii, scope.objective_set)
    return {
        "as_of": as_of,
        "week_ago": as_of - WEEK,
        "cycles": list(scope.cycles),
        "objectives": rows,
        "has_threats": any(row["threats"] for row in rows),
        "critical": [critical_out(org, c) for c in critical],
    }


def _change_words(now: float | None, before: float | None) -> str:
    """The change of progress in percentage points: "+5 points", "no change", or a drop
    written with a minus sign."""
    if now is None or before is None:
        return "—"
    points = round(100 * (now - before))
    if points == 0:
        return "no change"
    return f"{'+' if points > 0 else '−'}{abs(points)} point{'s' if abs(points) != 1 else ''}"


def _threats(view: View, objective_id: str) -> list[dict[str, Any]]:
    """Each key result of the objective held back by a dependency, with its risk chain."""
    org, evaluation = view.org, view.evaluation
    return [
        {
            "key_result": kid,
            "title": org.key_results[kid].title,
            "health": evaluation.key_results[kid].health.value,
            "chain": [step_out(org, s) for s in risk_chain(org, evaluation, kid)],
        }
        for kid in org.objectives[objective_id].key_results
        if evaluation.key_results[kid].at_risk_from
    ]
