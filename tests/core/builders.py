"""Small factories that build core model objects, so tests read like prose.

The default organisation is Northwind, with the demo organisation's people
(``tandem/examples/northwind.yaml``) in the same roles, cut down::

    nw (root, "Northwind", lead zoe)
    ├── search   ("Search", lead ana, members ana, ben)
    ├── payments ("Payments", lead priya, members priya, tom)
    └── infra    ("Infrastructure", lead omar, members omar)

with the cycles FY2026, 2026-Q3, 2026-Q4 (the usual one) and 2027-Q1. ``org(...)`` takes
objectives (from :func:`objective`, carrying their key results) and dependencies, in file order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from tandem.core import model as m

# The usual as-of date: mid-way through 2026-Q4.
AS_OF = date(2026, 11, 15)

FY2026 = m.Cycle("FY2026", date(2026, 1, 1), date(2026, 12, 31))
Q3 = m.Cycle("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), parent="FY2026")
Q4 = m.Cycle("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), parent="FY2026")
Q1_2027 = m.Cycle("2027-Q1", date(2027, 1, 1), date(2027, 3, 31))
CYCLES = (FY2026, Q3, Q4, Q1_2027)

PEOPLE = (
    m.Person("zoe", "Zoe Adler"),
    m.Person("ana", "Ana Lima", manager="zoe"),
    m.Person("ben", "Ben Okafor", manager="ana"),
    m.Person("priya", "Priya Nair", manager="zoe"),
    m.Person("tom", "Tom Becker", manager="priya"),
    m.Person("omar", "Omar Haddad", manager="zoe"),
)

TEAMS = (
    m.Team("nw", "Northwind", lead="zoe", members=("zoe",)),
    m.Team("search", "Search", parent="nw", lead="ana", members=("ana", "ben")),
    m.Team("payments", "Payments", parent="nw", lead="priya", members=("priya", "tom")),
    m.Team("infra", "Infrastructure", parent="nw", lead="omar", members=("omar",)),
)


@dataclass(frozen=True)
class ObjectiveDraft:
    """An objective together with its key results, ready to be placed in an organisation."""

    objective: m.Objective
    key_results: tuple[m.KeyResult, ...]


def numeric(start: float = 0, target: float = 10, unit: str | None = None) -> m.NumericMetric:
    return m.NumericMetric(start, target, unit)


def keep_above(threshold: float, unit: str | None = None) -> m.ThresholdMetric:
    return m.ThresholdMetric(threshold, above=True, unit=unit)


def keep_below(threshold: float, unit: str | None = None) -> m.ThresholdMetric:
    return m.ThresholdMetric(threshold, above=False, unit=unit)


def milestones(*titles: str) -> m.MilestonesMetric:
    return m.MilestonesMetric(tuple(m.Milestone(t) for t in titles))


def checkin(
    on: date, value: float | bool | None = None, confidence: int | None = None
) -> m.CheckIn:
    return m.CheckIn(on, value, confidence)


def kr(
    id: str,
    title: str | None = None,
    *,
    metric: m.Metric | None = None,
    owner: str | None = None,
    contributors: Iterable[str] = (),
    weight: float = 1.0,
    checkins: Iterable[m.CheckIn] = (),
    description: str | None = None,
) -> m.KeyResult:
    """A key result; its objective is filled in by :func:`objective`.

    Without an owner, :func:`org` gives it the objective's owner when that is a person, as the
    OKR file loader does.
    """
    return m.KeyResult(
        id=id,
        objective="",
        title=title or f"Key result {id}",
        metric=metric or numeric(),
        owner=owner,
        contributors=tuple(contributors),
        weight=weight,
        checkins=tuple(sorted(checkins, key=lambda c: c.date)),
        description=description,
    )


def objective(
    id: str,
    *key_results: m.KeyResult,
    owner: str = "search",
    cycle: str = Q4.id,
    title: str | None = None,
    aligns_to: str | None = None,
    umbrella: m.Umbrella | None = None,
    description: str | None = None,
    kind: m.Kind = m.Kind.ASPIRATIONAL,
) -> ObjectiveDraft:
    """An objective (of the Search team in 2026-Q4 unless told otherwise) and its key results."""
    return ObjectiveDraft(
        m.Objective(
            id=id,
            title=title or f"Objective {id}",
            cycle=cycle,
            owner=owner,
            kind=kind,
            aligns_to=aligns_to,
            umbrella=umbrella,
            description=description,
            key_results=tuple(k.id for k in key_results),
        ),
        tuple(replace(k, objective=id) for k in key_results),
    )


def dependency(
    id: str,
    from_id: str,
    provider: str,
    *,
    state: m.DependencyState = m.DependencyState.ACCEPTED,
    due: date | None = None,
    provider_kr: str | None = None,
    need: str = "some help",
) -> m.Dependency:
    return m.Dependency(id, from_id, provider, need, state, due, provider_kr)


def org(
    *parts: ObjectiveDraft | m.Dependency,
    settings: m.Settings | None = None,
    people: Iterable[m.Person] = (),
    teams: Iterable[m.Team] = (),
) -> m.Organization:
    """Northwind with the given objectives and dependencies (and any extra people or teams)."""
    all_people = {p.id: p for p in (*PEOPLE, *people)}
    objectives: dict[str, m.Objective] = {}
    key_results: dict[str, m.KeyResult] = {}
    dependencies: dict[str, m.Dependency] = {}
    for part in parts:
        if isinstance(part, m.Dependency):
            dependencies[part.id] = part
            continue
        owner = part.objective.owner
        objectives[part.objective.id] = part.objective
        for k in part.key_results:
            # The loader's default: a person's objective gives its key results their owner.
            default_owner = owner if k.owner is None and owner in all_people else k.owner
            # As the loaders do: the cycle's start, from which the key result keeps its line.
            start = next((c.start for c in CYCLES if c.id == part.objective.cycle), None)
            key_results[k.id] = replace(k, owner=default_owner, cycle_start=start)
    return m.Organization(
        name="Northwind",
        settings=settings or m.Settings(),
        people=all_people,
        teams={t.id: t for t in (*TEAMS, *teams)},
        cycles={c.id: c for c in CYCLES},
        objectives=objectives,
        key_results=key_results,
        dependencies=dependencies,
    )
