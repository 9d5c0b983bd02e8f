"""Writes of SCIM provisioning: the people (Users) and teams (Groups) an identity provider
creates, changes, deactivates and forgets, projected onto Tandem's own tables.

A User is a person (name, e-mail, manager, archived or not); a Group is a team under the
company team, whose members are people. What else the provider sends is kept as it came in
:class:`~tandem.provisioning.models.ScimResource`. The storage (``storage.py``) turns SCIM
resources into the plain fields below and the errors into SCIM errors.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from tandem.errors import ConflictError, InvalidError, NotFoundError
from tandem.identifiers import free_id_from
from tandem.people.models import Membership, Person, Team
from tandem.people.services import person_archive, person_restore
from tandem.provisioning.models import ScimResource

NAME_MAX_LENGTH = 500  # Person.name, Team.name and the e-mail's columns
COMPANY_TEAM_ID = "company"


@dataclass(frozen=True)
class UserFields:
    """A SCIM User, as Tandem reads it."""

    user_name: str
    name: str
    email: str | None
    active: bool
    manager_id: str | None
    external_id: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class GroupFields:
    """A SCIM Group, as Tandem reads it: its members are people's ids."""

    display_name: str
    member_ids: Sequence[str]
    external_id: str | None
    payload: dict[str, Any]


def user_name_key(user_name: str) -> str:
    """The form userNames are compared in: NFC, lower case (as scim2-models compares them)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", user_name).lower())


@transaction.atomic
def scim_user_create(*, fields: UserFields) -> ScimResource:
    """A new SCIM user: the person with its e-mail who has no SCIM record yet (one imported
    from a spreadsheet) is adopted; otherwise a person is created."""
    _user_clean(fields)
    _user_name_ensure_free(fields.user_name, person_id=None)
    person = _person_to_adopt(fields.email) or Person(
        id=free_id_from(_id_seed(fields), fallback="person"), position=Person.objects.count()
    )
    _person_apply(person, fields)
    resource = ScimResource(person=person)
    _resource_apply(resource, fields.external_id, fields.payload, user_name=fields.user_name)
    resource.created_at = resource.updated_at
    resource.save()
    return resource


@transaction.atomic
def scim_user_update(*, person_id: str, fields: UserFields) -> ScimResource:
    """Replace what the identity provider said of a person (PUT, or PATCH once applied)."""
    resource = _resource_locked(person_id=person_id)
    _user_clean(fields)
    _user_name_ensure_free(fields.user_name, person_id=person_id)
    if (
        fields.email
        and Person.objects.filter(email__iexact=fields.email).exclude(id=person_id).exists()
    ):
        raise _email_taken(fields.email)
    person = Person.objects.select_for_update().get(id=person_id)
    _person_apply(person, fields)
    _resource_apply(resource, fields.external_id, fields.payload, user_name=fields.user_name)
    resource.save()
    return resource


@transaction.atomic
def scim_user_forget(*, person_id: str) -> None:
    """DELETE of a user: the person is archived (their OKRs and history stay, their sign-in
    stops) and their SCIM record forgotten; a later create with their e-mail adopts them."""
    resource = _resource_locked(person_id=person_id)
    person_archive(person_id=person_id)
    resource.delete()


@transaction.atomic
def scim_group_create(*, fields: GroupFields) -> ScimResource:
    """A new team under the company team (made, named "Company", when there is none yet)."""
    _group_clean(fields)
    team = Team(
        id=free_id_from(fields.display_name.lower(), fallback="team"),
        name=fields.display_name,
        parent=_company_team(),
        position=Team.objects.count(),
    )
    team.save(force_insert=True)
    _members_set(team, fields.member_ids)
    resource = ScimResource(team=team)
    _resource_apply(resource, fields.external_id, fields.payload, display_name=team.name)
    resource.created_at = resource.updated_at
    resource.save()
    return resource


@transaction.atomic
def scim_group_update(*, team_id: str, fields: GroupFields) -> ScimResource:
    """Rename a team and set its members to exactly the group's."""
    resource = _resource_locked(team_id=team_id)
    _group_clean(fields)
    team = Team.objects.select_for_update().get(id=team_id)
    if team.name != fields.display_name:
        team.name = fields.display_name
        team.save(update_fields=["name"])
    _members_set(team, fields.member_ids)
    _resource_apply(resource, fields.external_id, fields.payload, display_name=team.name)
    resource.save()
    return resource


@transaction.atomic
def scim_group_forget(*, team_id: str) -> None:
    """DELETE of a group: the team goes, unless OKRs belong to it; then it stays (their
    history with it) without members, and only its SCIM record is forgotten."""
    resource = _resource_locked(team_id=team_id)
    team = Team.objects.get(id=team_id)
    resource.delete()
    try:
        with transaction.atomic():
            team.delete()
    except ProtectedError:
        _members_set(team, [])


def _user_clean(fields: UserFields) -> None:
    if not fields.user_name.strip():
        raise InvalidError("userName is empty; send the person's sign-in name", field="userName")
    for field, value in (("userName", fields.user_name), ("name", fields.name)):
        _length_check(field, value)
    if fields.email is not None:
        _length_check("emails", fields.email)
        try:
            validate_email(fields.email)
        except ValidationError:
            raise InvalidError(
                f"'{fields.email[:100]}' is not an e-mail address; send the work e-mail as "
                'emails[type eq "work"].value',
                field="emails",
            ) from None


def _group_clean(fields: GroupFields) -> None:
    if not fields.display_name.strip():
        raise InvalidError("displayName is empty; send the group's name", field="displayName")
    _length_check("displayName", fields.display_name)


def _length_check(field: str, value: str) -> None:
    if len(value) > NAME_MAX_LENGTH:
        raise InvalidError(
            f"{field} has {len(value)} characters; Tandem keeps at most {NAME_MAX_LENGTH}",
            field=field,
        )


def _user_name_ensure_free(user_name: str, *, person_id: str | None) -> None:
    taken = ScimResource.objects.filter(user_name_key=user_name_key(user_name))
    if person_id is not None:
        taken = taken.exclude(person_id=person_id)
    if taken.exists():
        raise ConflictError(
            f"the userName '{user_name[:100]}' is taken (userNames are compared ignoring "
            'letter case); find the user with filter=userName eq "..."',
            field="userName",
        )


def _person_to_adopt(email: str | None) -> Person | None:
    if not email:
        return None
    people = list(
        Person.objects.select_for_update(of=("self",))
        .filter(email__iexact=email)
        .select_related("scim")[:2]
    )
    if len(people) > 1:
        raise ConflictError(
            f"two people in Tandem have the e-mail {email}, so Tandem cannot tell which one to "
            "link to this user; give each their own e-mail first",
            field="emails",
        )
    if people and hasattr(people[0], "scim"):
        raise _email_taken(email)
    return people[0] if people else None


def _email_taken(email: str) -> ConflictError:
    return ConflictError(
        f"another provisioned user has the e-mail {email}; Tandem knows people by their e-mail",
        field="emails",
    )


def _id_seed(fields: UserFields) -> str:
    source = fields.email or fields.user_name
    return source.split("@", 1)[0]


def _person_apply(person: Person, fields: UserFields) -> None:
    manager_id = fields.manager_id or None
    if manager_id is not None and manager_id != person.manager_id:
        if manager_id == person.id:
            raise InvalidError("a person cannot be their own manager", field="manager")
        if not Person.objects.filter(id=manager_id).exists():
            raise InvalidError(
                f"the manager '{manager_id[:100]}' is not a user of Tandem; provision the "
                "manager first (manager.value is the manager's SCIM id)",
                field="manager",
            )
    adding = person._state.adding
    changed = (person.name, person.email, person.manager_id) != (
        fields.name,
        fields.email or person.email,
        manager_id,
    )
    person.name = fields.name
    person.email = fields.email or person.email
    person.manager_id = manager_id
    if adding or changed:
        person.save(force_insert=adding)  # a new id: no UPDATE first
    archived = person.archived_at is not None
    if fields.active and archived:
        person_restore(person_id=person.id)
    elif not fields.active and not archived:
        person_archive(person_id=person.id)


def _resource_apply(
    resource: ScimResource,
    external_id: str | None,
    payload: dict[str, Any],
    *,
    user_name: str = "",
    display_name: str = "",
) -> None:
    if external_id is not None:
        _length_check("externalId", external_id)
    resource.external_id = external_id
    resource.user_name = user_name
    resource.user_name_key = user_name_key(user_name) if user_name else None
    resource.display_name = display_name
    resource.payload = payload
    resource.updated_at = timezone.now()


def _resource_locked(*, person_id: str | None = None, team_id: str | None = None) -> ScimResource:
    lookup = {"person_id": person_id} if person_id is not None else {"team_id": team_id}
    resource = ScimResource.objects.select_for_update().filter(**lookup).first()
    if resource is None:
        kind = "User" if person_id is not None else "Group"
        raise NotFoundError(f"there is no SCIM {kind} '{person_id or team_id}'")
    return resource


def _company_team() -> Team:
    company = Team.objects.filter(is_root=True).first()
    if company is not None:
        return company
    company = Team(id=free_id_from(COMPANY_TEAM_ID, fallback="team"), name="Company", is_root=True)
    company.save()
    return company


def _members_set(team: Team, member_ids: Sequence[str]) -> None:
    wanted = list(dict.fromkeys(member_ids))
    known = set(Person.objects.filter(id__in=wanted).values_list("id", flat=True))
    unknown = [member for member in wanted if member not in known]
    if unknown:
        nested = Team.objects.filter(id__in=unknown).exists()
        raise InvalidError(
            "Tandem's groups hold people only (nested groups are not supported)"
            if nested
            else f"no user has the id '{unknown[0][:100]}'; provision the user first",
            field="members",
        )
    current = set(Membership.objects.filter(team=team).values_list("person_id", flat=True))
    for membership in Membership.objects.filter(team=team, person_id__in=current - known):
        membership.delete()
    position = len(current)
    for person_id in (member for member in wanted if member not in current):
        Membership.objects.create(team=team, person_id=person_id, position=position)
        position += 1
