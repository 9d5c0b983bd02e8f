"""The SCIM storage of Tandem: Users are people, Groups are teams (scim2-server's protocol
core calls it; :mod:`tandem.provisioning.services` writes).

A resource is read back from the payload the identity provider sent, with what Tandem also
changes taken from its own tables: ``active`` (the person is not archived), the enterprise
``manager``, the group's ``displayName`` and ``members``. Its version is a digest of what it
reads, so an ETag changes whenever any of it changes, whoever changed it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from django.db.models import QuerySet
from scim2_models import (
    EnterpriseUser,
    Group,
    GroupMember,
    InvalidValueException,
    Manager,
    Meta,
    NotFoundException,
    PreconditionFailedException,
    Resource,
    ResourceType,
    ResponseParameters,
    SearchRequest,
    UniquenessException,
    User,
)
from scim2_models.path import CompareOperator, Comparison
from scim2_server.storage import ScimStorage, SearchPage

from tandem.errors import ConflictError, NotFoundError, TandemError
from tandem.people.models import Membership
from tandem.provisioning import services
from tandem.provisioning.models import ScimResource
from tandem.provisioning.services import GroupFields, UserFields, user_name_key

ScimUser = User[EnterpriseUser]
# What Tandem keeps on its own tables, never in the payload.
_NOT_IN_PAYLOAD = ("id", "meta", "password", "groups", "externalId")


class TandemStorage(ScimStorage):
    """Users and Groups over Tandem's people and teams, in a fixed number of queries a
    request (a page of a search included, whatever its size)."""

    def get(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        response_parameters: ResponseParameters[Any] | None = None,
    ) -> Resource[Any]:
        rows = list(_rows(resource_type).filter(**{_key_field(resource_type): resource_id}))
        if not rows:
            raise NotFoundException(detail=f"{resource_type.name} {resource_id!r} not found")
        return _resources(resource_type, rows)[0]

    def search(
        self,
        resource_types: list[ResourceType],
        search_request: SearchRequest[Any],
        *,
        position: Any = None,
    ) -> SearchPage:
        found: list[Resource[Any]] = []
        start = search_request.start_index_0 or 0
        stop = None if search_request.count is None else start + search_request.count
        scim_filter = search_request.filter
        if scim_filter is None and len(resource_types) == 1:
            rows = _rows(resource_types[0])
            page = list(rows[start:stop]) if stop is not None else list(rows[start:])
            return SearchPage(rows.count(), _resources(resource_types[0], page))
        for resource_type in resource_types:
            rows = _candidates(resource_type, scim_filter)
            found.extend(
                resource
                for resource in _resources(resource_type, list(rows))
                if scim_filter is None or scim_filter.match(resource)
            )
        return SearchPage(len(found), found[start:stop])

    def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        with _errors():
            if resource_type.name == "User":
                row = services.scim_user_create(fields=_user_fields(cast(ScimUser, resource)))
            else:
                row = services.scim_group_create(fields=_group_fields(cast(Group, resource)))
        return self.get(resource_type, row.scim_id)

    def update(
        self,
        resource_type: ResourceType,
        resource: Resource[Any],
        *,
        expected_version: str | None = None,
    ) -> Resource[Any]:
        resource_id = cast(str, resource.id)
        _version_check(self.get(resource_type, resource_id), expected_version)
        with _errors():
            if resource_type.name == "User":
                fields = _user_fields(cast(ScimUser, resource))
                services.scim_user_update(person_id=resource_id, fields=fields)
            else:
                group = _group_fields(cast(Group, resource))
                services.scim_group_update(team_id=resource_id, fields=group)
        return self.get(resource_type, resource_id)

    def delete(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        expected_version: str | None = None,
    ) -> None:
        _version_check(self.get(resource_type, resource_id), expected_version)
        with _errors():
            if resource_type.name == "User":
                services.scim_user_forget(person_id=resource_id)
            else:
                services.scim_group_forget(team_id=resource_id)


@contextmanager
def _errors() -> Iterator[None]:
    """Tandem's errors as SCIM errors (a 409 uniqueness, a 400 invalidValue, a 404).

    An IntegrityError is a concurrent request that took the same userName or id first: a
    409 too, which identity providers retry."""
    try:
        yield
    except ConflictError as error:
        raise UniquenessException(detail=error.message) from error
    except NotFoundError as error:
        raise NotFoundException(detail=error.message) from error
    except TandemError as error:
        raise InvalidValueException(detail=error.message) from error
    except IntegrityError as error:
        raise UniquenessException(
            detail="another request created the same user or group meanwhile; read it again"
        ) from error


def _key_field(resource_type: ResourceType) -> str:
    return "person_id" if resource_type.name == "User" else "team_id"


def _rows(resource_type: ResourceType) -> QuerySet[ScimResource]:
    if resource_type.name == "User":
        return ScimResource.objects.filter(person__isnull=False).select_related("person")
    return ScimResource.objects.filter(team__isnull=False).select_related("team")


def _candidates(resource_type: ResourceType, scim_filter: Any) -> QuerySet[ScimResource]:
    """The rows a filter may match: narrowed in the database for the equalities identity
    providers send (userName, externalId, id, a group's displayName); all rows otherwise."""
    rows = _rows(resource_type)
    node = scim_filter.ast if scim_filter is not None else None
    if not (
        isinstance(node, Comparison)
        and node.op == CompareOperator.eq
        and isinstance(node.value, str)
        and node.attr_path.sub_attr is None
    ):
        return rows
    attribute = node.attr_path.attr.lower()
    if attribute == "id":
        return rows.filter(**{_key_field(resource_type): node.value})
    if attribute == "externalid":
        return rows.filter(external_id=node.value)
    if attribute == "username" and resource_type.name == "User":
        return rows.filter(user_name_key=user_name_key(node.value))
    if attribute == "displayname" and resource_type.name == "Group":
        return rows.filter(display_name__iexact=node.value)
    return rows


def _resources(resource_type: ResourceType, rows: list[ScimResource]) -> list[Resource[Any]]:
    if resource_type.name == "User":
        return [_user(row) for row in rows]
    members: dict[str, list[Membership]] = {}
    for membership in Membership.objects.filter(team_id__in=[row.team_id for row in rows]):
        members.setdefault(membership.team_id, []).append(membership)
    return [_group(row, members.get(cast(str, row.team_id), [])) for row in rows]


def _user(row: ScimResource) -> Resource[Any]:
    person = row.person
    assert person is not None
    user = ScimUser.model_validate(row.payload)
    user.id = person.id
    user.external_id = row.external_id
    # Archived people are inactive whoever archived them; others active, unless the provider
    # never said (or removed) it: absent, Tandem takes them as active and says nothing.
    archived = person.archived_at is not None
    user.active = False if archived else (True if "active" in row.payload else None)
    enterprise = user[EnterpriseUser] or EnterpriseUser()
    enterprise.manager = (
        Manager(value=person.manager_id, ref=f"Users/{person.manager_id}")
        if person.manager_id
        else None
    )
    if enterprise.model_dump(exclude={"schemas"}):
        user[EnterpriseUser] = enterprise
    return _versioned(user, row)


def _group(row: ScimResource, memberships: list[Membership]) -> Resource[Any]:
    """The team's members are Tandem's; the display name the provider gave each, its own."""
    team = row.team
    assert team is not None
    displays = {
        member.get("value"): member.get("display") for member in row.payload.get("members") or []
    }
    group = Group.model_validate({**row.payload, "members": None})
    group.id = team.id
    group.external_id = row.external_id
    group.display_name = team.name
    group.members = [
        GroupMember(
            value=membership.person_id,
            ref=f"Users/{membership.person_id}",
            type="User",
            display=displays.get(membership.person_id),
        )
        for membership in memberships
    ] or None
    return _versioned(group, row)


def _versioned(resource: Resource[Any], row: ScimResource) -> Resource[Any]:
    digest = hashlib.sha256(
        json.dumps(resource.model_dump(), sort_keys=True, default=str).encode()
    ).hexdigest()[:20]
    resource.meta = Meta(
        resource_type="User" if row.person_id else "Group",
        created=row.created_at,
        last_modified=row.updated_at,
        version=f'W/"{digest}"',
    )
    return resource


def _version_check(current: Resource[Any], expected_version: str | None) -> None:
    assert current.meta is not None
    if expected_version is not None and current.meta.version != expected_version:
        raise PreconditionFailedException(
            detail="the resource changed since that version; read it again and retry"
        )


def _payload(resource: Resource[Any]) -> dict[str, Any]:
    payload = resource.model_dump()
    for key in _NOT_IN_PAYLOAD:
        payload.pop(key, None)
    return payload


def _user_fields(user: ScimUser) -> UserFields:
    enterprise = user[EnterpriseUser]
    manager = enterprise.manager if enterprise is not None else None
    payload = _payload(user)
    extension = payload.get(str(EnterpriseUser.__schema__))
    if isinstance(extension, dict):
        extension.pop("manager", None)
    return UserFields(
        user_name=user.user_name or "",
        name=_display_name(user),
        email=_email(user),
        active=user.active is not False,
        manager_id=manager.value if manager is not None else None,
        external_id=user.external_id,
        payload=payload,
    )


def _display_name(user: ScimUser) -> str:
    name = user.name
    parts: Iterable[str | None] = (name.given_name, name.family_name) if name is not None else ()
    return (
        user.display_name
        or (name.formatted if name is not None else None)
        or " ".join(part for part in parts if part)
        or user.user_name
        or ""
    )


def _email(user: ScimUser) -> str | None:
    """The primary e-mail, else the work one, else the first; else the userName when it is an
    e-mail address (as Entra's and Okta's userNames usually are)."""
    emails = [email for email in user.emails or [] if email.value]
    chosen = (
        next((email for email in emails if email.primary), None)
        or next((email for email in emails if str(email.type or "") == "work"), None)
        or (emails[0] if emails else None)
    )
    if chosen is not None:
        return str(chosen.value)
    try:
        validate_email(user.user_name or "")
    except ValidationError:
        return None
    return user.user_name


def _group_fields(group: Group) -> GroupFields:
    return GroupFields(
        display_name=group.display_name or "",
        member_ids=[member.value for member in group.members or [] if member.value],
        external_id=group.external_id,
        payload=_payload(group),
    )
