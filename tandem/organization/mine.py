"""What is someone's own: the one definition of "mine" that My OKRs, the review, the
dependencies page and "what needs attention" share.

A person's own teams are those they are a member or the lead of (an admin's like anyone's:
their power over everything is not ownership). Their objectives are those they own, those
of their own teams, and the umbrellas they own; the key results they work on elsewhere are
those they own or contribute to, themselves or through one of their teams. A team's own are
the same with the team alone and no person.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.core import model as m
from tandem.core.visibility import Audience, audience_of


@dataclass(frozen=True)
class Whose:
    """Whose things: a person and their own teams, or a team alone (``person=None``)."""

    person: str | None
    teams: frozenset[str]


def as_person(audience: Audience, org: m.Organization) -> Audience:
    """The caller as a person: an admin's audience holds no teams (their power covers
    everything), so for what is theirs (their teams, the teams they lead) it is read from the
    organisation. Their power to act stays with the real audience."""
    if audience.admin:
        return audience_of(org, audience.person)
    return audience


def own_teams(audience: Audience, org: m.Organization) -> frozenset[str]:
    """The teams the caller is a member or the lead of (an admin's audience lists none: they
    are read from the organisation)."""
    me = audience.person
    listed = {team.id for team in org.teams.values() if me in team.members or team.lead == me}
    return audience.teams | listed


def whose_of(audience: Audience, org: m.Organization) -> Whose:
    """The caller's own: themselves and their own teams."""
    return Whose(audience.person, own_teams(audience, org))


def team_whose(team_id: str) -> Whose:
    return Whose(None, frozenset({team_id}))


def is_mine(whose: Whose, objective: m.Objective) -> bool:
    """Owned by the person or one of their teams, or an umbrella the person owns."""
    me = whose.person
    owner = objective.owner
    if me is not None and (
        owner == me or (objective.umbrella is not None and objective.umbrella.owner == me)
    ):
        return True
    return owner in whose.teams


def works_on(whose: Whose, key_result: m.KeyResult) -> bool:
    """The person owns the key result, or they or one of their teams contribute to it."""
    me = whose.person
    if me is not None and key_result.owner == me:
        return True
    return any(who == me or who in whose.teams for who in key_result.contributors)
