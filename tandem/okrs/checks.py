"""What every write about objectives and key results shares: the checks of the data (the
rules an OKR file's loader applies, :mod:`tandem.okrfile`, with the same words), the version
check, locking, positions and the activity record.

Every change to an objective or a key result is recorded as an :class:`Activity` in the same
transaction: who (``by_id``, a person, or None when no one signed in made it), when, which
verb, and for an update which fields changed, in words ("title, weight").
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Final

from django.db.models import Max

from tandem.core.numbers import number_problem
from tandem.errors import ConflictError, InvalidError, NotFoundError, StaleVersionError
from tandem.okrfile.schema import TEXT_MAX_LENGTH, description_problem
from tandem.okrs.models import Activity, Objective


class Unset(enum.Enum):
    """The value of an update's argument that was not given (``None`` clears a field)."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


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


def optional_text(value: str | None, *, field: str, what: str) -> str | None:
    """An optional text: blank means none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return clean_text(value, field=field, what=what)


def description_checked(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    problem = description_problem(value)
    if problem is not None:
        raise InvalidError(problem, field="description")
    return value.strip()


def number_checked(value: object, *, field: str, what: str) -> int | float:
    """A number as the file takes it (tandem.core.numbers: finite, within ±10^15)."""
    problem = number_problem(value, what=what)
    if problem is not None:
        raise InvalidError(problem, field=field)
    assert isinstance(value, int | float)
    return value


def weight_checked(value: object, *, field: str = "weight") -> float:
    number = number_checked(value, field=field, what="a weight")
    if number < 0:
        raise InvalidError(
            f"a weight is 0 or more (got {number}); 0 leaves it out of the progress", field=field
        )
    return float(number)


def choice_checked(
    value: object, choices: type[Objective.Kind | Objective.Visibility], field: str
) -> str:
    allowed = [str(choice) for choice in choices.values]
    if value not in allowed:
        raise InvalidError(f"{field} is one of {', '.join(allowed)} (got {value!r})", field=field)
    return str(value)


def next_position(queryset: Any) -> int:
    top: int | None = queryset.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def objective_locked(objective_id: str) -> Objective:
    found = (
        Objective.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .filter(id=objective_id)
        .first()
    )
    if found is None:
        raise NotFoundError(f"there is no objective with id '{objective_id}'")
    return found


def ensure_not_archived(objective: Objective) -> None:
    if objective.archived_at is not None:
        raise ConflictError(
            f"objective {objective.id} is archived; restore it before changing it or its key "
            "results"
        )


# --- the activity record ---------------------------------------------------------------------


def activity_record(
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


def changed_fields(before: Mapping[str, object], after: Mapping[str, object]) -> str:
    """The names whose values differ, in the order given: "title, weight"."""
    return ", ".join(name for name, value in after.items() if before.get(name) != value)
