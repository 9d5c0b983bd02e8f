"""A key result's metric: its form and the fields that form takes, checked as the file's
loader checks them (SPEC section 1, "Metric forms"), and its milestones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tandem.errors import ConflictError, InvalidError
from tandem.okrs.checks import clean_text, number_checked, optional_text, weight_checked
from tandem.okrs.models import KeyResult, Milestone

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
class Metric:
    form: str
    start: int | float | None = None
    target: int | float | None = None
    threshold: int | float | None = None
    unit: str | None = None
    # None: keep the milestones the key result has.
    milestones: list[Milestone] | None = field(default_factory=list)


def metric_checked(
    form: object,
    *,
    start: object,
    target: object,
    threshold: object,
    unit: str | None,
    milestones: Sequence[Mapping[str, Any]] | None,
) -> Metric:
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
    metric = Metric(form, unit=optional_text(unit, field="unit", what="a unit"))
    if form == KeyResult.Form.NUMERIC:
        for name in ("start", "target"):
            if values[name] is None:
                raise InvalidError(
                    "a numeric key result needs a start and a target (from 900 to 400 ms: "
                    "start 900, target 400)",
                    field=name,
                )
        metric.start = number_checked(start, field="start", what="start")
        metric.target = number_checked(target, field="target", what="target")
    elif form in (KeyResult.Form.KEEP_ABOVE, KeyResult.Form.KEEP_BELOW):
        if threshold is None:
            line = "stay above" if form == KeyResult.Form.KEEP_ABOVE else "stay below"
            raise InvalidError(
                f"a {form} key result needs a threshold (the line to {line})", field="threshold"
            )
        metric.threshold = number_checked(threshold, field="threshold", what="threshold")
    elif form == KeyResult.Form.MILESTONES:
        metric.milestones = None if milestones is None else milestones_checked(milestones)
    return metric


def milestones_checked(items: Sequence[Mapping[str, Any]]) -> list[Milestone]:
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
                weight=weight_checked(item.get("weight", 1), field=f"{where}.weight"),
                done_on=done_on,
                position=index,
            )
        )
    return milestones


def ensure_checkins_fit(key_result: KeyResult, form: str) -> None:
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


def milestones_save(key_result: KeyResult, rows: list[Milestone]) -> None:
    for row in rows:
        row.key_result = key_result
    Milestone.objects.bulk_create(rows)
