"""The shape of an OKR file (SPEC section 1) as pydantic models.

These validate one entry at a time (a person, a team, an objective ...) so that a mistake in
one entry does not hide the mistakes in the others. References between entries are checked
afterwards by ``tandem.okrfile.checks``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

from tandem.core.numbers import NUMBER_RULE, usable_number

ID_PATTERN = r"^[A-Za-z0-9._-]+$"
ID_RE = re.compile(ID_PATTERN)


def _iso_date(value: Any) -> Any:
    """Accept a quoted ISO date ("2026-10-01") as well as a YAML date."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return value  # reported by validation as "must be a date written YYYY-MM-DD"
    return value


Date = Annotated[date, BeforeValidator(_iso_date)]
# Limits shared with the database's columns (tandem.identifiers, the apps' models).
ID_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 500
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_MAX_LENGTH)
]
# A few paragraphs, like a reflection (tandem.okrs.reviews): every list and report carries the
# description, so a longer document is linked from it rather than pasted in.
DESCRIPTION_MAX_LENGTH = 5000


def description_problem(text: str) -> str | None:
    """What is wrong with a description, if anything: the one rule and message of files, the
    services (so the API and the web pages) alike. The spaces around it do not count."""
    length = len(text.strip())
    if length > DESCRIPTION_MAX_LENGTH:
        return (
            f"a description has at most {DESCRIPTION_MAX_LENGTH} characters (this one has "
            f"{length}); link to a longer document instead"
        )
    return None


def _description(value: str) -> str:
    problem = description_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


Description = Annotated[str, AfterValidator(_description)]


def _bounded(value: int | float) -> int | float:
    """tandem.core.numbers' rule; the loader words the error with the field's name."""
    if not usable_number(value):
        raise PydanticCustomError("number_range", NUMBER_RULE)
    return value


# Ints stay ints (so a value of 800 is reported as 800, not 800.0); bools are not numbers;
# .nan, .inf and numbers beyond ±10^15 are not measurements.
Number = Annotated[StrictInt | StrictFloat, AfterValidator(_bounded)]


def _bounded_if_number(value: bool | int | float | None) -> bool | int | float | None:
    return value if value is None or isinstance(value, bool) else _bounded(value)


# A check-in's value: one union with one check after it, so that a number out of bounds is one
# error for 'value', not one per member of the union.
CheckInValue = Annotated[
    StrictBool | StrictInt | StrictFloat | None, AfterValidator(_bounded_if_number)
]
Confidence = Annotated[int, Field(ge=0, le=10)]
NonNegative = Annotated[Number, Field(ge=0)]


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SettingsEntry(Entry):
    on_track_confidence: Confidence = 7
    at_risk_confidence: Confidence = 4
    stale_after_days: Annotated[int, Field(ge=0)] = 14
    max_objectives_per_owner: Annotated[int, Field(ge=1)] = 5
    max_key_results_per_objective: Annotated[int, Field(ge=1)] = 5
    individual_share_limit: Annotated[Number, Field(ge=0, le=1)] = 0.5
    overlap_threshold: Annotated[Number, Field(gt=0, le=1)] = 0.5

    @model_validator(mode="after")
    def _confidence_bands_ordered(self) -> SettingsEntry:
        if self.at_risk_confidence > self.on_track_confidence:
            raise ValueError(
                "at_risk_confidence must not be above on_track_confidence "
                f"({self.at_risk_confidence} > {self.on_track_confidence})"
            )
        return self


class PersonEntry(Entry):
    id: Id
    name: Text
    email: Text | None = None
    manager: Id | None = None


class TeamEntry(Entry):
    id: Id
    name: Text
    parent: Id | None = None
    lead: Id | None = None
    members: list[Id] = []


class CycleEntry(Entry):
    id: Id
    start: Date
    end: Date
    parent: Id | None = None

    @model_validator(mode="after")
    def _end_after_start(self) -> CycleEntry:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class NumericMetricEntry(Entry):
    start: Number
    target: Number
    unit: Text | None = None


class KeepAboveEntry(Entry):
    keep_above: Number
    unit: Text | None = None


class KeepBelowEntry(Entry):
    keep_below: Number
    unit: Text | None = None


class MilestoneEntry(Entry):
    title: Text
    weight: NonNegative = 1
    done_on: Date | None = None


class MilestonesEntry(Entry):
    milestones: Annotated[list[MilestoneEntry], Field(min_length=1)]


METRIC_FORMS = (
    "{start: S, target: T, unit: U}, {keep_above: X, unit: U}, {keep_below: X, unit: U}, "
    "boolean, {milestones: [...]} or rollup"
)


def _metric_form(value: Any) -> str | None:
    if isinstance(value, str):
        return value if value in ("boolean", "rollup") else None
    if isinstance(value, dict):
        for key in ("milestones", "keep_above", "keep_below"):
            if key in value:
                return key
        if "start" in value or "target" in value:
            return "numeric"
    return None


MetricEntry = Annotated[
    Annotated[NumericMetricEntry, Tag("numeric")]
    | Annotated[KeepAboveEntry, Tag("keep_above")]
    | Annotated[KeepBelowEntry, Tag("keep_below")]
    | Annotated[MilestonesEntry, Tag("milestones")]
    | Annotated[Literal["boolean"], Tag("boolean")]
    | Annotated[Literal["rollup"], Tag("rollup")],
    Discriminator(
        _metric_form,
        custom_error_type="metric_form",
        custom_error_message=f"metric must be one of {METRIC_FORMS}",
    ),
]


class CheckInEntry(Entry):
    date: Date
    value: CheckInValue = None
    confidence: Confidence | None = None
    note: str | None = None
    by: Id | None = None


class ScoreOverrideEntry(Entry):
    score: Annotated[Number, Field(ge=0, le=1)]
    reason: Text


class KeyResultEntry(Entry):
    id: Id
    title: Text
    description: Description | None = None
    owner: Id | None = None
    contributors: list[Id] = []
    weight: NonNegative = 1
    # The day it was added (default: its cycle's start); after the cycle's end is an error.
    since: Date | None = None
    metric: MetricEntry
    checkins: list[CheckInEntry] = []
    score_override: ScoreOverrideEntry | None = None


class UmbrellaEntry(Entry):
    owner: Id | None = None
    teams: list[Id] = []


class ObjectiveEntry(Entry):
    id: Id
    title: Text
    description: Description | None = None
    cycle: Id
    owner: Id
    kind: Literal["aspirational", "committed"] = "aspirational"
    visibility: Literal["public", "team", "private"] = "public"
    aligns_to: Id | None = None
    umbrella: UmbrellaEntry | None = None
    key_results: list[KeyResultEntry] = []


class DependencyEntry(Entry):
    model_config = ConfigDict(populate_by_name=False)

    id: Id
    from_id: Id = Field(alias="from")
    provider: Id
    need: Text
    due: Date | None = None
    state: Literal["requested", "accepted", "declined", "delivered", "cancelled"] = "requested"
    provider_kr: Id | None = None


class FileEnvelope(Entry):
    """The top level; the lists are validated entry by entry afterwards."""

    version: Literal[1]
    organization: Text
    settings: dict[str, Any] = {}
    people: list[Any] = []
    teams: list[Any] = []
    cycles: list[Any] = []
    objectives: list[Any] = []
    dependencies: list[Any] = []


SECTIONS: dict[str, type[Entry]] = {
    "people": PersonEntry,
    "teams": TeamEntry,
    "cycles": CycleEntry,
    "objectives": ObjectiveEntry,
    "dependencies": DependencyEntry,
}
