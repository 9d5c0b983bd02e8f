"""Creating and changing objectives and key results: create, update (with ``If-Match``),
archive and restore, align and unalign. Every handler checks the policy, then calls a service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema, Status

from tandem.access.policy import (
    Caller,
    key_result_get_editable,
    may_edit_objective,
    objective_get_editable,
    require,
    target_ensure_visible,
)
from tandem.api.auth import caller_of
from tandem.api.inputs import Input, IsoDate, MetricNumber, Weight
from tandem.api.objectives import (
    KeyResultOut,
    ObjectiveOut,
    key_result_out,
    objective_out,
    router,
    seen,
)
from tandem.api.openapi import if_match_declared
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.api.versions import etag, if_match
from tandem.core import permissions
from tandem.errors import InvalidError, NotFoundError, StaleVersionError
from tandem.okrfile.schema import DESCRIPTION_MAX_LENGTH
from tandem.okrs import key_results, services
from tandem.okrs.models import KeyResult, Objective
from tandem.people.models import Person, Team

# The same router as the reads: one path, several methods.
T = TypeVar("T")


def _description() -> Any:
    """A description's field: its limit declared in the document but checked by the services,
    for one rule and one message in the API, the web pages and files
    (tandem.okrfile.schema.description_problem)."""
    return Field(
        None,
        description=f"at most {DESCRIPTION_MAX_LENGTH:,} characters",
        json_schema_extra={"maxLength": DESCRIPTION_MAX_LENGTH},
    )


Form = Literal["numeric", "keep_above", "keep_below", "boolean", "milestones", "rollup"]


class UmbrellaIn(Input):
    owner: str | None = Field(None, description="the person accountable for the umbrella")
    teams: list[str] = Field(default_factory=list, description="the contributing teams")


class ObjectiveIn(Input):
    cycle: str
    title: str = Field(max_length=500)
    owner: str = Field(description="a team id, or a person id for an individual objective")
    kind: Literal["aspirational", "committed"] = "aspirational"
    visibility: Literal["public", "team", "private"] = "public"
    aligns_to: str | None = Field(None, description="an objective or key result id")
    description: str | None = _description()
    umbrella: UmbrellaIn | None = None
    id: str | None = Field(None, description="default: generated from the owner (SEARCH-1)")


class ObjectivePatch(Input):
    title: str | None = Field(None, max_length=500)
    owner: str | None = None
    kind: Literal["aspirational", "committed"] | None = None
    visibility: Literal["public", "team", "private"] | None = None
    description: str | None = _description()
    umbrella: UmbrellaIn | None = None


class AlignmentIn(Input):
    target: str = Field(description="the objective or key result this one contributes to")


class MilestoneIn(Input):
    title: str = Field(max_length=500)
    weight: Weight = 1.0
    done_on: IsoDate | None = None


class KeyResultIn(Input):
    title: str = Field(max_length=500)
    form: Form
    start: MetricNumber | None = None
    target: MetricNumber | None = None
    threshold: MetricNumber | None = None
    unit: str | None = Field(None, max_length=500)
    weight: Weight = 1.0
    owner: str | None = Field(None, description="a person id")
    contributors: list[str] = Field(default_factory=list, description="people and team ids")
    milestones: list[MilestoneIn] = Field(default_factory=list)
    description: str | None = _description()
    since: IsoDate | None = Field(
        None,
        description="the day it is measured from, on or before its cycle's end; default: "
        "today while its cycle is under way; null: its cycle's start",
    )
    id: str | None = Field(None, description="default: the objective's id and a number (SR-1.3)")


class KeyResultPatch(Input):
    title: str | None = Field(None, max_length=500)
    form: Form | None = None
    start: MetricNumber | None = None
    target: MetricNumber | None = None
    threshold: MetricNumber | None = None
    unit: str | None = Field(None, max_length=500)
    weight: Weight | None = None
    owner: str | None = None
    contributors: list[str] | None = None
    milestones: list[MilestoneIn] | None = None
    description: str | None = _description()
    since: IsoDate | None = Field(
        None, description="the day it is measured from; null: its cycle's start"
    )


def _owner_fields(owner: str) -> dict[str, str | None]:
    if Team.objects.filter(id=owner).exists():
        return {"owner_team_id": owner, "owner_person_id": None}
    if Person.objects.filter(id=owner).exists():
        return {"owner_team_id": None, "owner_person_id": owner}
    raise InvalidError(
        f"there is no team or person '{owner}'; GET /api/v1/teams and /api/v1/people list them",
        field="owner",
    )


def _may_own(caller: Caller, owner: str) -> bool:
    return may_edit_objective(caller.audience, Objective(**_owner_fields(owner)))


def _given(payload: Schema, *, required: tuple[str, ...]) -> dict[str, Any]:
    """The fields a PATCH sent; ``null`` for a field that cannot be empty is refused."""
    given = payload.model_dump(exclude_unset=True)
    for name in required:
        if name in given and given[name] is None:
            raise InvalidError(f"{name} cannot be empty; leave it out to keep it", field=name)
    return given


def _objective_response(
    request: HttpRequest, response: HttpResponse, objective_id: str
) -> ObjectiveOut:
    view, insight = seen(request)
    objective = view.org.objectives.get(objective_id)
    version = Objective.objects.filter(id=objective_id).values_list("version", flat=True).first()
    if objective is None or version is None:
        raise NotFoundError(f"there is no objective '{objective_id}'")
    response["ETag"] = etag(version)
    return objective_out(view, objective, version, insight)


def _key_result_response(
    request: HttpRequest, response: HttpResponse, key_result_id: str
) -> KeyResultOut:
    view, insight = seen(request)
    key_result = view.org.key_results.get(key_result_id)
    version = KeyResult.objects.filter(id=key_result_id).values_list("version", flat=True).first()
    if key_result is None or version is None:
        raise NotFoundError(f"there is no key result '{key_result_id}'")
    response["ETag"] = etag(version)
    return key_result_out(view, key_result, version, insight)


def _with_current(write: Callable[[], T], current: Callable[[], dict[str, Any]]) -> T:
    """Run ``write``; on a stale version, answer 412 with the current state to merge with."""
    try:
        return write()
    except StaleVersionError as exc:
        exc.current = current()  # type: ignore[attr-defined]
        raise


def _current(
    request: HttpRequest, model: type[Objective | KeyResult], object_id: str
) -> dict[str, Any]:
    """The object as GET shows it; an archived one, out of every view, as id, version and
    archive time."""
    show = _objective_response if model is Objective else _key_result_response
    try:
        return show(request, HttpResponse(), object_id).model_dump(mode="json")
    except NotFoundError:
        row = model.objects.filter(id=object_id).values("id", "version", "archived_at").first()
        return {"archived": True, **(row or {"id": object_id})}


@router.post("/objectives", response={201: ObjectiveOut, ERROR_STATUSES: Problem})
def objective_create(
    request: HttpRequest, response: HttpResponse, payload: ObjectiveIn
) -> Status[ObjectiveOut]:
    """Create an objective; you must be allowed to change the owner's objectives."""
    caller = caller_of(request)
    require(
        _may_own(caller, payload.owner),
        permissions.create_refused(payload.owner),
    )
    if payload.aligns_to is not None:
        target_ensure_visible(caller.audience, payload.aligns_to, field="aligns_to")
    umbrella = payload.umbrella
    created = services.objective_create(
        cycle_id=payload.cycle,
        title=payload.title,
        **_owner_fields(payload.owner),
        kind=payload.kind,
        visibility=payload.visibility,
        aligns_to=payload.aligns_to,
        description=payload.description,
        is_umbrella=umbrella is not None,
        umbrella_owner_id=umbrella.owner if umbrella else None,
        umbrella_team_ids=umbrella.teams if umbrella else (),
        id=payload.id,
        by_id=caller.person,
    )
    response["Location"] = f"/api/v1/objectives/{created.id}"
    return Status(201, _objective_response(request, response, created.id))


def _objective_changes(
    caller: Caller, objective_id: str, payload: ObjectivePatch
) -> dict[str, Any]:
    """The update's arguments for what a PATCH sent; a new owner the caller may not hand the
    objective to is refused (403)."""
    given = _given(payload, required=("title", "owner", "kind", "visibility"))
    changes: dict[str, Any] = {
        key: given[key] for key in ("title", "kind", "visibility", "description") if key in given
    }
    if given.get("owner") is not None:
        require(
            _may_own(caller, given["owner"]),
            permissions.hand_over_refused(objective_id, given["owner"]),
        )
        changes.update(_owner_fields(given["owner"]))
    if "umbrella" in given:
        umbrella = payload.umbrella
        changes.update(
            is_umbrella=umbrella is not None,
            umbrella_owner_id=umbrella.owner if umbrella else None,
            umbrella_team_ids=umbrella.teams if umbrella else [],
        )
    return changes


@router.patch(
    "/objectives/{objective_id}",
    response={200: ObjectiveOut, ERROR_STATUSES: Problem},
    openapi_extra=if_match_declared(required=True),
)
def objective_update(
    request: HttpRequest, response: HttpResponse, objective_id: str, payload: ObjectivePatch
) -> ObjectiveOut:
    """Change fields of an objective; send `If-Match` with the ETag you read (412 if stale)."""
    caller = caller_of(request)
    objective_get_editable(caller.audience, objective_id)
    version = if_match(request, required=True)
    changes = _objective_changes(caller, objective_id, payload)
    # The pages' service: an empty change changes nothing, not even the version.
    _with_current(
        lambda: services.objective_update_and_align(
            objective_id=objective_id, version=version, by_id=caller.person, **changes
        ),
        lambda: _current(request, Objective, objective_id),
    )
    return _objective_response(request, response, objective_id)


def _objective_action(
    request: HttpRequest,
    response: HttpResponse,
    objective_id: str,
    action: Callable[..., Any],
    **kwargs: Any,
) -> ObjectiveOut:
    caller = caller_of(request)
    objective_get_editable(caller.audience, objective_id)
    version = if_match(request, required=False)
    _with_current(
        lambda: action(objective_id=objective_id, version=version, by_id=caller.person, **kwargs),
        lambda: _current(request, Objective, objective_id),
    )
    return _objective_response(request, response, objective_id)


@router.post(
    "/objectives/{objective_id}/archive",
    response={204: None, ERROR_STATUSES: Problem},
    openapi_extra=if_match_declared(required=False),
)
def objective_archive(request: HttpRequest, objective_id: str) -> Status[None]:
    """Archive an objective: it leaves plans, lists and reports, and keeps its id and history."""
    caller = caller_of(request)
    objective_get_editable(caller.audience, objective_id)
    version = if_match(request, required=False)
    _with_current(
        lambda: services.objective_archive(
            objective_id=objective_id, version=version, by_id=caller.person
        ),
        lambda: _current(request, Objective, objective_id),
    )
    return Status(204, None)


@router.post(
    "/objectives/{objective_id}/restore",
    response={200: ObjectiveOut, ERROR_STATUSES: Problem},
    openapi_extra=if_match_declared(required=False),
)
def objective_restore(
    request: HttpRequest, response: HttpResponse, objective_id: str
) -> ObjectiveOut:
    """Bring an archived objective back."""
    return _objective_action(request, response, objective_id, services.objective_restore)


@router.put(
    "/objectives/{objective_id}/alignment",
    response={200: ObjectiveOut, ERROR_STATUSES: Problem},
    openapi_extra=if_match_declared(required=False),
)
def objective_align(
    request: HttpRequest, response: HttpResponse, objective_id: str, payload: AlignmentIn
) -> ObjectiveOut:
    """Align the objective to an objective or key result above it (loops are refused)."""
    # Only to what you may see; hidden and missing targets are refused alike.
    target_ensure_visible(caller_of(request).audience, payload.target, field="target")
    return _objective_action(
        request, response, objective_id, services.objective_align, target_id=payload.target
    )


@router.delete(
    "/objectives/{objective_id}/alignment",
    response={200: ObjectiveOut, ERROR_STATUSES: Problem},
    openapi_extra=if_match_declared(required=False),
)
def objective_unalign(
    request: HttpRequest, response: HttpResponse, objective_id: str
) -> ObjectiveOut:
    return _objective_action(
        request, response, objective_id, services.objective_align, target_id=None
    )


# --- key results -----------------------------------------------------------------------------


def _key_result_arguments(given: dict[str, Any]) -> dict[str, Any]:
    renamed = {"owner": "owner_id", "contributors": "contributor_ids"}
    return {renamed.get(key, key): value for key, value in given.items()}


@router.post(
    "/objectives/{objective_id}/key-results", response={201: KeyResultOut, ERROR_STATUSES: Problem}
)
def key_result_create(
    request: HttpRequest, response: HttpResponse, objective_id: str, payload: KeyResultIn
) -> Status[KeyResultOut]:
    """Add a key result to an objective you may change."""
    caller = caller_of(request)
    objective_get_editable(caller.audience, objective_id)
    # Left out, since is the service's default (today, while the cycle is under way).
    arguments = _key_result_arguments(payload.model_dump(exclude={"since"}))
    if "since" in payload.model_fields_set:
        arguments["since"] = payload.since
    created = key_results.key_result_create(
        objective_id=objective_id, by_id=caller.person, **arguments
    )
    response["Location"] = f"/api/v1/key-results/{created.id}"
    return Status(201, _key_result_response(request, response, created.id))


def _key_result_editable(caller: Caller, key_result_id: str) -> KeyResult:
    return key_result_get_editable(caller.audience, key_result_id)


@router.patch(
    "/key-results/{key_result_id}",
    response={200: KeyResultOut, ERROR_STATUSES: Problem},
    openapi_extra=if_match_declared(required=True),
)
def key_result_update(
    request: HttpRequest, response: HttpResponse, key_result_id: str, payload: KeyResultPatch
) -> KeyResultOut:
    """Change fields of a key result; send `If-Match` with the ETag you read (412 if stale)."""
    caller = caller_of(request)
    _key_result_editable(caller, key_result_id)
    version = if_match(request, required=True)
    given = _given(payload, required=("title", "form", "weight", "contributors", "milestones"))
    arguments = _key_result_arguments(given)
    if arguments:  # an empty change changes nothing, not even the version
        _with_current(
            lambda: key_results.key_result_update(
                key_result_id=key_result_id, version=version, by_id=caller.person, **arguments
            ),
            lambda: _current(request, KeyResult, key_result_id),
        )
    return _key_result_response(request, response, key_result_id)


@router.post(
    "/key-results/{key_result_id}/archive",
    response={204: None, ERROR_STATUSES: Problem},
    openapi_extra=if_match_declared(required=False),
)
def key_result_archive(request: HttpRequest, key_result_id: str) -> Status[None]:
    caller = caller_of(request)
    _key_result_editable(caller, key_result_id)
    version = if_match(request, required=False)
    _with_current(
        lambda: key_results.key_result_archive(
            key_result_id=key_result_id, version=version, by_id=caller.person
        ),
        lambda: _current(request, KeyResult, key_result_id),
    )
    return Status(204, None)


@router.post(
    "/key-results/{key_result_id}/restore",
    response={200: KeyResultOut, ERROR_STATUSES: Problem},
    openapi_extra=if_match_declared(required=False),
)
def key_result_restore(
    request: HttpRequest, response: HttpResponse, key_result_id: str
) -> KeyResultOut:
    caller = caller_of(request)
    _key_result_editable(caller, key_result_id)
    version = if_match(request, required=False)
    _with_current(
        lambda: key_results.key_result_restore(
            key_result_id=key_result_id, version=version, by_id=caller.person
        ),
        lambda: _current(request, KeyResult, key_result_id),
    )
    return _key_result_response(request, response, key_result_id)
