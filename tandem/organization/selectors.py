"""Reading the organisation out of the database as the core's plain data.

:func:`organization_load` reads every table once (twelve queries, whatever the size of the
organisation) with ``values_list``, so no model instance is built, and assembles the
:class:`tandem.core.model.Organization` the engine and the exporter work on. A report on one
cycle needs the cycles it aligns to and the key results it depends on, in whatever cycle, so
the whole organisation is read.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import TextField
from django.db.models.functions import Cast

from tandem.checkins.models import CheckIn
from tandem.core import model as m
from tandem.dependencies.models import Dependency
from tandem.okrs.models import Contributor, Cycle, KeyResult, Milestone, Objective, UmbrellaTeam
from tandem.organization.models import OrganizationSettings
from tandem.people.models import Membership, Person, Team


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


def organization_load() -> m.Organization:
    """The whole organisation, in the order it was given, in a fixed number of queries."""
    # Millions of small objects and no reference cycles: the cyclic collector would only
    # rescan them over and over while they are built.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _organization_load()
    finally:
        if collecting:
            gc.enable()


def _organization_load() -> m.Organization:
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
    people = {
        pid: m.Person(pid, name, email, manager)
        for pid, name, email, manager in Person.objects.order_by("position", "id").values_list(
            "id", "name", "email", "manager_id"
        )
    }
    members: dict[str, list[str]] = defaultdict(list)
    for team_id, person_id in Membership.objects.order_by("team_id", "position", "id").values_list(
        "team_id", "person_id"
    ):
        members[team_id].append(person_id)
    teams = {
        tid: m.Team(tid, name, parent, lead, tuple(members.get(tid, ())))
        for tid, name, parent, lead in Team.objects.order_by("position", "id").values_list(
            "id", "name", "parent_id", "lead_id"
        )
    }
    cycles = {
        cid: m.Cycle(cid, start, end, parent)
        for cid, start, end, parent in Cycle.objects.order_by("position", "id").values_list(
            "id", "start", "end", "parent_id"
        )
    }
    return m.Organization(
        name=row.name,
        settings=settings,
        people=people,
        teams=teams,
        cycles=cycles,
        **_okrs(),
    )


def _okrs() -> dict[str, Any]:
    umbrella_teams: dict[str, list[str]] = defaultdict(list)
    for objective_id, team_id in UmbrellaTeam.objects.order_by(
        "objective_id", "position", "id"
    ).values_list("objective_id", "team_id"):
        umbrella_teams[objective_id].append(team_id)
    objective_rows = list(
        Objective.objects.order_by("position", "id").values_list(
            "id",
            "title",
            "cycle_id",
            "owner_team_id",
            "owner_person_id",
            "kind",
            "visibility",
            "aligns_to",
            "is_umbrella",
            "umbrella_owner_id",
            "description",
        )
    )
    order = {row[0]: index for index, row in enumerate(objective_rows)}
    key_result_rows = sorted(
        KeyResult.objects.values_list(
            "id",
            "objective_id",
            "title",
            "form",
            "start",
            "target",
            "threshold",
            "unit",
            "owner_id",
            "weight",
            "override_score",
            "override_reason",
            "description",
            "position",
        ),
        key=lambda kr_row: (order[kr_row[1]], kr_row[13], kr_row[0]),
    )
    contributors: dict[str, list[str]] = defaultdict(list)
    for kr_id, person_id, team_id in Contributor.objects.order_by(
        "key_result_id", "position", "id"
    ).values_list("key_result_id", "person_id", "team_id"):
        contributors[kr_id].append(person_id or team_id)
    milestones: dict[str, list[m.Milestone]] = defaultdict(list)
    for kr_id, title, weight, done_on in Milestone.objects.order_by(
        "key_result_id", "position", "id"
    ).values_list("key_result_id", "title", "weight", "done_on"):
        milestones[kr_id].append(m.Milestone(title, weight, done_on))
    checkins: dict[str, list[m.CheckIn]] = defaultdict(list)
    rows = list(
        CheckIn.objects.order_by("key_result_id", "date", "id")
        .annotate(value_text=Cast("value", output_field=TextField()))
        .values_list("key_result_id", "date", "value_text", "confidence", "note", "author_id")
    )
    # One json.loads for the whole column instead of one per check-in (the JSON field's own
    # decoding): values are the bulk of what a large organisation holds.
    values = json.loads("[" + ",".join(row[2] or "null" for row in rows) + "]")
    for (kr_id, day, _text, confidence, note, by), value in zip(rows, values, strict=True):
        checkins[kr_id].append(m.CheckIn(day, value, confidence, note, by))

    key_results: dict[str, m.KeyResult] = {}
    by_objective: dict[str, list[str]] = defaultdict(list)
    for kr_row in key_result_rows:
        (kr_id, objective_id, title, form, start, target, threshold, unit, owner, weight) = kr_row[
            :10
        ]
        override_score, override_reason, description = kr_row[10:13]
        metric = _metric(
            form,
            start=start,
            target=target,
            threshold=threshold,
            unit=unit,
            milestones=milestones.get(kr_id, ()),
        )
        override = (
            m.ScoreOverride(override_score, override_reason or "")
            if override_score is not None
            else None
        )
        key_results[kr_id] = m.KeyResult(
            id=kr_id,
            objective=objective_id,
            title=title,
            metric=metric,
            owner=owner,
            contributors=tuple(contributors.get(kr_id, ())),
            weight=weight,
            checkins=tuple(checkins.get(kr_id, ())),
            score_override=override,
            description=description,
        )
        by_objective[objective_id].append(kr_id)

    objectives = {}
    for row in objective_rows:
        (oid, title, cycle, owner_team, owner_person, kind, visibility, aligns_to) = row[:8]
        is_umbrella, umbrella_owner, description = row[8:]
        objectives[oid] = m.Objective(
            id=oid,
            title=title,
            cycle=cycle,
            owner=owner_team or owner_person or "",
            kind=m.Kind(kind or m.Kind.ASPIRATIONAL),
            visibility=m.Visibility(visibility or m.Visibility.PUBLIC),
            aligns_to=aligns_to,
            umbrella=(
                m.Umbrella(umbrella_owner, tuple(umbrella_teams.get(oid, ())))
                if is_umbrella
                else None
            ),
            description=description,
            key_results=tuple(by_objective.get(oid, ())),
        )

    dependencies = {
        did: m.Dependency(
            id=did,
            from_id=from_kr or from_objective,
            provider=provider,
            need=need,
            state=m.DependencyState(state),
            due=due,
            provider_kr=provider_kr,
        )
        for did, from_kr, from_objective, provider, need, state, due, provider_kr in (
            Dependency.objects.order_by("position", "id").values_list(
                "id",
                "from_key_result_id",
                "from_objective_id",
                "provider_id",
                "need",
                "state",
                "due",
                "provider_kr_id",
            )
        )
    }
    return {"objectives": objectives, "key_results": key_results, "dependencies": dependencies}


def _metric(
    form: str,
    *,
    start: Any,
    target: Any,
    threshold: Any,
    unit: str | None,
    milestones: list[m.Milestone] | tuple[()],
) -> m.Metric:
    if form == KeyResult.Form.NUMERIC:
        return m.NumericMetric(start, target, unit)
    if form in (KeyResult.Form.KEEP_ABOVE, KeyResult.Form.KEEP_BELOW):
        return m.ThresholdMetric(threshold, form == KeyResult.Form.KEEP_ABOVE, unit)
    if form == KeyResult.Form.MILESTONES:
        return m.MilestonesMetric(tuple(milestones))
    if form == KeyResult.Form.BOOLEAN:
        return m.BooleanMetric()
    return m.RollupMetric()
