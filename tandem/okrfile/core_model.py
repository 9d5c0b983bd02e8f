"""Validated OKR file entries into the core model."""

from __future__ import annotations

from typing import Any

from tandem.core import model as m
from tandem.okrfile import schema as s


def metric_from_entry(entry: Any) -> m.Metric:
    if entry == "boolean":
        return m.BooleanMetric()
    if entry == "rollup":
        return m.RollupMetric()
    if isinstance(entry, s.NumericMetricEntry):
        return m.NumericMetric(entry.start, entry.target, entry.unit)
    if isinstance(entry, s.KeepAboveEntry):
        return m.ThresholdMetric(entry.keep_above, True, entry.unit)
    if isinstance(entry, s.KeepBelowEntry):
        return m.ThresholdMetric(entry.keep_below, False, entry.unit)
    assert isinstance(entry, s.MilestonesEntry)
    return m.MilestonesMetric(
        tuple(m.Milestone(ms.title, ms.weight, ms.done_on) for ms in entry.milestones)
    )


def to_core(name: str, settings: s.SettingsEntry, entries: dict[str, list[Any]]) -> m.Organization:
    people = {p.id: m.Person(p.id, p.name, p.email, p.manager) for p in entries["people"]}
    teams = {}
    for t in entries["teams"]:
        members = tuple(dict.fromkeys(([t.lead] if t.lead else []) + list(t.members)))
        teams[t.id] = m.Team(t.id, t.name, t.parent, t.lead, members)
    cycles = {c.id: m.Cycle(c.id, c.start, c.end, c.parent) for c in entries["cycles"]}
    objectives: dict[str, m.Objective] = {}
    key_results: dict[str, m.KeyResult] = {}
    for o in entries["objectives"]:
        default_owner = o.owner if o.owner in people else None
        cycle = cycles[o.cycle]
        for kr in o.key_results:
            checkins = sorted(
                (m.CheckIn(c.date, c.value, c.confidence, c.note, c.by) for c in kr.checkins),
                key=lambda c: c.date,
            )
            override = (
                m.ScoreOverride(float(kr.score_override.score), kr.score_override.reason)
                if kr.score_override
                else None
            )
            key_results[kr.id] = m.KeyResult(
                id=kr.id,
                objective=o.id,
                title=kr.title,
                metric=metric_from_entry(kr.metric),
                owner=kr.owner or default_owner,
                contributors=tuple(kr.contributors),
                weight=kr.weight,
                checkins=tuple(checkins),
                score_override=override,
                description=kr.description,
                # Before the cycle's start is the start: held as None (see key_result_since).
                since=m.key_result_since(kr.since, cycle.start),
                cycle_start=cycle.start,
            )
        umbrella = m.Umbrella(o.umbrella.owner, tuple(o.umbrella.teams)) if o.umbrella else None
        objectives[o.id] = m.Objective(
            id=o.id,
            title=o.title,
            cycle=o.cycle,
            owner=o.owner,
            kind=m.Kind(o.kind),
            visibility=m.Visibility(o.visibility),
            aligns_to=o.aligns_to,
            umbrella=umbrella,
            description=o.description,
            key_results=tuple(kr.id for kr in o.key_results),
        )
    dependencies = {
        d.id: m.Dependency(
            d.id, d.from_id, d.provider, d.need, m.DependencyState(d.state), d.due, d.provider_kr
        )
        for d in entries["dependencies"]
    }
    return m.Organization(
        name=name,
        settings=m.Settings(**settings.model_dump()),
        people=people,
        teams=teams,
        cycles=cycles,
        objectives=objectives,
        key_results=key_results,
        dependencies=dependencies,
    )
