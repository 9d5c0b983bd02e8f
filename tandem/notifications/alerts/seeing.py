"""Who may see which objective, for many people at once, on the cached organisation: the rules
of :mod:`tandem.core.visibility` (the same as the permission policy's), with the indexes
built once per run instead of one query per recipient."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from tandem.core import model as m
from tandem.core.visibility import Audience, ObjectiveFacts, may_see, objective_facts
from tandem.organization.cache import View, view_get
from tandem.people.models import Person

EVERYTHING = Audience(person=None, admin=True)


def alerts_view(today: date) -> View:
    """The whole organisation (its current plan), evaluated on ``today``."""
    return view_get(audience=EVERYTHING, as_of=today)


def admins_get() -> frozenset[str]:
    """The people whose accounts are org admins (one query)."""
    rows = Person.objects.filter(user__is_superuser=True).values_list("id", flat=True)
    return frozenset(rows)


class Seeing:
    """Whether each person may see each objective of ``org`` (``admins`` see everything)."""

    def __init__(self, org: m.Organization, admins: frozenset[str]) -> None:
        self.org = org
        self.admins = admins
        self._facts: dict[str, ObjectiveFacts] | None = None
        self._audiences: dict[str, Audience] = {}
        self._teams_of: dict[str, set[str]] = defaultdict(set)
        self._led: dict[str, list[str]] = defaultdict(list)
        for team in org.teams.values():
            for member in (*team.members, *([team.lead] if team.lead else [])):
                self._teams_of[member].add(team.id)
            if team.lead is not None:
                self._led[team.lead].append(team.id)
        # Children by parent, once: core's subtree() builds them from scratch on every call.
        self._sub_teams: dict[str | None, list[str]] = defaultdict(list)
        for team in org.teams.values():
            self._sub_teams[team.parent].append(team.id)
        self._reports: dict[str | None, list[str]] = defaultdict(list)
        for person in org.people.values():
            self._reports[person.manager].append(person.id)

    @property
    def facts(self) -> dict[str, ObjectiveFacts]:
        if self._facts is None:
            self._facts = objective_facts(self.org)
        return self._facts

    def audience(self, person_id: str) -> Audience:
        """As :func:`tandem.core.visibility.audience_of`, from the indexes."""
        found = self._audiences.get(person_id)
        if found is None:
            if person_id in self.admins:
                found = Audience(person_id, admin=True)
            else:
                found = Audience(
                    person_id,
                    teams=frozenset(self._teams_of.get(person_id, ())),
                    led_teams=_below(self._sub_teams, self._led.get(person_id, [])),
                    reports=_below(self._reports, [person_id]) - {person_id},
                )
            self._audiences[person_id] = found
        return found

    def may_see(self, person_id: str, objective_id: str) -> bool:
        facts = self.facts.get(objective_id)
        if person_id not in self.org.people or facts is None:
            return False
        return may_see(self.audience(person_id), facts)

    def who(self, person_ids: Iterable[str | None], objective_id: str) -> list[str]:
        """Those of ``person_ids`` (in their order, once each, without None) who may see
        ``objective_id``."""
        wanted = [p for p in dict.fromkeys(person_ids) if p is not None]
        return [p for p in wanted if self.may_see(p, objective_id)]


def _below(children: dict[str | None, list[str]], roots: list[str]) -> frozenset[str]:
    """``roots`` and everything below them (as :func:`tandem.core.visibility.subtree`)."""
    found: set[str] = set()
    todo = list(roots)
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, ()))
    return frozenset(found)


def team_people(org: m.Organization, team_id: str) -> list[str]:
    """A team's lead and members (the lead first)."""
    team = org.teams.get(team_id)
    if team is None:
        return []
    return list(dict.fromkeys([*([team.lead] if team.lead else []), *team.members]))


def owner_of(org: m.Organization, objective_id: str) -> str | None:
    """The person answerable for an objective: its owner, its umbrella owner, or its owning
    team's lead (as :func:`tandem.notifications.events.dependencies.owner_of`)."""
    objective = org.objectives[objective_id]
    if objective.owner in org.people and objective.owner not in org.teams:
        return objective.owner
    if objective.umbrella is not None and objective.umbrella.owner is not None:
        return objective.umbrella.owner
    team = org.teams.get(objective.owner)
    return team.lead if team is not None else None


def objective_of(org: m.Organization, target_id: str) -> str:
    """The objective of a key result, or the objective itself."""
    key_result = org.key_results.get(target_id)
    return key_result.objective if key_result is not None else target_id
