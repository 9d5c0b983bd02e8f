"""People, teams, cycles and ``me``: the organisation's directory, seen by everyone in it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from tandem.api.auth import caller_of
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.errors import NotFoundError
from tandem.okrs.models import Cycle
from tandem.people.models import Membership, Person, Team

router = Router(tags=["organisation"])


class PersonOut(Schema):
    id: str
    name: str
    email: str | None
    manager: str | None
    # When the person was archived (their OKRs and history stay; they cannot sign in and are
    # told nothing); null for everyone else.
    archived_at: datetime | None


class TeamOut(Schema):
    id: str
    name: str
    parent: str | None
    lead: str | None
    members: list[str]
    children: list[str]


class CycleOut(Schema):
    id: str
    start: date
    end: date
    parent: str | None
    state: str


class MeOut(Schema):
    person: PersonOut | None
    admin: bool
    may_write: bool
    teams: list[str]
    leads: list[str]


def _person(row: Person) -> PersonOut:
    return PersonOut(
        id=row.id,
        name=row.name,
        email=row.email,
        manager=row.manager_id,
        archived_at=row.archived_at,
    )


@router.get("/me", response={200: MeOut, ERROR_STATUSES: Problem})
def me(request: HttpRequest) -> MeOut:
    caller = caller_of(request)
    person = Person.objects.filter(id=caller.person).first() if caller.person else None
    leads = (
        list(Team.objects.filter(lead_id=caller.person).values_list("id", flat=True))
        if caller.person
        else []
    )
    # An admin's audience holds no teams (an admin sees everything without them): the teams
    # are read here, as the audience reads them, a lead being a member of the team they lead.
    teams = (
        set(Membership.objects.filter(person_id=caller.person).values_list("team_id", flat=True))
        if caller.admin and caller.person
        else set(caller.audience.teams)
    )
    return MeOut(
        person=_person(person) if person else None,
        admin=caller.admin,
        may_write=caller.may_write,
        teams=sorted(teams | set(leads)),
        leads=leads,
    )


@router.get("/people", response={200: list[PersonOut], ERROR_STATUSES: Problem})
@paginate(LimitOffsetPagination)
def people_list(request: HttpRequest, q: str | None = None) -> list[PersonOut]:
    """Everyone in the organisation; ``q`` searches names, ids and e-mails."""
    rows = Person.objects.order_by("position", "id")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(id__icontains=q) | Q(email__icontains=q))
    return [_person(row) for row in rows]


@router.get("/people/{person_id}", response={200: PersonOut, ERROR_STATUSES: Problem})
def person_get(request: HttpRequest, person_id: str) -> PersonOut:
    row = Person.objects.filter(id=person_id).first()
    if row is None:
        raise NotFoundError(f"there is no person '{person_id}'; GET /api/v1/people lists them")
    return _person(row)


def _teams(ids: list[str] | None = None) -> list[TeamOut]:
    rows = Team.objects.order_by("position", "id")
    members: dict[str, list[str]] = defaultdict(list)
    memberships = Membership.objects.order_by("team_id", "position", "id")
    children: dict[str, list[str]] = defaultdict(list)
    if ids is not None:
        rows = rows.filter(id__in=ids)
        memberships = memberships.filter(team_id__in=ids)
        for child, parent in Team.objects.filter(parent_id__in=ids).values_list("id", "parent_id"):
            children[parent].append(child)
    for team_id, person_id in memberships.values_list("team_id", "person_id"):
        members[team_id].append(person_id)
    teams = list(rows.values_list("id", "name", "parent_id", "lead_id"))
    if ids is None:
        for team_id, _name, parent, _lead in teams:
            if parent is not None:
                children[parent].append(team_id)
    return [
        TeamOut(
            id=team_id,
            name=name,
            parent=parent,
            lead=lead,
            members=members.get(team_id, []),
            children=children.get(team_id, []),
        )
        for team_id, name, parent, lead in teams
    ]


@router.get("/teams", response={200: list[TeamOut], ERROR_STATUSES: Problem})
def teams_list(request: HttpRequest) -> list[TeamOut]:
    """Every team, parents before children: ``parent`` and ``children`` give the tree."""
    return _teams()


@router.get("/teams/{team_id}", response={200: TeamOut, ERROR_STATUSES: Problem})
def team_get(request: HttpRequest, team_id: str) -> TeamOut:
    found = _teams([team_id])
    if not found:
        raise NotFoundError(f"there is no team '{team_id}'; GET /api/v1/teams lists them")
    return found[0]


def _cycle(row: Cycle) -> CycleOut:
    return CycleOut(id=row.id, start=row.start, end=row.end, parent=row.parent_id, state=row.state)


@router.get("/cycles", response={200: list[CycleOut], ERROR_STATUSES: Problem})
def cycles_list(request: HttpRequest) -> list[CycleOut]:
    return [_cycle(row) for row in Cycle.objects.order_by("position", "id")]


@router.get("/cycles/{cycle_id}", response={200: CycleOut, ERROR_STATUSES: Problem})
def cycle_get(request: HttpRequest, cycle_id: str) -> CycleOut:
    row = Cycle.objects.filter(id=cycle_id).first()
    if row is None:
        raise NotFoundError(f"there is no cycle '{cycle_id}'; GET /api/v1/cycles lists them")
    return _cycle(row)
