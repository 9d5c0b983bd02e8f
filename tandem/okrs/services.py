"""Writes about objectives: create, update, align, update and align at once, archive, restore.

The services check the rules of the data, the same ones an OKR file's loader checks
(:mod:`tandem.okrfile`), so that whatever Tandem writes exports to a file that loads again;
who may do what is the caller's business (the policy, :mod:`tandem.access.policy`). A closed
cycle is read-only except for grading. Updates take the ``version`` the caller read (the API's
``If-Match``) and bump it; ``None`` skips the check. Every change is recorded as an activity
in the same transaction (:mod:`tandem.okrs.checks`); an update that changes nothing records
nothing.

Key results are written by :mod:`tandem.okrs.key_results`, cycles opened and closed by
:mod:`tandem.okrs.cycles`; their services are importable from here too, as they were before
this module was split.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypedDict, Unpack

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tandem.errors import ConflictError, InvalidError
from tandem.identifiers import (
    id_ensure_free,
    id_ensure_names,
    id_insert,
    ids_resolve,
    objective_id_generate,
)
from tandem.okrs.alignment import alignment_check
from tandem.okrs.checks import (
    UNSET,
    Unset,
    activity_record,
    changed_fields,
    choice_checked,
    clean_text,
    description_checked,
    ensure_not_archived,
    ensure_version,
    next_position,
    objective_locked,
)
from tandem.okrs.cycles import cycle_ensure_open
from tandem.okrs.models import Activity, Cycle, KeyResult, Objective, UmbrellaTeam
from tandem.people.models import Person, Team
from tandem.people.selectors import archived_refuse


def _objective_facts(objective: Objective) -> dict[str, object]:
    """What an update may change, named as the activity record says it."""
    return {
        "title": objective.title,
        "description": objective.description,
        "kind": objective.kind,
        "visibility": objective.visibility,
        "owner": objective.owner_team_id or objective.owner_person_id,
        "umbrella": objective.is_umbrella,
        "umbrella owner": objective.umbrella_owner_id,
    }


def _umbrella_team_ids(objective: Objective) -> list[str]:
    return list(
        UmbrellaTeam.objects.filter(objective=objective)
        .order_by("position")
        .values_list("team_id", flat=True)
    )


def _owner(team_id: str | None, person_id: str | None) -> tuple[str | None, str | None]:
    if (team_id is None) == (person_id is None):
        raise InvalidError(
            "an objective is owned by one team or by one person: give owner_team_id or "
            "owner_person_id, not both",
            field="owner_team_id" if team_id is None else "owner_person_id",
        )
    if team_id is not None:
        id_ensure_names(Team, team_id, what="a team", field="owner_team_id")
    if person_id is not None:
        id_ensure_names(Person, person_id, what="a person", field="owner_person_id")
    return team_id, person_id


def _umbrella(
    is_umbrella: bool, owner_id: str | None, team_ids: Sequence[str]
) -> tuple[str | None, list[str]]:
    if not is_umbrella:
        if owner_id is not None or team_ids:
            raise InvalidError(
                "only an umbrella objective has an umbrella owner and teams: set is_umbrella, "
                "or leave them out",
                field="umbrella_owner_id" if owner_id is not None else "umbrella_team_ids",
            )
        return None, []
    if owner_id is not None:
        id_ensure_names(Person, owner_id, what="a person", field="umbrella_owner_id")
    teams = ids_resolve(Team, team_ids, what="teams", field="umbrella_team_ids")
    return owner_id, teams


@transaction.atomic
def objective_create(
    *,
    cycle_id: str,
    title: str,
    owner_team_id: str | None = None,
    owner_person_id: str | None = None,
    kind: str = "aspirational",
    visibility: str = "public",
    aligns_to: str | None = None,
    description: str | None = None,
    is_umbrella: bool = False,
    umbrella_owner_id: str | None = None,
    umbrella_team_ids: Sequence[str] = (),
    id: str | None = None,
    by_id: str | None = None,
) -> Objective:
    """A new objective, after the others; its id is ``<OWNER>-<n>`` unless ``id`` is given."""
    id_ensure_names(Cycle, cycle_id, what="a cycle", field="cycle_id")
    cycle = Cycle.objects.get(id=cycle_id)
    cycle_ensure_open(cycle_id=cycle.id)
    title = clean_text(title, field="title", what="a title")
    team_id, person_id = _owner(owner_team_id, owner_person_id)
    kind = choice_checked(kind, Objective.Kind, "kind")
    visibility = choice_checked(visibility, Objective.Visibility, "visibility")
    umbrella_owner, umbrella_teams = _umbrella(is_umbrella, umbrella_owner_id, umbrella_team_ids)
    archived_refuse([person_id], field="owner_person_id")
    archived_refuse([umbrella_owner], field="umbrella_owner_id")
    owner_id = team_id or person_id or ""
    objective_id = (
        id_ensure_free(id) if id is not None else objective_id_generate(owner_id=owner_id)
    )
    if aligns_to is not None:
        alignment_check(
            objective_id=objective_id, cycle=cycle, target_id=aligns_to, field="aligns_to"
        )
    objective = Objective(
        id=objective_id,
        title=title,
        description=description_checked(description),
        cycle=cycle,
        owner_team_id=team_id,
        owner_person_id=person_id,
        kind=kind,
        visibility=visibility,
        aligns_to=aligns_to,
        is_umbrella=is_umbrella,
        umbrella_owner_id=umbrella_owner,
        position=next_position(Objective.objects),
    )
    id_insert(objective)
    _save_umbrella_teams(objective, umbrella_teams)
    activity_record(
        verb=Activity.Verb.CREATED,
        objective_id=objective.id,
        subject_id=objective.id,
        by_id=by_id,
        detail=f"aligned to {aligns_to}" if aligns_to is not None else "",
    )
    return objective


@transaction.atomic
def objective_update(
    *,
    objective_id: str,
    version: int | None,
    title: str | Unset = UNSET,
    description: str | Unset | None = UNSET,
    kind: str | Unset = UNSET,
    visibility: str | Unset = UNSET,
    owner_team_id: str | Unset | None = UNSET,
    owner_person_id: str | Unset | None = UNSET,
    is_umbrella: bool | Unset = UNSET,
    umbrella_owner_id: str | Unset | None = UNSET,
    umbrella_team_ids: Sequence[str] | Unset = UNSET,
    by_id: str | None = None,
) -> Objective:
    """Change what is given. A new owner replaces the old one (give the team or the person);
    ``is_umbrella=False`` drops the umbrella's owner and teams."""
    objective = objective_locked(objective_id)
    ensure_version(object_id=objective.id, stored=objective.version, given=version)
    cycle_ensure_open(cycle_id=objective.cycle_id)
    ensure_not_archived(objective)
    before = _objective_facts(objective)
    teams_before = None if isinstance(umbrella_team_ids, Unset) else _umbrella_team_ids(objective)
    if not isinstance(title, Unset):
        objective.title = clean_text(title, field="title", what="a title")
    if not isinstance(description, Unset):
        objective.description = description_checked(description)
    if not isinstance(kind, Unset):
        objective.kind = choice_checked(kind, Objective.Kind, "kind")
    if not isinstance(visibility, Unset):
        objective.visibility = choice_checked(visibility, Objective.Visibility, "visibility")
    owner_given = not (isinstance(owner_team_id, Unset) and isinstance(owner_person_id, Unset))
    if owner_given:
        was = objective.owner_person_id
        objective.owner_team_id, objective.owner_person_id = _owner(
            None if isinstance(owner_team_id, Unset) else owner_team_id,
            None if isinstance(owner_person_id, Unset) else owner_person_id,
        )
        if objective.owner_person_id != was:
            archived_refuse([objective.owner_person_id], field="owner_person_id")
    if (
        not isinstance(umbrella_owner_id, Unset)
        and umbrella_owner_id != objective.umbrella_owner_id
    ):
        archived_refuse([umbrella_owner_id], field="umbrella_owner_id")
    _update_umbrella(objective, is_umbrella, umbrella_owner_id, umbrella_team_ids)
    if owner_given and objective.owner_person_id is not None:
        # A file gives a key result without an owner to the objective's owner when that is a
        # person: the database says so too, or an export would not read back the same.
        KeyResult.objects.filter(objective=objective, owner__isnull=True).update(
            owner_id=objective.owner_person_id, version=F("version") + 1
        )
    objective.version += 1
    objective.save()
    after = _objective_facts(objective)
    if teams_before is not None and objective.is_umbrella:
        before["umbrella teams"] = teams_before
        after["umbrella teams"] = _umbrella_team_ids(objective)
    changed = changed_fields(before, after)
    if changed:
        activity_record(
            verb=Activity.Verb.UPDATED,
            objective_id=objective.id,
            subject_id=objective.id,
            by_id=by_id,
            detail=changed,
        )
    return objective


def _update_umbrella(
    objective: Objective,
    is_umbrella: bool | Unset,
    owner_id: str | Unset | None,
    team_ids: Sequence[str] | Unset,
) -> None:
    umbrella = objective.is_umbrella if isinstance(is_umbrella, Unset) else is_umbrella
    if not umbrella:
        _umbrella(  # refuses an owner or teams given along
            False,
            None if isinstance(owner_id, Unset) else owner_id,
            () if isinstance(team_ids, Unset) else team_ids,
        )
        if objective.is_umbrella:
            UmbrellaTeam.objects.filter(objective=objective).delete()
        objective.is_umbrella, objective.umbrella_owner_id = False, None
        return
    owner, teams = _umbrella(
        True,
        objective.umbrella_owner_id if isinstance(owner_id, Unset) else owner_id,
        () if isinstance(team_ids, Unset) else team_ids,
    )
    objective.is_umbrella, objective.umbrella_owner_id = True, owner
    if not isinstance(team_ids, Unset):
        UmbrellaTeam.objects.filter(objective=objective).delete()
        _save_umbrella_teams(objective, teams)


def _save_umbrella_teams(objective: Objective, team_ids: Sequence[str]) -> None:
    UmbrellaTeam.objects.bulk_create(
        UmbrellaTeam(objective=objective, team_id=team_id, position=index)
        for index, team_id in enumerate(team_ids)
    )


@transaction.atomic
def objective_archive(
    *, objective_id: str, version: int | None = None, by_id: str | None = None
) -> Objective:
    """Put an objective (and so its key results) away: out of plans and reports, id kept."""
    objective = objective_locked(objective_id)
    ensure_version(object_id=objective.id, stored=objective.version, given=version)
    cycle_ensure_open(cycle_id=objective.cycle_id)
    if objective.archived_at is not None:
        raise ConflictError(f"objective {objective.id} is archived already")
    objective.archived_at = timezone.now()
    objective.version += 1
    objective.save(update_fields=["archived_at", "version"])
    activity_record(
        verb=Activity.Verb.ARCHIVED, objective_id=objective.id, subject_id=objective.id, by_id=by_id
    )
    return objective


@transaction.atomic
def objective_restore(
    *, objective_id: str, version: int | None = None, by_id: str | None = None
) -> Objective:
    objective = objective_locked(objective_id)
    ensure_version(object_id=objective.id, stored=objective.version, given=version)
    cycle_ensure_open(cycle_id=objective.cycle_id)
    if objective.archived_at is None:
        raise ConflictError(
            f"objective {objective.id} is not archived; there is nothing to restore"
        )
    objective.archived_at = None
    objective.version += 1
    objective.save(update_fields=["archived_at", "version"])
    activity_record(
        verb=Activity.Verb.RESTORED, objective_id=objective.id, subject_id=objective.id, by_id=by_id
    )
    return objective


@transaction.atomic
def objective_align(
    *,
    objective_id: str,
    target_id: str | None,
    version: int | None = None,
    by_id: str | None = None,
) -> Objective:
    """Align an objective to a higher objective or key result (``None``: unalign it)."""
    objective = objective_locked(objective_id)
    ensure_version(object_id=objective.id, stored=objective.version, given=version)
    cycle_ensure_open(cycle_id=objective.cycle_id)
    ensure_not_archived(objective)
    if target_id is not None:
        alignment_check(
            objective_id=objective.id, cycle=objective.cycle, target_id=target_id, field="target_id"
        )
    previous = objective.aligns_to
    objective.aligns_to = target_id
    objective.version += 1
    objective.save(update_fields=["aligns_to", "version"])
    if previous != target_id:
        activity_record(
            verb=Activity.Verb.ALIGNED if target_id is not None else Activity.Verb.UNALIGNED,
            objective_id=objective.id,
            subject_id=objective.id,
            by_id=by_id,
            detail=f"to {target_id}" if target_id is not None else f"from {previous}",
        )
    return objective


class ObjectiveChanges(TypedDict, total=False):
    """What :func:`objective_update` changes, as its keyword arguments."""

    title: str
    description: str | None
    kind: str
    visibility: str
    owner_team_id: str | None
    owner_person_id: str | None
    is_umbrella: bool
    umbrella_owner_id: str | None
    umbrella_team_ids: Sequence[str]


@transaction.atomic
def objective_update_and_align(
    *,
    objective_id: str,
    version: int | None,
    aligns_to: str | Unset | None = UNSET,
    target_check: Callable[[str], object] | None = None,
    by_id: str | None = None,
    **changes: Unpack[ObjectiveChanges],
) -> Objective:
    """Change the fields given and, with ``aligns_to``, the alignment (``None``: unalign), in
    one transaction: both changes or neither. ``version`` is the one the caller read; the
    alignment follows the update. Given nothing, it changes nothing, not even the version.

    ``target_check`` is called with a new target after the update, before aligning: the
    caller's refusal of a target it may not see (the policy's) undoes the update too."""
    objective: Objective | None = None
    if changes:
        objective = objective_update(
            objective_id=objective_id, version=version, by_id=by_id, **changes
        )
        version = objective.version
    if not isinstance(aligns_to, Unset):
        if aligns_to is not None and target_check is not None:
            target_check(aligns_to)
        objective = objective_align(
            objective_id=objective_id, target_id=aligns_to, version=version, by_id=by_id
        )
    return objective if objective is not None else objective_locked(objective_id)
