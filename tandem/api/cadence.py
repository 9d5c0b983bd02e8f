"""The cadences of check-in reminders and digests, the JSON twin of /settings/cadence: the
scopes the caller may set (``me``; ``team:ID`` for the teams they lead; ``organisation`` for
admins), each with its own cadence and what applies, and setting or clearing one
(:mod:`tandem.notifications.cadence_settings`, which checks who may set what)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from tandem.api.auth import caller_of
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.clock import today
from tandem.notifications.cadence import Rhythm
from tandem.notifications.cadence_settings import (
    ScopeSettings,
    cadence_change,
    cadence_settings_get,
)

router = Router(tags=["cadence"])
Kind = Literal["reminder", "digest"]


HH_MM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class RhythmIn(Schema):
    weekday: int = Field(ge=0, le=6, description="0 is Monday, 6 Sunday")
    at: str = Field(pattern=HH_MM, description="the local time, HH:MM, in each reader's zone")
    every_weeks: int = Field(1, ge=1, le=52, description="every N weeks, from this week")


class RhythmOut(RhythmIn):
    describe: str = Field(description="in words, e.g. `Monday at 09:00, every week`")


class SettingOut(Schema):
    kind: Kind
    own: RhythmOut | None = Field(description="set for this scope; null: not set")
    applies: RhythmOut = Field(description="what applies (its own, or the next level's)")
    source: str = Field(description="`its own`, `the team's`, `the organisation's`, `default`")


class ScopeOut(Schema):
    scope: str = Field(description="`me`, `team:ID` or `organisation`")
    label: str
    settings: list[SettingOut]


class ChangedOut(Schema):
    message: str
    scopes: list[ScopeOut]


def _rhythm(rhythm: Rhythm) -> RhythmOut:
    return RhythmOut(
        weekday=rhythm.weekday,
        at=f"{rhythm.at:%H:%M}",
        every_weeks=rhythm.every_weeks,
        describe=rhythm.describe(),
    )


def _scope(found: ScopeSettings) -> ScopeOut:
    settings = [
        SettingOut(
            kind=s.kind,  # type: ignore[arg-type]
            own=_rhythm(s.own) if s.own else None,
            applies=_rhythm(s.applies),
            source=s.source,
        )
        for s in found.settings
    ]
    return ScopeOut(scope=found.scope, label=found.label, settings=settings)


@router.get("/cadence", response={200: list[ScopeOut], ERROR_STATUSES: Problem})
def cadence_list(request: HttpRequest) -> list[ScopeOut]:
    """The cadences you may set: yours, your teams' (as their lead), the organisation's
    (admins)."""
    return [_scope(found) for found in cadence_settings_get(caller_of(request))]


@router.put("/cadence/{scope}/{kind}", response={200: ChangedOut, ERROR_STATUSES: Problem})
def cadence_put(request: HttpRequest, scope: str, kind: Kind, body: RhythmIn) -> ChangedOut:
    """Set the cadence of `kind` for `scope` (403 when you may not)."""
    caller = caller_of(request)
    at = dt.time.fromisoformat(body.at)
    rhythm = Rhythm(body.weekday, at, body.every_weeks, starts_on=today())
    said = cadence_change(caller=caller, scope=scope, kind=kind, rhythm=rhythm)
    return ChangedOut(message=said, scopes=[_scope(s) for s in cadence_settings_get(caller)])


@router.delete("/cadence/{scope}/{kind}", response={200: ChangedOut, ERROR_STATUSES: Problem})
def cadence_delete(request: HttpRequest, scope: str, kind: Kind) -> ChangedOut:
    """Clear the cadence of `kind` for `scope`: the next level's applies."""
    caller = caller_of(request)
    said = cadence_change(caller=caller, scope=scope, kind=kind, rhythm=None)
    return ChangedOut(message=said, scopes=[_scope(s) for s in cadence_settings_get(caller)])
