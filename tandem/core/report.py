"""Which part of the organisation a report covers, and the report of SPEC section 4."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from tandem.core import model as m
from tandem.core.blast import EMPTY, Reach, blast_radii, critical_providers
from tandem.core.engine import Evaluation, Health
from tandem.core.insight import Calibration, Forecasts, calibration, forecasts

# Fractions are reported to four decimals: enough to tell 49.45 % from 49.46 %, and the same
# number whichever interface prints it.
DECIMALS = 4


class ScopeError(ValueError):
    """A --cycle or --team that names nothing in the organisation."""


@dataclass(frozen=True, slots=True)
class Scope:
    """The cycles and objectives a report or lint run covers."""

    cycles: tuple[str, ...]
    objectives: tuple[str, ...]
    team: str | None = None

    @property
    def objective_set(self) -> frozenset[str]:
        return frozenset(self.objectives)


def current_cycles(org: m.Organization, as_of: date) -> tuple[str, ...]:
    """The cycles under way on ``as_of``; all cycles when none is."""
    active = tuple(c.id for c in org.cycles.values() if c.start <= as_of <= c.end)
    return active or tuple(org.cycles)


def team_subtree(org: m.Organization, team_id: str) -> set[str]:
    children: dict[str | None, list[str]] = {}
    for team in org.teams.values():
        children.setdefault(team.parent, []).append(team.id)
    found, todo = set(), [team_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, ()))
    return found


# Up to this many ids are listed in full after an unknown one; beyond, only the close matches.
LISTED_IDS = 20


def unknown_id_message(
    kind: str,
    given: str,
    known: list[str],
    *,
    names: dict[str, str] | None = None,
    extra: str = "",
) -> str:
    """What to say about a --cycle or --team that names no ``kind``: the ids close to
    ``given`` or whose name is close to it (whatever the case), then every id when there are
    few enough to read."""
    by_folded = {name.casefold(): known_id for known_id, name in (names or {}).items()}
    by_folded |= {known_id.casefold(): known_id for known_id in known}
    matches = difflib.get_close_matches(given.casefold(), by_folded, n=10, cutoff=0.7)
    close = list(dict.fromkeys(by_folded[folded] for folded in matches))[:5]
    message = f"unknown {kind} '{given}'"
    if close:
        message += f"; did you mean {' or '.join(', '.join(close).rsplit(', ', 1))}?"
    if len(known) <= LISTED_IDS:
        listed = ", ".join(known) or "none"
        message += f"{' The' if close else '; the'} {kind}s are: {listed}"
        message += f" (or {extra})" if extra else ""
    elif not close:
        message += f"; none of the {len(known)} {kind}s has an id or name close to it"
    return message


def resolve_scope(
    org: m.Organization, as_of: date, *, cycle: str | None = None, team: str | None = None
) -> Scope:
    """``cycle``: a cycle id, ``"all"``, or None for the cycles under way on ``as_of``.

    ``team``: a team id; the scope is then the objectives owned by the team, its sub-teams and
    their members, and the umbrella objectives those teams contribute to.
    """
    if cycle is None:
        cycles = current_cycles(org, as_of)
    elif cycle == "all":
        cycles = tuple(org.cycles)
    elif cycle in org.cycles:
        cycles = (cycle,)
    else:
        raise ScopeError(unknown_id_message("cycle", cycle, list(org.cycles), extra="'all'"))
    in_cycles = set(cycles)
    objectives = [o for o in org.objectives.values() if o.cycle in in_cycles]
    if team is not None:
        if team not in org.teams:
            names = {known.id: known.name for known in org.teams.values()}
            raise ScopeError(unknown_id_message("team", team, list(org.teams), names=names))
        teams = team_subtree(org, team)
        people = {p for t in teams for p in org.teams[t].members}
        objectives = [
            o
            for o in objectives
            if o.owner in teams
            or o.owner in people
            or (o.umbrella is not None and teams.intersection(o.umbrella.teams))
        ]
    return Scope(cycles, tuple(o.id for o in objectives), team)


def fraction4(value: float) -> float:
    """A fraction (of [-1, 1]) to four decimals: ``round(value, 4)`` but for a rare tie, in a
    fraction of its time (the insight adds a number to every key result)."""
    return round(value * 10_000) / 10_000


def _fraction(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def in_scope_dependencies(org: m.Organization, scope: Scope) -> list[m.Dependency]:
    """Dependencies from the scope's objectives and key results, and, for a team report, the
    requests made to the team or its sub-teams within the scope's cycles."""
    objectives = scope.objective_set
    providers = team_subtree(org, scope.team) if scope.team else set()
    cycles = set(scope.cycles)
    found = []
    for dep in org.dependencies.values():
        owner_objective = (
            org.key_results[dep.from_id].objective
            if dep.from_id in org.key_results
            else dep.from_id
        )
        if owner_objective in objectives or (
            dep.provider in providers and org.objectives[owner_objective].cycle in cycles
        ):
            found.append(dep)
    return found


def alignment_summary(org: m.Organization, evaluation: Evaluation, scope: Scope) -> dict[str, Any]:
    results = evaluation.objectives
    below = evaluation.aligned_below
    non_company = [oid for oid in scope.objectives if results[oid].level is not m.Level.COMPANY]
    company_krs = [
        kid
        for oid in scope.objectives
        if results[oid].level is m.Level.COMPANY
        for kid in org.objectives[oid].key_results
    ]
    aligned = sum(1 for oid in non_company if results[oid].alignment_valid)
    covered = sum(1 for kid in company_krs if below.get(kid))
    return {
        "aligned_ratio": _fraction(aligned / len(non_company)) if non_company else None,
        "company_kr_coverage": _fraction(covered / len(company_krs)) if company_krs else None,
        "orphans": sorted(oid for oid in non_company if not results[oid].alignment_valid),
    }


# The names the report gives, by member: a plain dict look-up costs a tenth of ``.value`` (an
# enum property), and the report asks for one or two per row.
_HEALTH_NAMES = {health: health.value for health in Health}
_LEVEL_NAMES = {level: level.value for level in m.Level}
_KIND_NAMES = {kind: kind.value for kind in m.Kind}


def objective_row(
    objective: m.Objective, evaluation: Evaluation, insight: Insight | None = None
) -> dict[str, Any]:
    """One objective as the report gives it (with its forecast, given ``insight``)."""
    result = evaluation.objectives[objective.id]
    progress, health, score = result.progress, result.health, result.score
    row = {
        "id": objective.id,
        "title": objective.title,
        "cycle": objective.cycle,
        "owner": objective.owner,
        "level": _LEVEL_NAMES[result.level],
        "kind": _KIND_NAMES[objective.kind],
        "aligns_to": objective.aligns_to,
        "progress": None if progress is None else round(progress, DECIMALS),
        "expected_progress": round(result.expected_progress, DECIMALS),
        "health": None if health is None else _HEALTH_NAMES[health],
        "score": None if score is None else round(score, DECIMALS),
        "met_expectation": result.met_expectation,
    }
    if insight is not None:  # set in place: a merge would copy every row
        found = insight.forecasts.objectives.get(objective.id)
        row["forecast"] = None if found is None else fraction4(found)
    return row


def key_result_row(
    key_result_id: str, objective_id: str, evaluation: Evaluation, insight: Insight | None = None
) -> dict[str, Any]:
    """One key result as the report gives it (with its forecast and blast radius, given
    ``insight``)."""
    kr = evaluation.key_results[key_result_id]
    score = kr.score
    row: dict[str, Any] = {
        "id": key_result_id,
        "objective": objective_id,
        "progress": round(kr.progress, DECIMALS),
        "current": kr.current,
        "confidence": kr.confidence,
        "own_health": _HEALTH_NAMES[kr.own_health],
        "health": _HEALTH_NAMES[kr.health],
        "at_risk_from": list(kr.at_risk_from),
        "stale": kr.stale,
        "score": None if score is None else round(score, DECIMALS),
    }
    if insight is not None:
        found = insight.forecasts.key_results.get(key_result_id)
        row["forecast"] = None if found is None else fraction4(found)
        reach = insight.radii.get(key_result_id)
        row["blast_radius"] = NO_REACH if reach is None else reach.counts()
    return row


class _SharedCounts(dict[str, int]):
    """Counts that every row of a report may hold at once, so that they refuse to change (copy
    them to change them); a copy or pickle of them is a plain dict."""

    __slots__ = ()

    def _refuse(self, *_args: object, **_kwargs: object) -> NoReturn:
        raise TypeError("these counts are shared by every row of a report: copy them to change")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple[type[dict[str, int]], tuple[dict[str, int]]]:
        return dict, (dict(self),)


# The blast radius of the key results nobody depends on (nearly all of them): one object for
# every row rather than one each, which was a fifth of what the insight added to the report's
# rows at 10,000 people (allocating, and the cyclic collector following, 12,000 small dicts).
NO_REACH: dict[str, int] = _SharedCounts(EMPTY.counts())


def dependency_row(dep: m.Dependency, evaluation: Evaluation) -> dict[str, Any]:
    """One dependency as the report gives it."""
    return {
        "id": dep.id,
        "from": dep.from_id,
        "provider": dep.provider,
        "state": dep.state.value,
        "status": evaluation.dependencies[dep.id].status.value,
    }


@dataclass(frozen=True, slots=True)
class Insight:
    """SPEC section 5's figures for one evaluation, as the report words them."""

    forecasts: Forecasts
    radii: dict[str, Reach]


def insight_of(org: m.Organization, evaluation: Evaluation) -> Insight:
    return Insight(forecasts(org, evaluation), blast_radii(org))


def calibration_row(found: Calibration) -> dict[str, Any]:
    return {
        "team": found.team,
        "n": found.n,
        "brier": fraction4(found.brier),
        "overconfidence": fraction4(found.overconfidence),
    }


def build_report(
    org: m.Organization,
    evaluation: Evaluation,
    scope: Scope,
    *,
    with_insight: bool = True,
    insight: Insight | None = None,
) -> dict[str, Any]:
    """The report of SPEC sections 4 and 5, as plain JSON-ready data (section 4 alone when not
    ``with_insight``: what the benchmark compares with); ``insight``: that of
    :func:`insight_of`, when already computed.

    The calibration covers the teams of a team report (the team and its sub-teams), every team
    otherwise; the critical providers are the key results of the objectives in scope."""
    found = (insight or insight_of(org, evaluation)) if with_insight else None
    objectives = [org.objectives[oid] for oid in scope.objectives]
    cycle_rows = []
    for cycle_id in scope.cycles:
        cycle = org.cycles[cycle_id]
        cycle_rows.append(
            {
                "id": cycle.id,
                "start": cycle.start.isoformat(),
                "end": cycle.end.isoformat(),
                "elapsed": _fraction(evaluation.cycles[cycle_id].elapsed),
            }
        )
    objective_rows = [objective_row(objective, evaluation, found) for objective in objectives]
    key_result_rows = [
        key_result_row(kid, objective.id, evaluation, found)
        for objective in objectives
        for kid in objective.key_results
    ]
    dependency_rows = [dependency_row(dep, evaluation) for dep in in_scope_dependencies(org, scope)]
    report = {
        "as_of": evaluation.as_of.isoformat(),
        "cycles": cycle_rows,
        "objectives": objective_rows,
        "key_results": key_result_rows,
        "dependencies": dependency_rows,
        "alignment": alignment_summary(org, evaluation, scope),
    }
    if found is not None:
        teams = team_subtree(org, scope.team) if scope.team else None
        critical = critical_providers(org, evaluation, found.radii, scope.objective_set)
        report["calibration"] = [
            calibration_row(c) for c in calibration(org, evaluation, teams=teams)
        ]
        report["critical_providers"] = [c.key_result for c in critical]
    return report
