"""Writes about cycles, objectives and key results.

The services check the rules of the data, the same ones an OKR file's loader checks
(:mod:`tandem.okrfile`), so that whatever Tandem writes exports to a file that loads again;
who may do what is the caller's business (the API's policy). A closed cycle is read-only
except for grading. Updates take the ``version`` the caller read (the API's ``If-Match``) and
bump it; ``None`` skips the check.

Every change to an objective or a key result is recorded as an :class:`Activity` in the same
transaction: who (``by_id``, a person, or None when no one signed in made it), when, which
verb, and for an update which fields changed, in words ("title, weight"). An update that
changes nothing records nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from tandem import clock
from tandem.core.model import key_result_since
from tandem.core.numbers import number_problem
from tandem.errors import ConflictError, InvalidError, NotFoundError, StaleVersionError
from tandem.identifiers import (
    id_ensure_free,
    id_ensure_names,
    id_insert,
    ids_resolve,
    key_result_id_generate,
    objective_id_generate,
)
from tandem.okrfile.schema import TEXT_MAX_LENGTH, description_problem
from tandem.okrs.models import (
    Activity,
    Contributor,
    Cycle,
    KeyResult,
    Milestone,
    Objective,
    UmbrellaTeam,
)
from tandem.okrs.selectors import cycle_closed
from tandem.people.models import Person, Team


class Unset(enum.Enum):
    """The value of an update's argument that was not given (``None`` clears a field)."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


class ClosedCycleError(ConflictError):
    """A change to a closed cycle's OKRs; the message names the cycle and what to do."""


def cycle_ensure_open(*, cycle_id: str) -> None:
    """Refuse changes to a closed cycle's objectives, key results and check-ins."""
    if cycle_closed(cycle_id):
        raise ClosedCycleError(
            f"cycle '{cycle_id}' is closed: its OKRs are read-only except for score "
            "overrides; reopen the cycle first"
        )


@transaction.atomic
def cycle_state_set(*, cycle_id: str, state: Cycle.State) -> Cycle:
    cycle = Cycle.objects.select_for_update().get(id=cycle_id)
    cycle.state = state
    cycle.save(update_fields=["state"])
    return cycle


class ScoreOverrideError(InvalidError):
    """A score override that cannot be recorded; the message says why."""


@transaction.atomic
def key_result_score_override(
    *,
    key_result_id: str,
    score: float | None,
    reason: str,
    by_id: str | None,
    version: int | None = None,
) -> KeyResult:
    """Grade a key result by hand (or, with ``score=None``, go back to the computed score).

    Grading is the one change a closed cycle accepts; who and when are kept with the reason.
    """
    key_result = KeyResult.objects.select_for_update().filter(id=key_result_id).first()
    if key_result is None:
        raise NotFoundError(f"there is no key result with id '{key_result_id}'")
    ensure_version(object_id=key_result.id, stored=key_result.version, given=version)
    if score is not None and not 0 <= score <= 1:
        raise ScoreOverrideError(f"a score is between 0.0 and 1.0 (got {score})")
    if score is not None and not reason.strip():
        raise ScoreOverrideError("say why the computed score is overridden (a reason is required)")
    reason_ensure_short(reason, error=ScoreOverrideError)
    key_result.override_score = score
    key_result.override_reason = reason.strip() if score is not None else None
    key_result.override_by_id = by_id if score is not None else None
    key_result.override_at = timezone.now() if score is not None else None
    key_result.version += 1
    key_result.save(
        update_fields=["override_score", "override_reason", "override_by", "override_at", "version"]
    )
    return key_result


# --- checks shared by the services -----------------------------------------------------------


def ensure_version(*, object_id: str, stored: int, given: int | None) -> None:
    """Refuse an update made from an older read of the object (``given`` None: no check)."""
    if given is not None and given != stored:
        raise StaleVersionError(
            f"{object_id} changed since you read it (you had version {given}, it is now "
            f"{stored}); reload and apply your change again"
        )


def reason_ensure_short(reason: str, *, error: type[InvalidError] = InvalidError) -> None:
    """A reason (a score override's, a dependency answer's) has at most 500 characters: it is
    shown on every page that shows what it explains."""
    length = len(reason.strip())
    if length > TEXT_MAX_LENGTH:
        raise error(
            f"a reason has at most {TEXT_MAX_LENGTH} characters (this one has {length}); "
            "keep it to the point",
            field="reason",
        )


def clean_text(value: object, *, field: str, what: str) -> str:
    """A required one-line text (title, need...): trimmed, not empty, at most 500 characters."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidError(f"{what} is required and cannot be blank", field=field)
    text = value.strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise InvalidError(
            f"{what} has at most {TEXT_MAX_LENGTH} characters (this one has {len(text)}); "
            "move the details to the description",
            field=field,
        )
    return text


def _optional_text(value: str | None, *, field: str, what: str) -> str | None:
    """An optional text: blank means none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return clean_text(value, field=field, what=what)


def _description(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    problem = description_problem(value)
    if problem is not None:
        raise InvalidError(problem, field="description")
    return value.strip()


def _number(value: object, *, field: str, what: str) -> int | float:
    """A number as the file takes it (tandem.core.numbers: finite, within ±10^15)."""
    problem = number_problem(value, what=what)
    if problem is not None:
        raise InvalidError(problem, field=field)
    assert isinstance(value, int | float)
    return value


def _weight(value: object, *, field: str = "weight") -> float:
    number = _number(value, field=field, what="a weight")
    if number < 0:
        raise InvalidError(
            f"a weight is 0 or more (got {number}); 0 leaves it out of the progress", field=field
        )
    return float(number)


def _since(value: object, cycle: Cycle) -> date | None:
    """A key result's ``since`` as stored: the day it is measured from, None for its cycle's
    start (a day up to the start is the start, as in a file: key_result_since)."""
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidError(f"since is a date (got {value!r})", field="since")
    if value > cycle.end:
        raise InvalidError(
            f"since is {value}, after the end of cycle {cycle.id} ({cycle.end}); a key result "
            "is added on or before its cycle's last day",
            field="since",
        )
    return key_result_since(value, cycle.start)


def _created_since(cycle: Cycle) -> date | None:
    """The default ``since`` of a key result created today (see key_result_create)."""
    today = clock.today()
    return today if cycle.start < today <= cycle.end else None


def _choice(value: object, choices: type[Objective.Kind | Objective.Visibility], field: str) -> str:
    allowed = [str(choice) for choice in choices.values]
    if value not in allowed:
        raise InvalidError(f"{field} is one of {', '.join(allowed)} (got {value!r})", field=field)
    return str(value)


def _next_position(queryset: Any) -> int:
    top: int | None = queryset.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


# --- the activity record ---------------------------------------------------------------------


def _activity_record(
    *,
    verb: Activity.Verb,
    objective_id: str,
    subject_id: str,
    by_id: str | None,
    detail: str = "",
) -> None:
    Activity.objects.create(
        verb=verb, objective_id=objective_id, subject_id=subject_id, by_id=by_id, detail=detail
    )


def _changed_fields(before: Mapping[str, object], after: Mapping[str, object]) -> str:
    """The names whose values differ, in the order given: "title, weight"."""
    return ", ".join(name for name, value in after.items() if before.get(name) != value)


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


def _key_result_facts(key_result: KeyResult) -> dict[str, object]:
    # Numbers compared as entered (800 and 800.0 are the same value): JSON keeps both.
    return {
        "title": key_result.title,
        "description": key_result.description,
        "form": key_result.form,
        "start": key_result.start,
        "target": key_result.target,
        "threshold": key_result.threshold,
        "unit": key_result.unit,
        "weight": key_result.weight,
        "owner": key_result.owner_id,
        "since": key_result.since,
    }


def _milestone_rows(key_result: KeyResult) -> list[tuple[str, float, date | None]]:
    return list(
        Milestone.objects.filter(key_result=key_result)
        .order_by("position")
        .values_list("title", "weight", "done_on")
    )


def _contributor_ids(key_result: KeyResult) -> list[str | None]:
    return [
        person or team
        for person, team in Contributor.objects.filter(key_result=key_result)
        .order_by("position")
        .values_list("person_id", "team_id")
    ]


# --- objectives ------------------------------------------------------------------------------


def _objective_locked(objective_id: str) -> Objective:
    found = (
        Objective.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .filter(id=objective_id)
        .first()
    )
    if found is None:
        raise NotFoundError(f"there is no objective with id '{objective_id}'")
    return found


def _ensure_not_archived(objective: Objective) -> None:
    if objective.archived_at is not None:
        raise ConflictError(
            f"objective {objective.id} is archived; restore it before changing it or its key "
            "results"
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


def _cycle_contains(outer: Cycle, inner: Cycle) -> bool:
    return outer.id == inner.id or (outer.start <= inner.start and inner.end <= outer.end)


def _check_alignment(*, objective_id: str, cycle: Cycle, target_id: str, field: str) -> None:
    """What SPEC section 2 calls a valid alignment: an existing objective or key result (not
    archived, not this objective's own) whose cycle contains this one's, and no loop."""
    target = Objective.objects.select_related("cycle").filter(id=target_id).first()
    archived = target is not None and target.archived_at is not None
    if target is None:
        key_result = (
            KeyResult.objects.select_related("objective__cycle").filter(id=target_id).first()
        )
        if key_result is None:
            raise InvalidError(
                f"'{target_id}' is neither an objective nor a key result; align to one that exists",
                field=field,
            )
        target = key_result.objective
        archived = key_result.archived_at is not None or target.archived_at is not None
    if archived:
        raise InvalidError(
            f"'{target_id}' is archived; align to something current, or restore it first",
            field=field,
        )
    if target.id == objective_id:
        raise InvalidError(
            f"{objective_id} cannot align to itself or to one of its own key results; align it "
            "to a higher objective or key result",
            field=field,
        )
    if not _cycle_contains(target.cycle, cycle):
        raise InvalidError(
            f"'{target_id}' is in cycle '{target.cycle_id}' ({target.cycle.start} to "
            f"{target.cycle.end}), which does not contain cycle '{cycle.id}' ({cycle.start} to "
            f"{cycle.end}); align to an objective or key result of the same cycle or of one "
            "around it (such as the year)",
            field=field,
        )
    _ensure_no_alignment_loop(objective_id, target_id, field=field)


def _ensure_no_alignment_loop(objective_id: str, target_id: str, *, field: str) -> None:
    """Follow ``aligns_to`` upward from the target (a key result leads to its objective) and
    refuse when it comes back. Archived objectives are followed too: restoring one must not
    close a loop."""
    path = [objective_id]
    node: str | None = target_id
    seen: set[str] = set()
    while node is not None and node not in seen:
        seen.add(node)
        path.append(node)
        if node == objective_id:
            raise ConflictError(
                # Only the two ids the caller named: the way between them may pass through
                # objectives they may not see.
                f"aligning {objective_id} to {target_id} would make a loop: {target_id} "
                f"already aligns{' through others' if len(path) > 3 else ''} to {objective_id}; "
                f"alignment points upward, so align {objective_id} to something that does not "
                "depend on it",
                field=field,
            )
        objective = Objective.objects.filter(id=node).values_list("aligns_to").first()
        if objective is not None:
            node = objective[0]
            continue
        key_result = KeyResult.objects.filter(id=node).values_list("objective_id").first()
        node = key_result[0] if key_result is not None else None


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
    kind = _choice(kind, Objective.Kind, "kind")
    visibility = _choice(visibility, Objective.Visibility, "visibility")
    umbrella_owner, umbrella_teams = _umbrella(is_umbrella, umbrella_owner_id, umbrella_team_ids)
    owner_id = team_id or person_id or ""
    objective_id = (
        id_ensure_free(id) if id is not None else objective_id_generate(owner_id=owner_id)
    )
    if aligns_to is not None:
        _check_alignment(
            objective_id=objective_id, cycle=cycle, target_id=aligns_to, field="aligns_to"
        )
    objective = Objective(
        id=objective_id,
        title=title,
        description=_description(description),
        cycle=cycle,
        owner_team_id=team_id,
        owner_person_id=person_id,
        kind=kind,
        visibility=visibility,
        aligns_to=aligns_to,
        is_umbrella=is_umbrella,
        umbrella_owner_id=umbrella_owner,
        position=_next_position(Objective.objects),
    )
    id_insert(objective)
    _save_umbrella_teams(objective, umbrella_teams)
    _activity_record(
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
    objective = _objective_locked(objective_id)
    ensure_version(object_id=objective.id, stored=objective.version, given=version)
    cycle_ensure_open(cycle_id=objective.cycle_id)
    _ensure_not_archived(objective)
    before = _objective_facts(objective)
    teams_before = None if isinstance(umbrella_team_ids, Unset) else _umbrella_team_ids(objective)
    if not isinstance(title, Unset):
        objective.title = clean_text(title, field="title", what="a title")
    if not isinstance(description, Unset):
        objective.description = _description(description)
    if not isinstance(kind, Unset):
        objective.kind = _choice(kind, Objective.Kind, "kind")
    if not isinstance(visibility, Unset):
        objective.visibility = _choice(visibility, Objective.Visibility, "visibility")
    owner_given = not (isinstance(owner_team_id, Unset) and isinstance(owner_person_id, Unset))
    if owner_given:
        objective.owner_team_id, objective.owner_person_id = _owner(
            None if isinstance(owner_team_id, Unset) else owner_team_id,
            None if isinstance(owner_person_id, Unset) else owner_person_id,
        )
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
    changed = _changed_fields(before, after)
    if changed:
        _activity_record(
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
    objective = _objective_locked(objective_id)
    ensure_version(object_id=objective.id, stored=objective.version, given=version)
    cycle_ensure_open(cycle_id=objective.cycle_id)
    if objective.archived_at is not None:
        raise ConflictError(f"objective {objective.id} is archived already")
    objective.archived_at = timezone.now()
    objective.version += 1
    objective.save(update_fields=["archived_at", "version"])
    _activity_record(
        verb=Activity.Verb.ARCHIVED, objective_id=objective.id, subject_id=objective.id, by_id=by_id
    )
    return objective


@transaction.atomic
def objective_restore(
    *, objective_id: str, version: int | None = None, by_id: str | None = None
) -> Objective:
    objective = _objective_locked(objective_id)
    ensure_version(object_id=objective.id, stored=objective.version, given=version)
    cycle_ensure_open(cycle_id=objective.cycle_id)
    if objective.archived_at is None:
        raise ConflictError(
            f"objective {objective.id} is not archived; there is nothing to restore"
        )
    objective.archived_at = None
    objective.version += 1
    objective.save(update_fields=["archived_at", "version"])
    _activity_record(
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
    objective = _objective_locked(objective_id)
    ensure_version(object_id=objective.id, stored=objective.version, given=version)
    cycle_ensure_open(cycle_id=objective.cycle_id)
    _ensure_not_archived(objective)
    if target_id is not None:
        _check_alignment(
            objective_id=objective.id, cycle=objective.cycle, target_id=target_id, field="target_id"
        )
    previous = objective.aligns_to
    objective.aligns_to = target_id
    objective.version += 1
    objective.save(update_fields=["aligns_to", "version"])
    if previous != target_id:
        _activity_record(
            verb=Activity.Verb.ALIGNED if target_id is not None else Activity.Verb.UNALIGNED,
            objective_id=objective.id,
            subject_id=objective.id,
            by_id=by_id,
            detail=f"to {target_id}" if target_id is not None else f"from {previous}",
        )
    return objective


# --- key results -----------------------------------------------------------------------------

# The metric fields each form takes (SPEC section 1, "Metric forms").
FORM_FIELDS: dict[str, frozenset[str]] = {
    KeyResult.Form.NUMERIC: frozenset({"start", "target", "unit"}),
    KeyResult.Form.KEEP_ABOVE: frozenset({"threshold", "unit"}),
    KeyResult.Form.KEEP_BELOW: frozenset({"threshold", "unit"}),
    KeyResult.Form.BOOLEAN: frozenset(),
    KeyResult.Form.MILESTONES: frozenset({"milestones"}),
    KeyResult.Form.ROLLUP: frozenset(),
}
_MILESTONE_FIELDS = frozenset({"title", "weight", "done_on"})


@dataclass
class _Metric:
    form: str
    start: int | float | None = None
    target: int | float | None = None
    threshold: int | float | None = None
    unit: str | None = None
    # None: keep the milestones the key result has.
    milestones: list[Milestone] | None = field(default_factory=list)


def _metric(
    form: object,
    *,
    start: object,
    target: object,
    threshold: object,
    unit: str | None,
    milestones: Sequence[Mapping[str, Any]] | None,
) -> _Metric:
    """Check a metric as the file's loader does: one form, and exactly the fields it takes."""
    if form not in FORM_FIELDS:
        raise InvalidError(
            f"'{form}' is not a metric form; use one of {', '.join(FORM_FIELDS)}", field="form"
        )
    form = str(form)
    values = {
        "start": start,
        "target": target,
        "threshold": threshold,
        "unit": unit,
        "milestones": milestones,
    }
    given = [
        name for name, value in values.items() if value is not None and value not in ((), [], "")
    ]
    extra = [name for name in given if name not in FORM_FIELDS[form]]
    if extra:
        takes = (
            ", ".join(sorted(FORM_FIELDS[form]))
            or "no start, target, threshold, unit or milestones"
        )
        raise InvalidError(
            f"a {form} key result takes {takes}; leave out {', '.join(extra)}",
            field=extra[0],
        )
    metric = _Metric(form, unit=_optional_text(unit, field="unit", what="a unit"))
    if form == KeyResult.Form.NUMERIC:
        for name in ("start", "target"):
            if values[name] is None:
                raise InvalidError(
                    "a numeric key result needs a start and a target (from 900 to 400 ms: "
                    "start 900, target 400)",
                    field=name,
                )
        metric.start = _number(start, field="start", what="start")
        metric.target = _number(target, field="target", what="target")
    elif form in (KeyResult.Form.KEEP_ABOVE, KeyResult.Form.KEEP_BELOW):
        if threshold is None:
            line = "stay above" if form == KeyResult.Form.KEEP_ABOVE else "stay below"
            raise InvalidError(
                f"a {form} key result needs a threshold (the line to {line})", field="threshold"
            )
        metric.threshold = _number(threshold, field="threshold", what="threshold")
    elif form == KeyResult.Form.MILESTONES:
        metric.milestones = None if milestones is None else _milestones(milestones)
    return metric


def _milestones(items: Sequence[Mapping[str, Any]]) -> list[Milestone]:
    if not items:
        raise InvalidError(
            "a milestones key result needs at least one milestone (a title, and a weight "
            "and a done_on date if you like)",
            field="milestones",
        )
    milestones = []
    for index, item in enumerate(items):
        where = f"milestones.{index}"
        if not isinstance(item, Mapping):
            raise InvalidError("a milestone is {title, weight, done_on}", field=where)
        unknown = sorted(set(item) - _MILESTONE_FIELDS)
        if unknown:
            raise InvalidError(
                f"a milestone has a title, a weight and a done_on date; not {', '.join(unknown)}",
                field=f"{where}.{unknown[0]}",
            )
        done_on = item.get("done_on")
        if isinstance(done_on, datetime):
            done_on = done_on.date()
        elif isinstance(done_on, str):
            try:
                done_on = date.fromisoformat(done_on)
            except ValueError:
                raise InvalidError(
                    f"done_on is a date written YYYY-MM-DD (got {done_on!r})",
                    field=f"{where}.done_on",
                ) from None
        if done_on is not None and not isinstance(done_on, date):
            raise InvalidError(f"done_on is a date (got {done_on!r})", field=f"{where}.done_on")
        milestones.append(
            Milestone(
                title=clean_text(
                    item.get("title"), field=f"{where}.title", what="a milestone's title"
                ),
                weight=_weight(item.get("weight", 1), field=f"{where}.weight"),
                done_on=done_on,
                position=index,
            )
        )
    return milestones


def _key_result_owner(owner_id: str | None, objective: Objective) -> str | None:
    """A person; none given, the objective's owner when that is a person (as in the file)."""
    if owner_id is None:
        return objective.owner_person_id
    id_ensure_names(Person, owner_id, what="a person", field="owner_id")
    return owner_id


def _contributors(ids: Sequence[str]) -> list[Contributor]:
    """People or teams, in the order given (each once), resolved in one query per kind."""
    wanted = list(dict.fromkeys(ids))
    people = set(Person.objects.filter(id__in=wanted).values_list("id", flat=True))
    teams = set(Team.objects.filter(id__in=wanted).values_list("id", flat=True))
    unknown = [i for i in wanted if i not in people and i not in teams]
    if unknown:
        names = ", ".join(f"'{i}'" for i in unknown)
        raise InvalidError(
            f"contributors are people or teams; {names} {'is' if len(unknown) == 1 else 'are'} "
            "neither",
            field="contributor_ids",
        )
    return [
        Contributor(
            person_id=i if i in people else None,
            team_id=i if i in teams else None,
            position=index,
        )
        for index, i in enumerate(wanted)
    ]


def _ensure_checkins_fit(key_result: KeyResult, form: str) -> None:
    """A new form must take the values already checked in, or the export would not load."""
    values = [
        value for value in key_result.checkins.values_list("value", flat=True) if value is not None
    ]
    if form == KeyResult.Form.BOOLEAN:
        misfits = [v for v in values if not isinstance(v, bool)]
        takes = "true or false"
    elif form in (KeyResult.Form.MILESTONES, KeyResult.Form.ROLLUP):
        misfits, takes = values, "no value"
    else:
        misfits = [v for v in values if isinstance(v, bool)]
        takes = "numbers"
    if misfits:
        raise ConflictError(
            f"{key_result.id} has check-ins with values such as {misfits[0]!r}, and a {form} key "
            f"result's check-ins take {takes}; keep its form, or create a new key result and "
            "archive this one",
            field="form",
        )


def _key_result_locked(key_result_id: str) -> KeyResult:
    found = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("objective")
        .filter(id=key_result_id)
        .first()
    )
    if found is None:
        raise NotFoundError(f"there is no key result with id '{key_result_id}'")
    return found


def _ensure_key_result_writable(key_result: KeyResult, version: int | None) -> None:
    ensure_version(object_id=key_result.id, stored=key_result.version, given=version)
    cycle_ensure_open(cycle_id=key_result.objective.cycle_id)
    _ensure_not_archived(key_result.objective)
    if key_result.archived_at is not None:
        raise ConflictError(
            f"key result {key_result.id} is archived; restore it before changing it"
        )


def _save_contributors(key_result: KeyResult, rows: list[Contributor]) -> None:
    for row in rows:
        row.key_result = key_result
    Contributor.objects.bulk_create(rows)


def _save_milestones(key_result: KeyResult, rows: list[Milestone]) -> None:
    for row in rows:
        row.key_result = key_result
    Milestone.objects.bulk_create(rows)


@transaction.atomic
def key_result_create(
    *,
    objective_id: str,
    title: str,
    form: str,
    start: float | None = None,
    target: float | None = None,
    threshold: float | None = None,
    unit: str | None = None,
    weight: float = 1.0,
    owner_id: str | None = None,
    contributor_ids: Sequence[str] = (),
    milestones: Sequence[Mapping[str, Any]] = (),
    description: str | None = None,
    since: date | Unset | None = UNSET,
    id: str | None = None,
    by_id: str | None = None,
) -> KeyResult:
    """A new key result, after the objective's others; its id is ``<objective>.<n>`` unless
    ``id`` is given. ``milestones`` are ``{title, weight=1, done_on=None}``. It is measured
    from ``since``: by default the day it is created (:func:`tandem.clock.today`) while
    its cycle is under way, so that one added mid-cycle starts on track; its cycle's start
    before then, and after the cycle's end (a late record of the plan, to be graded)."""
    objective = _objective_locked(objective_id)
    cycle_ensure_open(cycle_id=objective.cycle_id)
    _ensure_not_archived(objective)
    title = clean_text(title, field="title", what="a title")
    added = _since(
        _created_since(objective.cycle) if isinstance(since, Unset) else since, objective.cycle
    )
    metric = _metric(
        form, start=start, target=target, threshold=threshold, unit=unit, milestones=milestones
    )
    checked_weight = _weight(weight)
    owner = _key_result_owner(owner_id, objective)
    contributors = _contributors(contributor_ids)
    key_result_id = (
        id_ensure_free(id) if id is not None else key_result_id_generate(objective_id=objective.id)
    )
    key_result = KeyResult(
        id=key_result_id,
        objective=objective,
        title=title,
        description=_description(description),
        owner_id=owner,
        weight=checked_weight,
        since=added,
        form=metric.form,
        start=metric.start,
        target=metric.target,
        threshold=metric.threshold,
        unit=metric.unit,
        position=_next_position(KeyResult.objects.filter(objective=objective)),
    )
    id_insert(key_result)
    _save_contributors(key_result, contributors)
    _save_milestones(key_result, metric.milestones or [])
    _activity_record(
        verb=Activity.Verb.CREATED,
        objective_id=objective.id,
        subject_id=key_result.id,
        by_id=by_id,
    )
    return key_result


@transaction.atomic
def key_result_update(
    *,
    key_result_id: str,
    version: int | None,
    title: str | Unset = UNSET,
    description: str | Unset | None = UNSET,
    form: str | Unset = UNSET,
    start: float | Unset | None = UNSET,
    target: float | Unset | None = UNSET,
    threshold: float | Unset | None = UNSET,
    unit: str | Unset | None = UNSET,
    weight: float | Unset = UNSET,
    owner_id: str | Unset | None = UNSET,
    contributor_ids: Sequence[str] | Unset = UNSET,
    milestones: Sequence[Mapping[str, Any]] | Unset = UNSET,
    since: date | Unset | None = UNSET,
    by_id: str | None = None,
) -> KeyResult:
    """Change what is given (``since=None``: measured from its cycle's start). With a new
    ``form``, the old form's fields go (the unit stays if the new form has one): give the new
    form's fields along. Milestones and contributors given replace the old ones."""
    key_result = _key_result_locked(key_result_id)
    _ensure_key_result_writable(key_result, version)
    before = _key_result_facts(key_result)
    # Milestones and contributors are compared only when given (one query each, then).
    if not isinstance(milestones, Unset) or not isinstance(form, Unset):
        before["milestones"] = _milestone_rows(key_result)
    if not isinstance(contributor_ids, Unset):
        before["contributors"] = _contributor_ids(key_result)
    if not isinstance(title, Unset):
        key_result.title = clean_text(title, field="title", what="a title")
    if not isinstance(description, Unset):
        key_result.description = _description(description)
    if not isinstance(weight, Unset):
        key_result.weight = _weight(weight)
    if not isinstance(owner_id, Unset):
        key_result.owner_id = _key_result_owner(owner_id, key_result.objective)
    if not isinstance(since, Unset):
        key_result.since = _since(since, key_result.objective.cycle)
    metric_given = {
        name: value
        for name, value in (
            ("start", start),
            ("target", target),
            ("threshold", threshold),
            ("unit", unit),
            ("milestones", milestones),
        )
        if not isinstance(value, Unset)
    }
    if not isinstance(form, Unset) or metric_given:
        _update_metric(key_result, form, metric_given)
    if not isinstance(contributor_ids, Unset):
        contributors = _contributors(contributor_ids)
        Contributor.objects.filter(key_result=key_result).delete()
        _save_contributors(key_result, contributors)
    key_result.version += 1
    key_result.save()
    after = _key_result_facts(key_result)
    if "milestones" in before:
        after["milestones"] = _milestone_rows(key_result)
    if "contributors" in before:
        after["contributors"] = _contributor_ids(key_result)
    changed = _changed_fields(before, after)
    if changed:
        _activity_record(
            verb=Activity.Verb.UPDATED,
            objective_id=key_result.objective_id,
            subject_id=key_result.id,
            by_id=by_id,
            detail=changed,
        )
    return key_result


def _update_metric(key_result: KeyResult, form: str | Unset, given: dict[str, Any]) -> None:
    new_form = key_result.form if isinstance(form, Unset) else form
    same_form = new_form == key_result.form
    current: dict[str, Any] = {
        "start": key_result.start if same_form else None,
        "target": key_result.target if same_form else None,
        "threshold": key_result.threshold if same_form else None,
        # A unit survives a change between forms that have one.
        "unit": key_result.unit if "unit" in FORM_FIELDS.get(str(new_form), ()) else None,
        # None: keep the milestones (only when the form stays milestones).
        "milestones": None if same_form else (),
    }
    current.update(given)
    metric = _metric(new_form, **current)
    if not same_form:
        _ensure_checkins_fit(key_result, metric.form)
    key_result.form = metric.form
    key_result.start = metric.start
    key_result.target = metric.target
    key_result.threshold = metric.threshold
    key_result.unit = metric.unit
    if metric.milestones is not None:
        Milestone.objects.filter(key_result=key_result).delete()
        _save_milestones(key_result, metric.milestones)


@transaction.atomic
def key_result_archive(
    *, key_result_id: str, version: int | None = None, by_id: str | None = None
) -> KeyResult:
    """Put a key result away: out of its objective's progress and of reports, id kept."""
    key_result = _key_result_locked(key_result_id)
    ensure_version(object_id=key_result.id, stored=key_result.version, given=version)
    cycle_ensure_open(cycle_id=key_result.objective.cycle_id)
    if key_result.archived_at is not None:
        raise ConflictError(f"key result {key_result.id} is archived already")
    key_result.archived_at = timezone.now()
    key_result.version += 1
    key_result.save(update_fields=["archived_at", "version"])
    _activity_record(
        verb=Activity.Verb.ARCHIVED,
        objective_id=key_result.objective_id,
        subject_id=key_result.id,
        by_id=by_id,
    )
    return key_result


@transaction.atomic
def key_result_restore(
    *, key_result_id: str, version: int | None = None, by_id: str | None = None
) -> KeyResult:
    key_result = _key_result_locked(key_result_id)
    ensure_version(object_id=key_result.id, stored=key_result.version, given=version)
    cycle_ensure_open(cycle_id=key_result.objective.cycle_id)
    if key_result.archived_at is None:
        raise ConflictError(
            f"key result {key_result.id} is not archived; there is nothing to restore"
        )
    if key_result.objective.archived_at is not None:
        raise ConflictError(
            f"the objective of {key_result.id}, {key_result.objective_id}, is archived; restore "
            "the objective first"
        )
    key_result.archived_at = None
    key_result.version += 1
    key_result.save(update_fields=["archived_at", "version"])
    _activity_record(
        verb=Activity.Verb.RESTORED,
        objective_id=key_result.objective_id,
        subject_id=key_result.id,
        by_id=by_id,
    )
    return key_result
