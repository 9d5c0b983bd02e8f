"""Who sets which cadence, and what a caller's settings page shows: an admin the
organisation's, a team's lead (or a lead above it, or an admin) the team's, everyone their
own. Each with what applies when it is not set (the next level's)."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.access.policy import Caller
from tandem.errors import NotFoundError, PermissionDeniedError
from tandem.notifications.cadence import (
    DEFAULTS,
    KINDS,
    Cadences,
    Rhythm,
    cadence_set,
    cadences_get,
)
from tandem.people.models import Membership, Team

ORGANISATION = "organisation"
ME = "me"


@dataclass(frozen=True)
class Setting:
    """One scope's cadence of one kind: its own (None: not set) and what applies."""

    kind: str
    own: Rhythm | None
    applies: Rhythm
    # Where what applies comes from: "its own", "the team's", "the organisation's", "default".
    source: str


@dataclass(frozen=True)
class ScopeSettings:
    """A scope the caller may set: ``me``, ``team:<id>`` or ``organisation``."""

    scope: str
    label: str
    settings: tuple[Setting, ...]


def _first_team(person_id: str) -> str | None:
    led = Team.objects.filter(lead_id=person_id).values_list("position", "id")
    member = Membership.objects.filter(person_id=person_id).values_list("team__position", "team_id")
    found = sorted([*led, *member])
    return found[0][1] if found else None


def _setting(kind: str, cadences: Cadences, *, person: str | None, team: str | None) -> Setting:
    own = None
    if person is not None:
        own = cadences.people.get((kind, person))
    elif team is not None:
        own = cadences.teams.get((kind, team))
    else:
        own = cadences.organisation.get(kind)
    if own is not None:
        return Setting(kind, own, own, "its own")
    if team is not None and (kind, team) in cadences.teams and person is not None:
        return Setting(kind, None, cadences.teams[kind, team], "the team's")
    if kind in cadences.organisation and (person is not None or team is not None):
        return Setting(kind, None, cadences.organisation[kind], "the organisation's")
    return Setting(kind, None, DEFAULTS[kind], "default")


def cadence_settings_get(caller: Caller) -> list[ScopeSettings]:
    """The scopes the caller may set, theirs first, then the teams they lead, then the
    organisation's (admins)."""
    me = caller.person
    cadences = cadences_get([me] if me else [])
    found = []
    if me is not None:
        team = _first_team(me)
        settings = tuple(_setting(k, cadences, person=me, team=team) for k in KINDS)
        found.append(ScopeSettings(ME, "Yours", settings))
        for team_id, name in Team.objects.filter(lead_id=me).values_list("id", "name"):
            settings = tuple(_setting(k, cadences, person=None, team=team_id) for k in KINDS)
            found.append(ScopeSettings(f"team:{team_id}", f"Team {name}", settings))
    if caller.admin:
        settings = tuple(_setting(k, cadences, person=None, team=None) for k in KINDS)
        found.append(ScopeSettings(ORGANISATION, "The organisation", settings))
    return found


def cadence_change(*, caller: Caller, scope: str, kind: str, rhythm: Rhythm | None) -> str:
    """Set (or clear, ``rhythm`` None) the cadence of ``kind`` for ``scope`` if the caller
    may; the words that confirm it."""
    if scope == ME:
        if caller.person is None:
            raise PermissionDeniedError("an account without a person has no cadence of its own")
        cadence_set(kind=kind, rhythm=rhythm, person_id=caller.person)
        whose = "your"
    elif scope == ORGANISATION:
        if not caller.admin:
            raise PermissionDeniedError("only admins set the organisation's cadence")
        cadence_set(kind=kind, rhythm=rhythm)
        whose = "the organisation's"
    elif scope.startswith("team:"):
        whose = _team_allowed(caller, scope.removeprefix("team:"))
        cadence_set(kind=kind, rhythm=rhythm, team_id=scope.removeprefix("team:"))
    else:
        raise NotFoundError(f"there is no cadence scope '{scope}' (me, team:ID, organisation)")
    noun = "check-in reminders" if kind == "reminder" else "digests"
    if rhythm is None:
        return f"Cleared {whose} {noun}: the next level's cadence applies."
    return f"Saved {whose} {noun}: {rhythm.describe()}."


def _team_allowed(caller: Caller, team_id: str) -> str:
    name = Team.objects.filter(id=team_id).values_list("name", flat=True).first()
    if name is None:
        raise NotFoundError(f"there is no team '{team_id}'")
    if not (caller.admin or team_id in caller.audience.led_teams):
        raise PermissionDeniedError(f"only the lead of {name} (or a lead above) sets its cadence")
    return f"{name}'s"
