"""Writes about key results: create, update, archive, restore, and grading by hand.

The checks are the ones an OKR file's loader makes (:mod:`tandem.okrs.checks`,
:mod:`tandem.okrs.metrics`); who may do what is the caller's business (the policy). A closed
cycle is read-only except for grading. Updates take the ``version`` the caller read and bump
it; ``None`` skips the check. Every change is recorded as an activity in the same transaction;
an update that changes nothing records nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from tandem import clock
from tandem.core.model import key_result_since
from tandem.errors import ConflictError, InvalidError, NotFoundError
from tandem.identifiers import id_ensure_free, id_ensure_names, id_insert, key_result_id_generate
from tandem.okrs.checks import (
    UNSET,
    Unset,
    activity_record,
    changed_fields,
    clean_text,
    description_checked,
    ensure_not_archived,
    ensure_version,
    next_position,
    objective_locked,
    reason_ensure_short,
    weight_checked,
)
from tandem.okrs.cycles import cycle_ensure_open
from tandem.okrs.metrics import (
    FORM_FIELDS,
    ensure_checkins_fit,
    metric_checked,
    milestones_save,
)
from tandem.okrs.models import Activity, Contributor, Cycle, KeyResult, Milestone, Objective
from tandem.people.models import Person, Team
from tandem.people.selectors import archived_refuse


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
    if score is not None and round(score, 2) != score:
        # As a grade is written, and as the review page's form takes it.
        raise ScoreOverrideError(
            f"give the score with two decimals at most, such as 0.73 (got {score})"
        )
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
    ensure_not_archived(key_result.objective)
    if key_result.archived_at is not None:
        raise ConflictError(
            f"key result {key_result.id} is archived; restore it before changing it"
        )


def _save_contributors(key_result: KeyResult, rows: list[Contributor]) -> None:
    for row in rows:
        row.key_result = key_result
    Contributor.objects.bulk_create(rows)


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
    objective = objective_locked(objective_id)
    cycle_ensure_open(cycle_id=objective.cycle_id)
    ensure_not_archived(objective)
    title = clean_text(title, field="title", what="a title")
    added = _since(
        _created_since(objective.cycle) if isinstance(since, Unset) else since, objective.cycle
    )
    metric = metric_checked(
        form, start=start, target=target, threshold=threshold, unit=unit, milestones=milestones
    )
    checked_weight = weight_checked(weight)
    owner = _key_result_owner(owner_id, objective)
    contributors = _contributors(contributor_ids)
    archived_refuse([owner_id], field="owner_id")
    archived_refuse(contributor_ids, field="contributor_ids")
    key_result_id = (
        id_ensure_free(id) if id is not None else key_result_id_generate(objective_id=objective.id)
    )
    key_result = KeyResult(
        id=key_result_id,
        objective=objective,
        title=title,
        description=description_checked(description),
        owner_id=owner,
        weight=checked_weight,
        since=added,
        form=metric.form,
        start=metric.start,
        target=metric.target,
        threshold=metric.threshold,
        unit=metric.unit,
        position=next_position(KeyResult.objects.filter(objective=objective)),
    )
    id_insert(key_result)
    _save_contributors(key_result, contributors)
    milestones_save(key_result, metric.milestones or [])
    activity_record(
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
        key_result.description = description_checked(description)
    if not isinstance(weight, Unset):
        key_result.weight = weight_checked(weight)
    if not isinstance(owner_id, Unset):
        if owner_id != key_result.owner_id:
            archived_refuse([owner_id], field="owner_id")
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
        # Those already there may stay, archived or not.
        kept = set(cast("list[str | None]", before["contributors"]))
        archived_refuse([i for i in contributor_ids if i not in kept], field="contributor_ids")
        Contributor.objects.filter(key_result=key_result).delete()
        _save_contributors(key_result, contributors)
    key_result.version += 1
    key_result.save()
    after = _key_result_facts(key_result)
    if "milestones" in before:
        after["milestones"] = _milestone_rows(key_result)
    if "contributors" in before:
        after["contributors"] = _contributor_ids(key_result)
    changed = changed_fields(before, after)
    if changed:
        activity_record(
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
    metric = metric_checked(new_form, **current)
    if not same_form:
        ensure_checkins_fit(key_result, metric.form)
    key_result.form = metric.form
    key_result.start = metric.start
    key_result.target = metric.target
    key_result.threshold = metric.threshold
    key_result.unit = metric.unit
    if metric.milestones is not None:
        Milestone.objects.filter(key_result=key_result).delete()
        milestones_save(key_result, metric.milestones)


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
    activity_record(
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
    activity_record(
        verb=Activity.Verb.RESTORED,
        objective_id=key_result.objective_id,
        subject_id=key_result.id,
        by_id=by_id,
    )
    return key_result
