"""Reading the organisation out of the database as the core's plain data.

:func:`organization_load` reads every table once (twelve queries, whatever the size of the
organisation) in plain SQL, so no model instance is built, and assembles the
:class:`tandem.core.model.Organization` the engine and the exporter work on. A report on one
cycle needs the cycles it aligns to and the key results it depends on, in whatever cycle, so
the whole organisation is read.

Of the check-in history, a report or lint as of a day reads only two check-ins per key result
(the engine's ``_read``): the latest one on or before that day, for its date and confidence,
and the latest one with a value. ``organization_load(as_of=day)`` reads just those, found
through the (key result, date) index, instead of the whole history (nine check-ins per key
result in a generated organisation, and growing every week); the import's planner and the
export read everything.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import starmap
from typing import Any, cast

from django.db import connection

from tandem.core import model as m
from tandem.dependencies.models import Dependency
from tandem.okrs.models import Cycle, KeyResult, Objective
from tandem.organization.insight_read import insight_checkins, merged
from tandem.organization.models import OrganizationSettings
from tandem.people.models import Person, Team


@dataclass(frozen=True)
class OrganizationSummary:
    name: str
    people: int
    teams: int
    cycles: int
    objectives: int
    key_results: int
    dependencies: int


def organization_settings_get() -> OrganizationSettings:
    found = OrganizationSettings.objects.filter(pk=OrganizationSettings.SINGLETON).first()
    return found or OrganizationSettings()


def organization_summary_get() -> OrganizationSummary:
    return OrganizationSummary(
        name=organization_settings_get().name,
        people=Person.objects.count(),
        teams=Team.objects.count(),
        cycles=Cycle.objects.count(),
        objectives=Objective.objects.count(),
        key_results=KeyResult.objects.count(),
        dependencies=Dependency.objects.count(),
    )


def organization_load(*, as_of: date | None = None) -> m.Organization:
    """The whole organisation, in the order it was given, in a fixed number of queries.

    With ``as_of``, each key result holds only the check-ins the engine reads on that day:
    the latest one on or before it and, when that one carries no value, the latest one with
    a value before it; none when there is no check-in by then. ``evaluate`` (and so every
    report and every lint finding) as of that day gives exactly what it gives on the whole
    history. For any other day, for the import's plan or for an export, read everything.
    """
    return organization_load_with_archived(as_of=as_of).organization


@dataclass(frozen=True)
class LoadedOrganization:
    """The organisation as :func:`organization_load` reads it, and what of it was archived."""

    organization: m.Organization
    archived_objectives: frozenset[str]
    archived_key_results: frozenset[str]


def organization_load_with_archived(
    *, as_of: date | None = None, people: bool = True
) -> LoadedOrganization:
    """:func:`organization_load`, and the ids of the archived objectives and key results,
    read with their rows rather than by two more queries.

    ``people=False`` leaves the people out (``org.people`` is empty; teams keep their
    members' ids): the engine and the report's JSON use none of their names or managers, and
    at 10,000 people their rows are a tenth of a report's read.
    """
    # Millions of small objects and no reference cycles: the cyclic collector would only
    # rescan them over and over while they are built.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _organization_load(as_of, people=people)
    finally:
        if collecting:
            gc.enable()


def _organization_load(as_of: date | None, *, people: bool) -> LoadedOrganization:
    row = organization_settings_get()
    settings = m.Settings(
        on_track_confidence=row.on_track_confidence,
        at_risk_confidence=row.at_risk_confidence,
        stale_after_days=row.stale_after_days,
        max_objectives_per_owner=row.max_objectives_per_owner,
        max_key_results_per_objective=row.max_key_results_per_objective,
        individual_share_limit=row.individual_share_limit,
        overlap_threshold=row.overlap_threshold,
    )
    persons = {
        person.id: person
        for person in starmap(
            m.Person,
            _rows(
                "SELECT id, name, email, manager_id, "
                "CASE WHEN archived_at IS NULL THEN FALSE ELSE TRUE END "
                "FROM people_person ORDER BY position, id"
            )
            if people
            else (),
        )
    }
    members = _grouped(
        "SELECT team_id, person_id FROM people_membership ORDER BY team_id, position, id"
    )
    teams = {
        tid: m.Team(tid, name, parent, lead, members.get(tid, ()))
        for tid, name, parent, lead in _rows(
            "SELECT id, name, parent_id, lead_id FROM people_team ORDER BY position, id"
        )
    }
    cycles = {
        cycle.id: cycle
        for cycle in starmap(
            m.Cycle,
            _rows('SELECT id, start, "end", parent_id FROM okrs_cycle ORDER BY position, id'),
        )
    }
    okrs, archived_objectives, archived_key_results = _okrs(as_of, cycles)
    org = m.Organization(
        name=row.name, settings=settings, people=persons, teams=teams, cycles=cycles, **okrs
    )
    return LoadedOrganization(org, archived_objectives, archived_key_results)


Form = KeyResult.Form
# Frozen and without fields: one instance serves every key result of that form.
_BOOLEAN, _ROLLUP = m.BooleanMetric(), m.RollupMetric()
_KINDS = {kind.value: kind for kind in m.Kind}
_VISIBILITIES = {visibility.value: visibility for visibility in m.Visibility}
_STATES = {state.value: state for state in m.DependencyState}
# The forms as plain strings: comparing with the TextChoices members costs more.
_NUMERIC, _MILESTONES, _BOOLEAN_FORM = Form.NUMERIC.value, Form.MILESTONES.value, Form.BOOLEAN.value
_KEEP_ABOVE, _THRESHOLDS = Form.KEEP_ABOVE.value, (Form.KEEP_ABOVE.value, Form.KEEP_BELOW.value)


@dataclass(frozen=True)
class _Only:
    """SQL conditions (and their parameters) that narrow a read to some objectives (with
    their key results and everything of those) and some dependencies."""

    objectives: str = ""
    key_results: str = ""
    dependencies: str = ""
    params: dict[str, Any] | None = None


def organization_part_load(
    cycles: dict[str, m.Cycle], objective_ids: Iterable[str], dependency_ids: Iterable[str]
) -> LoadedOrganization:
    """The objectives of ``objective_ids`` that exist, each with all its key results, and
    the dependencies of ``dependency_ids`` that exist, read as :func:`organization_load`
    reads them (every check-in), archived or not; the rest of the organisation is left out
    (``cycles``, those of the organisation the objectives are in, are not read)."""
    params: dict[str, Any] = {}

    def among(prefix: str, ids: Iterable[str]) -> str:
        names = []
        for index, id_ in enumerate(ids):
            params[f"{prefix}{index}"] = id_
            names.append(f"%({prefix}{index})s")
        return "(" + (", ".join(names) or "NULL") + ")"

    objectives = among("o", objective_ids)
    only = _Only(
        f" WHERE id IN {objectives}",
        " WHERE key_result_id IN"  # noqa: S608
        f" (SELECT id FROM okrs_keyresult WHERE objective_id IN {objectives})",
        f" WHERE id IN {among('d', dependency_ids)}",
        params,
    )
    collecting = gc.isenabled()
    gc.disable()
    try:
        okrs, archived_objectives, archived_key_results = _okrs(None, cycles, only)
    finally:
        if collecting:
            gc.enable()
    org = m.Organization(name="", cycles=cycles, **okrs)
    return LoadedOrganization(org, archived_objectives, archived_key_results)


def _okrs(
    as_of: date | None, cycles: dict[str, m.Cycle], only: _Only | None = None
) -> tuple[dict[str, Any], frozenset[str], frozenset[str]]:
    """The objectives, key results and dependencies (as keyword arguments of Organization),
    and the ids of the archived objectives and key results, read with their rows (those of
    ``only`` alone, when given; with every check-in).

    Most of a report's read is building these frozen dataclasses; they are built with
    positional arguments, which cost two thirds of keyword ones.
    """
    only = only or _Only()
    objective_rows = _rows(
        "SELECT id, title, cycle_id, owner_team_id, owner_person_id, kind, visibility, aligns_to,"  # noqa: S608
        " is_umbrella, umbrella_owner_id, description, archived_at IS NOT NULL"
        f" FROM okrs_objective{only.objectives} ORDER BY position, id",
        only.params,
    )
    order = {row[0]: index for index, row in enumerate(objective_rows)}
    key_result_rows = sorted(
        _rows(
            "SELECT id, objective_id, title, form, unit, owner_id, weight, override_score,"  # noqa: S608
            " override_reason, description, position, archived_at IS NOT NULL,"
            # The numbers of the metric (JSON, kept as entered) as one JSON array: one value
            # to fetch instead of three (SQLite's driver pays for every column of every row).
            " '[' || COALESCE(CAST(start AS TEXT), 'null')"
            " || ',' || COALESCE(CAST(target AS TEXT), 'null')"
            " || ',' || COALESCE(CAST(threshold AS TEXT), 'null') || ']', since"
            " FROM okrs_keyresult" + only.objectives.replace(" id IN", " objective_id IN"),
            only.params,
        ),
        key=lambda kr_row: (order[kr_row[1]], kr_row[10], kr_row[0]),
    )
    # The metrics' numbers, decoded at once.
    numbers = _json_column(kr_row[12] for kr_row in key_result_rows)
    contributors = _grouped(
        "SELECT key_result_id, COALESCE(person_id, team_id) FROM okrs_contributor"  # noqa: S608
        f"{only.key_results} ORDER BY key_result_id, position, id",
        only.params,
    )
    milestones: dict[str, list[m.Milestone]] = defaultdict(list)
    for kr_id, title, weight, done_on in _rows(
        "SELECT key_result_id, title, weight, done_on FROM okrs_milestone"  # noqa: S608
        f"{only.key_results} ORDER BY key_result_id, position, id",
        only.params,
    ):
        milestones[kr_id].append(m.Milestone(title, weight, done_on))
    checkins = _all_checkins(only) if as_of is None else _checkins_as_of(as_of, cycles)
    # Each objective's cycle start: a since up to it is held as None (m.key_result_since,
    # inlined below).
    cycle_start = {row[0]: cycles[row[2]].start for row in objective_rows}

    key_results: dict[str, m.KeyResult] = {}
    by_objective: dict[str, list[str]] = defaultdict(list)
    for kr_row, (start, target, threshold) in zip(key_result_rows, numbers, strict=True):
        kr_id, objective_id, title, form, unit, owner, weight, override_score = kr_row[:8]
        since = kr_row[13]
        if since is not None and since <= cycle_start[objective_id]:
            since = None
        metric: m.Metric
        if form == _NUMERIC:
            metric = m.NumericMetric(start, target, unit)
        elif form in _THRESHOLDS:
            metric = m.ThresholdMetric(threshold, form == _KEEP_ABOVE, unit)
        elif form == _MILESTONES:
            metric = m.MilestonesMetric(tuple(milestones.get(kr_id, ())))
        elif form == _BOOLEAN_FORM:
            metric = _BOOLEAN
        else:
            metric = _ROLLUP
        key_results[kr_id] = m.KeyResult(
            kr_id,
            objective_id,
            title,
            metric,
            owner,
            contributors.get(kr_id, ()),
            weight,
            checkins.get(kr_id, ()),
            None if override_score is None else m.ScoreOverride(override_score, kr_row[8] or ""),
            kr_row[9],
            since,
            cycle_start[objective_id],
        )
        by_objective[objective_id].append(kr_id)

    umbrella_teams = _grouped(
        "SELECT objective_id, team_id FROM okrs_umbrellateam"  # noqa: S608
        + only.objectives.replace(" id IN", " objective_id IN")
        + " ORDER BY objective_id, position, id",
        only.params,
    )
    objectives = {}
    for row in objective_rows:
        oid, title, cycle, owner_team, owner_person, kind, visibility, aligns_to = row[:8]
        is_umbrella, umbrella_owner, description = row[8:11]
        objectives[oid] = m.Objective(
            oid,
            title,
            cycle,
            owner_team or owner_person or "",
            _KINDS[kind] if kind else m.Kind.ASPIRATIONAL,
            _VISIBILITIES[visibility] if visibility else m.Visibility.PUBLIC,
            aligns_to,
            m.Umbrella(umbrella_owner, umbrella_teams.get(oid, ())) if is_umbrella else None,
            description,
            tuple(by_objective.get(oid, ())),
        )

    dependencies = {
        did: m.Dependency(
            did, from_kr or from_objective, provider, need, _STATES[state], due, provider_kr
        )
        for did, from_kr, from_objective, provider, need, state, due, provider_kr in _rows(
            "SELECT id, from_key_result_id, from_objective_id, provider_id, need, state, due,"  # noqa: S608
            f" provider_kr_id FROM dependencies_dependency{only.dependencies}"
            " ORDER BY position, id",
            only.params,
        )
    }
    okrs = {"objectives": objectives, "key_results": key_results, "dependencies": dependencies}
    archived_objectives = frozenset(row[0] for row in objective_rows if row[11])
    archived_key_results = frozenset(row[0] for row in key_result_rows if row[11])
    return okrs, archived_objectives, archived_key_results


def _all_checkins(only: _Only) -> dict[str, tuple[m.CheckIn, ...]]:
    """Every check-in but the withdrawn (of the key results of ``only``), by key result, by
    date and then in the order they were recorded."""
    checkins: dict[str, list[m.CheckIn]] = defaultdict(list)
    among = only.key_results.replace(" WHERE", " AND", 1)
    rows = _rows(
        "SELECT key_result_id, date, CAST(value AS TEXT), confidence, note, author_id"  # noqa: S608
        f" FROM checkins_checkin WHERE NOT withdrawn{among}"
        " ORDER BY key_result_id, date, id",
        only.params,
    )
    values = _json_column(row[2] for row in rows)
    for (kr_id, day, _text, confidence, note, by), value in zip(rows, values, strict=True):
        checkins[kr_id].append(m.CheckIn(day, value, confidence, note, by))
    return {kr_id: tuple(found) for kr_id, found in checkins.items()}


# For each key result with a check-in on or before the day: the latest such check-in (c) and,
# only when c carries no value, the latest one with a value (v), each one descent of the
# (key result, date) index; same-day check-ins keep the order they were recorded in (id).
# A value is a JSON value other than null: SQL NULL, which the ORM writes for None, or a JSON
# null, as the full read decodes both. ``value`` is v's when there is a v, otherwise c's.
# SQLite evaluates the CASE lazily; PostgreSQL gets LATERAL joins, which it runs faster than
# the correlated subqueries (about 0.07 s against 0.17 s for 12,164 key results).
_LATEST_CHECKINS = {
    "sqlite": """
SELECT kr.id, c.date, c.confidence, c.note, c.author_id,
       v.date, v.confidence, v.note, v.author_id, COALESCE(v.value, c.value), c.id, v.id
FROM okrs_keyresult kr
JOIN checkins_checkin c ON c.id = (
    SELECT x.id FROM checkins_checkin x
    WHERE x.key_result_id = kr.id AND x.date <= %(as_of)s AND NOT x.withdrawn
    ORDER BY x.date DESC, x.id DESC LIMIT 1)
LEFT JOIN checkins_checkin v ON v.id = CASE WHEN c.value IS NULL OR c.value = 'null' THEN (
    SELECT x.id FROM checkins_checkin x
    WHERE x.key_result_id = kr.id AND x.date <= %(as_of)s AND x.value <> 'null'
      AND NOT x.withdrawn
    ORDER BY x.date DESC, x.id DESC LIMIT 1) END
""",
    "postgresql": """
SELECT kr.id, c.date, c.confidence, c.note, c.author_id,
       v.date, v.confidence, v.note, v.author_id, CAST(COALESCE(v.value, c.value) AS TEXT),
       c.id, v.id
FROM okrs_keyresult kr
JOIN LATERAL (
    SELECT x.id, x.date, x.value, x.confidence, x.note, x.author_id FROM checkins_checkin x
    WHERE x.key_result_id = kr.id AND x.date <= %(as_of)s AND NOT x.withdrawn
    ORDER BY x.date DESC, x.id DESC LIMIT 1) c ON true
LEFT JOIN LATERAL (
    SELECT x.id, x.date, x.value, x.confidence, x.note, x.author_id FROM checkins_checkin x
    WHERE (c.value IS NULL OR c.value = 'null'::jsonb)
      AND x.key_result_id = kr.id AND x.date <= %(as_of)s AND x.value <> 'null'::jsonb
      AND NOT x.withdrawn
    ORDER BY x.date DESC, x.id DESC LIMIT 1) v ON true
""",
}


def _checkins_as_of(as_of: date, cycles: dict[str, m.Cycle]) -> dict[str, tuple[m.CheckIn, ...]]:
    """By key result, the check-ins the engine reads as of ``as_of`` (see organization_load),
    and those the insight reads (tandem.organization.insight_read), in the full read's order."""
    rows = _rows(
        _LATEST_CHECKINS.get(connection.vendor, _LATEST_CHECKINS["sqlite"]), {"as_of": as_of}
    )
    values = _json_column(row[9] for row in rows)
    extra = insight_checkins(as_of, cycles)
    checkins: dict[str, tuple[m.CheckIn, ...]] = {}
    for row, value in zip(rows, values, strict=True):
        kr_id, day, confidence, note, by, value_day = row[:6]
        found: tuple[tuple[int, m.CheckIn], ...]
        if value_day is None:
            found = ((row[10], m.CheckIn(day, value, confidence, note, by)),)
        else:
            found = (
                (row[11], m.CheckIn(value_day, value, row[6], row[7], row[8])),
                (row[10], m.CheckIn(day, None, confidence, note, by)),
            )
        if kr_id in extra:
            checkins[kr_id] = merged(found, extra[kr_id])
        else:
            checkins[kr_id] = tuple(checkin for _id, checkin in found)
    return checkins


def _rows(sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """All the rows of a query, as the database driver gives them.

    Plain SQL rather than ``values_list``: Django's iterator fetches a hundred rows at a time
    and runs its converters on every value in Python, which took longer than the fetching
    itself for the larger tables. The drivers give dates, numbers and booleans as they are;
    JSON columns are read as text and decoded by :func:`_json_column`.
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cast(list[tuple[Any, ...]], cursor.fetchall())


def _grouped(sql: str, params: dict[str, Any] | None = None) -> dict[str, tuple[str, ...]]:
    """The second column of each row by the first, in the order of the rows."""
    groups: dict[str, list[str]] = defaultdict(list)
    for key, value in _rows(sql, params):
        groups[key].append(value)
    return {key: tuple(values) for key, values in groups.items()}


def _json_column(texts: Iterable[str | None]) -> list[Any]:
    """JSON texts (None for SQL NULL) decoded by one ``json.loads`` instead of one per value."""
    return cast(list[Any], json.loads("[" + ",".join(text or "null" for text in texts) + "]"))
