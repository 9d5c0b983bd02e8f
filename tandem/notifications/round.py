"""What one round of reminders and digests reads once, whatever the number of readers: the
cached organisation evaluated today and a week ago (the engine's results, as the report has
them), the closed cycles, and indexes from people and teams to what is theirs. Each reader's
part is then found without going through the whole organisation, and what they may see is
decided with the one visibility rule (:func:`tandem.core.visibility.may_see`) on the facts
of each objective, as the cache does for the pages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from tandem.core import model as m
from tandem.core import permissions
from tandem.core.visibility import Audience, ObjectiveFacts, may_see, objective_facts
from tandem.okrs.selectors import closed_cycles_get
from tandem.organization.attention import CheckInDue, checkins_due, objectives_under_way
from tandem.organization.cache import View, view_get
from tandem.people.models import Person
from tandem.people.selectors import archived_ids

WEEK = timedelta(days=7)
EVERYTHING = Audience(person=None, admin=True)


class _Lookup(dict[str, list[str]]):
    """A built index: an unknown key reads as an empty list and is not added (a defaultdict
    would add one per reader asked about, and memory would grow with the readers)."""

    def __missing__(self, key: str) -> list[str]:
        return []


@dataclass
class Index:
    """From people and teams to what is theirs among the objectives under way."""

    # A person's teams (member or lead), in the organisation's order.
    teams_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # An owner (person or team) or umbrella owner to their objectives under way.
    objectives_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # A person or team to the key results under way they own or contribute to.
    key_results_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # A team to the requests made to it; an objective to those made from it or its key results.
    asked_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    asked_by: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # A manager to their direct reports; a team to its sub-teams.
    reports: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def index_of(org: m.Organization, under_way: list[m.Objective]) -> Index:
    index = Index()
    for team in org.teams.values():
        for person in dict.fromkeys((*([team.lead] if team.lead else []), *team.members)):
            index.teams_of[person].append(team.id)
        if team.parent is not None:
            index.children[team.parent].append(team.id)
    for someone in org.people.values():
        if someone.manager is not None:
            index.reports[someone.manager].append(someone.id)
    for dependency in org.dependencies.values():
        index.asked_of[dependency.provider].append(dependency.id)
        needer = dependency.from_id
        needer = org.key_results[needer].objective if needer in org.key_results else needer
        index.asked_by[needer].append(dependency.id)
    for objective in under_way:
        index.objectives_of[objective.owner].append(objective.id)
        umbrella = objective.umbrella
        if umbrella is not None and umbrella.owner and umbrella.owner != objective.owner:
            index.objectives_of[umbrella.owner].append(objective.id)
        for kid in objective.key_results:
            key_result = org.key_results[kid]
            for who in dict.fromkeys(
                (*([key_result.owner] if key_result.owner else []), *key_result.contributors)
            ):
                index.key_results_of[who].append(kid)
    for name, built in vars(index).items():
        setattr(index, name, _Lookup(built))
    return index


@dataclass
class Round:
    """One day's evaluated organisation (today and a week before) and its indexes."""

    view: View
    before: View
    closed: frozenset[str]
    index: Index
    facts: dict[str, ObjectiveFacts]
    admins: frozenset[str]
    # Archived people: told nothing, so a word meant for one goes to the next lead up.
    archived: frozenset[str]
    # Audiences built in this round (a batch's readers; dropped with the round).
    audiences: dict[str, Audience] = field(default_factory=dict)
    # What the digests work out once per round (the company's part, say).
    memo: dict[str, object] = field(default_factory=dict)

    @property
    def org(self) -> m.Organization:
        return self.view.org

    @property
    def as_of(self) -> date:
        return self.view.as_of

    def audience(self, person_id: str) -> Audience:
        """The person's audience, from the organisation (no query)."""
        found = self.audiences.get(person_id)
        if found is None:
            if person_id in self.admins:
                found = Audience(person=person_id, admin=True)
            else:
                led = [
                    t
                    for t in self.index.teams_of.get(person_id, ())
                    if self.org.teams[t].lead == person_id
                ]
                found = Audience(
                    person=person_id,
                    teams=frozenset(self.index.teams_of.get(person_id, ())),
                    led_teams=frozenset(_below(self.index.children, led)),
                    reports=frozenset(_below(self.index.reports, [person_id]) - {person_id}),
                )
            self.audiences[person_id] = found
        return found

    def sees(self, reader: str | Audience, objective_id: str) -> bool:
        """Whether the reader (a person, or an audience) may see the objective, and so what
        is said of it, of its key results and of the help it asks for."""
        facts = self.facts.get(objective_id)
        if facts is None:
            return False
        if facts.visibility == m.Visibility.PUBLIC:
            return True
        audience = self.audience(reader) if isinstance(reader, str) else reader
        return may_see(audience, facts)

    def sees_key_result(self, reader: str | Audience, key_result_id: str) -> bool:
        key_result = self.org.key_results.get(key_result_id)
        return key_result is not None and self.sees(reader, key_result.objective)

    def objective_of(self, target: str) -> str:
        """The objective of a key result, or the objective itself."""
        key_result = self.org.key_results.get(target)
        return key_result.objective if key_result is not None else target

    def forget_audiences(self) -> None:
        self.audiences.clear()

    def own_objectives(self, person_id: str | None, teams: list[str]) -> list[str]:
        """The objectives under way of the person (owned, or umbrellas they own) and of
        ``teams``, once each."""
        owners = ([person_id] if person_id else []) + teams
        return list(dict.fromkeys(o for owner in owners for o in self.index.objectives_of[owner]))

    def checkins_due(self, person_id: str) -> list[CheckInDue]:
        """What the person's "what needs attention" lists as needing their check-in."""
        org, teams = self.org, self.index.teams_of.get(person_id, [])
        mine = self.own_objectives(person_id, teams)
        wanted = [k for o in mine for k in org.objectives[o].key_results]
        own = set(mine)
        worked = (k for who in (person_id, *teams) for k in self.index.key_results_of[who])
        wanted.extend(k for k in worked if org.key_results[k].objective not in own)
        audience = self.audience(person_id)
        key_results = [org.key_results[k] for k in dict.fromkeys(wanted)]
        allowed = [kr for kr in key_results if self._may_check_in(audience, kr)]
        return checkins_due(self.view, allowed)

    def team_checkins_due(self, team_id: str) -> list[CheckInDue]:
        """What the team's "what needs attention" lists as needing a check-in."""
        org = self.org
        mine = self.own_objectives(None, [team_id])
        own = set(mine)
        wanted = [k for o in mine for k in org.objectives[o].key_results]
        worked = self.index.key_results_of[team_id]
        wanted.extend(k for k in worked if org.key_results[k].objective not in own)
        return checkins_due(self.view, [org.key_results[k] for k in dict.fromkeys(wanted)])

    def _may_check_in(self, audience: Audience, key_result: m.KeyResult) -> bool:
        rights = permissions.ownership_of(self.org, self.org.objectives[key_result.objective])
        return permissions.may_check_in(audience, rights, key_result.owner, key_result.contributors)


def _below(tree: dict[str, list[str]], roots: list[str]) -> set[str]:
    """``roots`` and everything below them in ``tree`` (parent to children), built once per
    round: :func:`tandem.core.visibility.subtree` builds it again at each call."""
    found: set[str] = set()
    todo = list(roots)
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(tree.get(current, ()))
    return found


def round_get(as_of: date) -> Round:
    """The round of ``as_of``: the cached organisation as admins see it, evaluated on that day
    and a week before (two evaluations, kept by the cache), and three small queries."""
    view = view_get(audience=EVERYTHING, as_of=as_of)
    before = view_get(audience=EVERYTHING, as_of=as_of - WEEK)
    closed = closed_cycles_get()
    under_way = objectives_under_way(view, closed)
    admins = frozenset(Person.objects.filter(user__is_superuser=True).values_list("id", flat=True))
    index, facts = index_of(view.org, under_way), objective_facts(view.org)
    return Round(view, before, closed, index, facts, admins, archived_ids())
