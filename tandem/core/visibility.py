"""Who may see which objective, and the organisation as one person may see it.

The rules (docs/api.md, "Permissions"):

- admins see everything;
- ``public`` objectives are seen by everyone in the organisation;
- ``team`` objectives by the owning team (its members, lead included), the leads of that team
  and of its ancestors, and admins. An individual objective's team is every team its owner
  belongs to; an umbrella objective's teams include its contributing teams;
- ``private`` objectives by their owner and the owner's manager chain. A team's private
  objective is owned by its members; the manager chain is its lead's;
- whatever the visibility, the people who work on an objective see it: its owner, the owners
  and contributors of its key results (people, or members of contributing teams) and the
  umbrella owner. Otherwise they could not check in on what they are asked to do.

What a person may not see does not exist for them: :func:`restrict` removes it, and whatever
pointed at it (an alignment, a dependency's provider key result) points at nothing, so every
figure is computed on what they may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from tandem.core import model as m


@dataclass(frozen=True, slots=True)
class Audience:
    """One viewer and the facts about them that visibility depends on."""

    person: str | None
    admin: bool = False
    # Teams the person is a member of (a lead is a member of the team they lead).
    teams: frozenset[str] = frozenset()
    # Teams the person leads, and all of their sub-teams.
    led_teams: frozenset[str] = frozenset()
    # People whose manager chain includes the person (not the person themselves).
    reports: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ObjectiveFacts:
    """What :func:`may_see` needs to know about one objective."""

    visibility: m.Visibility
    owner_team: str | None
    owner_person: str | None
    # The teams of an individual objective's owner; the umbrella teams of an umbrella one.
    owner_teams: frozenset[str]
    # The lead of the owning team (for the manager chain of a team's private objective).
    owner_team_lead: str | None
    # People and teams working on it: key result owners and contributors, the umbrella owner.
    participants: frozenset[str]


def may_see(audience: Audience, facts: ObjectiveFacts) -> bool:
    if audience.admin or facts.visibility == m.Visibility.PUBLIC:
        return True
    me = audience.person
    if me is None:
        return False
    if me in facts.participants or not audience.teams.isdisjoint(facts.participants):
        return True
    if facts.owner_person is not None and (
        facts.owner_person == me or facts.owner_person in audience.reports
    ):
        return True
    if facts.visibility == m.Visibility.TEAM:
        teams = set(facts.owner_teams)
        if facts.owner_team is not None:
            teams.add(facts.owner_team)
        return not (audience.teams.isdisjoint(teams) and audience.led_teams.isdisjoint(teams))
    # Private: the owning team's members, and its lead's manager chain.
    if facts.owner_team is not None:
        lead = facts.owner_team_lead
        return facts.owner_team in audience.teams or lead == me or lead in audience.reports
    return False


def subtree(parents: dict[str, str | None], roots: Iterable[str]) -> set[str]:
    """``roots`` and everything below them in a tree given as child → parent."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for child, parent in parents.items():
        children[parent].append(child)
    found: set[str] = set()
    todo = list(roots)
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, ()))
    return found


def audience_of(org: m.Organization, person: str | None, *, admin: bool = False) -> Audience:
    if person is None or admin:
        return Audience(person=person, admin=admin)
    teams = frozenset(t.id for t in org.teams.values() if person in t.members or t.lead == person)
    led = [t.id for t in org.teams.values() if t.lead == person]
    led_teams = frozenset(subtree({t.id: t.parent for t in org.teams.values()}, led))
    managers = {p.id: p.manager for p in org.people.values()}
    reports = frozenset(subtree(managers, [person]) - {person})
    return Audience(person, False, teams, led_teams, reports)


def objective_facts(org: m.Organization) -> dict[str, ObjectiveFacts]:
    """The facts of every objective, in one pass over the organisation."""
    teams_of: dict[str, set[str]] = defaultdict(set)
    for team in org.teams.values():
        for member in (*team.members, *([team.lead] if team.lead else [])):
            teams_of[member].add(team.id)
    facts = {}
    for objective in org.objectives.values():
        participants: set[str] = set()
        for kr_id in objective.key_results:
            kr = org.key_results[kr_id]
            if kr.owner is not None:
                participants.add(kr.owner)
            participants.update(kr.contributors)
        owner_teams: set[str] = set()
        if objective.umbrella is not None:
            if objective.umbrella.owner is not None:
                participants.add(objective.umbrella.owner)
            owner_teams.update(objective.umbrella.teams)
        owner_team = objective.owner if objective.owner in org.teams else None
        owner_person = None if owner_team is not None else objective.owner
        if owner_person is not None:
            owner_teams.update(teams_of.get(owner_person, ()))
        facts[objective.id] = ObjectiveFacts(
            visibility=objective.visibility,
            owner_team=owner_team,
            owner_person=owner_person,
            owner_teams=frozenset(owner_teams),
            owner_team_lead=org.teams[owner_team].lead if owner_team is not None else None,
            participants=frozenset(participants),
        )
    return facts


def visible_objectives(org: m.Organization, audience: Audience) -> frozenset[str]:
    if audience.admin:
        return frozenset(org.objectives)
    return frozenset(oid for oid, facts in objective_facts(org).items() if may_see(audience, facts))


def restrict(
    org: m.Organization,
    visible: frozenset[str],
    hidden_key_results: frozenset[str] = frozenset(),
) -> m.Organization:
    """The organisation without the objectives outside ``visible`` and the key results in
    ``hidden_key_results`` (the same object when nothing goes)."""
    if (
        not hidden_key_results
        and len(visible) == len(org.objectives)
        and visible.issuperset(org.objectives)
    ):
        return org
    key_results = {
        kid: kr
        for kid, kr in org.key_results.items()
        if kr.objective in visible and kid not in hidden_key_results
    }

    def hidden(target: str | None) -> bool:
        known = target in org.objectives or target in org.key_results
        return known and target not in visible and target not in key_results

    objectives = {}
    for oid, objective in org.objectives.items():
        if oid in visible:
            if hidden(objective.aligns_to):
                objective = replace(objective, aligns_to=None)  # noqa: PLW2901
            if hidden_key_results.intersection(objective.key_results):
                kept = tuple(k for k in objective.key_results if k in key_results)
                objective = replace(objective, key_results=kept)  # noqa: PLW2901
            objectives[oid] = objective
    dependencies = {}
    for did, dependency in org.dependencies.items():
        if hidden(dependency.from_id):
            continue
        provided = dependency.provider_kr
        dependencies[did] = (
            replace(dependency, provider_kr=None) if hidden(provided) else dependency
        )
    return replace(org, objectives=objectives, key_results=key_results, dependencies=dependencies)


def without_archived(
    org: m.Organization, objectives: frozenset[str], key_results: frozenset[str]
) -> m.Organization:
    """The organisation's current plan: archived objectives and key results are out of it,
    and what pointed at them points at nothing."""
    if not objectives and not key_results:
        return org
    return restrict(org, frozenset(org.objectives) - objectives, key_results)
