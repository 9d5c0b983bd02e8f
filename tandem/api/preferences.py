"""Notification preferences, the JSON twin of the settings pages: the caller's own
(``/me/preferences``) and, for admins, the organisation's defaults and locks
(``/organisation/notification-defaults``). Writes replace the whole setting (PUT) and carry the
version read as ``If-Match`` (412 with the current version when stale); a change to a locked
setting is 403 with the reason. Reads and writes are
:mod:`tandem.notifications.preference_services`'."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from pydantic import BeforeValidator, StrictBool, StrictInt

from tandem import clock
from tandem.access.policy import require
from tandem.api.auth import caller_of
from tandem.api.inputs import Input, IsoDate
from tandem.api.openapi import if_match_declared
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.api.versions import etag, if_match
from tandem.notifications.preference_models import REASON_MAX_LENGTH, TIME_ZONE_MAX_LENGTH
from tandem.notifications.preference_services import (
    Choices,
    OrganisationChoices,
    PersonPreferences,
    QuietHours,
    organisation_defaults_update,
    preferences_get,
    preferences_update,
)
from tandem.notifications.preferences import (
    PERSONAL_CHANNELS,
    REMINDER_CAP_MAX,
    ChannelDefault,
    OrganisationSettings,
    organisation_settings_get,
)

router = Router(tags=["preferences"])

ADMINS_ONLY = "only administrators read and set the organisation's notification defaults"
# Category and channel pairs a write may name (seven categories by the personal channels).
CHANNELS_MAX = 100


def _clock_time(value: object) -> object:
    """Only ``HH:MM`` or ``HH:MM:SS``: a number would otherwise be read as seconds."""
    if value is None or isinstance(value, dt.time):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{2}:\d{2}(:\d{2})?", value):
        return value
    raise ValueError("a time is written HH:MM, such as 22:00")


ClockTime = Annotated[dt.time | None, BeforeValidator(_clock_time)]


class QuietHoursIO(Input):
    start: ClockTime = Field(None, description="local time, e.g. `22:00`")
    end: ClockTime = Field(None, description="local time; before `start`: over midnight")


class PreferenceChannelOut(Schema):
    category: str = Field(description="e.g. `digest` (see docs/notifications.md)")
    channel: str = Field(description="`email` (the inbox is always on)")
    on: bool = Field(description="whether this category reaches you on this channel")
    locked: bool = Field(description="set by the organisation: a change is refused (403)")
    reason: str = Field(description="why it is locked, as the admin wrote it")
    default: bool = Field(description="the organisation's default")


class PreferencesOut(Schema):
    version: int = Field(description="also the `ETag`: send it as `If-Match` with PUT")
    email: str | None = Field(description="null: no address, so no e-mail (ask an admin)")
    time_zone: str = Field(description="your own; empty: the organisation's")
    time_zone_in_force: str
    time_zone_unknown: str | None = Field(
        description="a time zone you chose that is no longer known (the organisation's is used)"
    )
    quiet_hours: QuietHoursIO | None = Field(
        description="your own (start and end null: none); null: the organisation's"
    )
    quiet_hours_in_force: QuietHoursIO | None
    reminder_cap_own: bool = Field(description="false: the organisation's cap")
    reminder_cap: int | None = Field(description="with `reminder_cap_own`: null is no cap")
    reminder_cap_in_force: int | None
    paused: bool
    paused_until: dt.date | None = Field(description="back that day; null: until you resume")
    paused_now: bool = Field(description="whether only the inbox gets notifications now")
    channels: list[PreferenceChannelOut]


class PreferenceChannelIn(Input):
    category: str = Field(max_length=20)
    channel: str = Field(max_length=20, description=f"one of {', '.join(PERSONAL_CHANNELS)}")
    on: StrictBool


class PreferencesIn(Input):
    time_zone: str = Field("", max_length=TIME_ZONE_MAX_LENGTH, description="IANA; empty: org's")
    quiet_hours: QuietHoursIO | None = Field(None, description="null: the organisation's")
    reminder_cap_own: StrictBool = False
    reminder_cap: StrictInt | None = Field(None, ge=0, le=REMINDER_CAP_MAX)
    paused: StrictBool = False
    paused_until: IsoDate | None = Field(None, description="after today; null: indefinitely")
    channels: list[PreferenceChannelIn] = Field(
        [], max_length=CHANNELS_MAX, description="the settings to change; others stay"
    )


def _quiet(start: dt.time | None, end: dt.time | None) -> QuietHoursIO | None:
    return QuietHoursIO(start=start, end=end) if start and end else None


def _channels_out(found: PersonPreferences) -> list[PreferenceChannelOut]:
    return [
        PreferenceChannelOut(
            category=s.category,
            channel=s.channel,
            on=s.on,
            locked=s.locked,
            reason=s.reason,
            default=s.default_on,
        )
        for s in found.states
    ]


def preferences_out(found: PersonPreferences) -> PreferencesOut:
    reader, own = found.reader, found.own
    return PreferencesOut(
        version=found.version,
        email=reader.email,
        time_zone=own.time_zone,
        time_zone_in_force=reader.time_zone.key,
        time_zone_unknown=reader.time_zone_unknown or None,
        quiet_hours=(
            QuietHoursIO(start=own.quiet_hours.start, end=own.quiet_hours.end)
            if own.quiet_hours
            else None
        ),
        quiet_hours_in_force=_quiet(reader.quiet_start, reader.quiet_end),
        reminder_cap_own=own.reminder_cap_own,
        reminder_cap=own.reminder_cap,
        reminder_cap_in_force=reader.reminder_cap,
        paused=own.paused,
        paused_until=own.paused_until,
        paused_now=reader.paused,
        channels=_channels_out(found),
    )


@router.get("/me/preferences", response={200: PreferencesOut, ERROR_STATUSES: Problem})
def my_preferences(request: HttpRequest, response: HttpResponse) -> PreferencesOut:
    """Your notification preferences, as you set them and as they are in force; 404 for an
    account without a person."""
    found = preferences_get(caller_of(request).person)
    response["ETag"] = etag(found.version)
    return preferences_out(found)


@router.put(
    "/me/preferences",
    response={200: PreferencesOut, ERROR_STATUSES: Problem},
    openapi_extra=if_match_declared(required=True),
)
def my_preferences_put(
    request: HttpRequest, response: HttpResponse, payload: PreferencesIn
) -> PreferencesOut:
    """Replace your preferences (the channels listed; others stay). 403 for a locked
    setting, 412 if they changed since your read (`If-Match`)."""
    caller = caller_of(request)
    quiet = payload.quiet_hours
    choices = Choices(
        time_zone=payload.time_zone,
        quiet_hours=QuietHours(quiet.start, quiet.end) if quiet else None,
        reminder_cap_own=payload.reminder_cap_own,
        reminder_cap=payload.reminder_cap,
        paused=payload.paused,
        paused_until=payload.paused_until,
        channels={(c.category, c.channel): c.on for c in payload.channels},
    )
    version = if_match(request, required=True)
    found = preferences_update(
        person_id=caller.person, version=version, choices=choices, today=clock.today()
    )
    response["ETag"] = etag(found.version)
    return preferences_out(found)


# --- the organisation's ----------------------------------------------------------------------


class DefaultOut(Schema):
    category: str
    channel: str
    on: bool = Field(description="the default for everyone who did not choose")
    locked: bool = Field(description="everyone gets `on`, and may not change it")
    reason: str = Field(description="shown to people next to the locked setting")


class DefaultsOut(Schema):
    version: int = Field(description="also the `ETag`: send it as `If-Match` with PUT")
    time_zone: str = Field(description="empty: the TANDEM_TIME_ZONE setting")
    time_zone_in_force: str
    time_zone_unknown: str | None
    quiet_hours: QuietHoursIO | None = Field(description="null: none")
    reminder_cap: int | None = Field(description="reminders a week at most; null: no cap")
    channels: list[DefaultOut]


class DefaultIn(Input):
    category: str = Field(max_length=20)
    channel: str = Field(max_length=20)
    on: StrictBool
    locked: StrictBool = False
    reason: str = Field("", max_length=REASON_MAX_LENGTH)


class DefaultsIn(Input):
    time_zone: str = Field("", max_length=TIME_ZONE_MAX_LENGTH, description="IANA; empty: setting")
    quiet_hours: QuietHoursIO | None = Field(None, description="null: none")
    reminder_cap: StrictInt | None = Field(None, ge=0, le=REMINDER_CAP_MAX)
    channels: list[DefaultIn] = Field([], max_length=CHANNELS_MAX, description="others stay")


def defaults_out(org: OrganisationSettings) -> DefaultsOut:
    channels = [
        DefaultOut(category=c, channel=ch, on=d.on, locked=d.locked, reason=d.reason)
        for (c, ch), d in sorted(org.channels.items())
    ]
    return DefaultsOut(
        version=org.version,
        time_zone=org.time_zone_name,
        time_zone_in_force=org.time_zone.key,
        time_zone_unknown=org.time_zone_unknown or None,
        quiet_hours=_quiet(org.quiet_start, org.quiet_end),
        reminder_cap=org.reminder_cap,
        channels=channels,
    )


@router.get(
    "/organisation/notification-defaults", response={200: DefaultsOut, ERROR_STATUSES: Problem}
)
def organisation_defaults(request: HttpRequest, response: HttpResponse) -> DefaultsOut:
    """The organisation's notification defaults and locks (admins; a category and channel
    not listed is on and not locked)."""
    require(caller_of(request).admin, ADMINS_ONLY)
    org = organisation_settings_get()
    response["ETag"] = etag(org.version)
    return defaults_out(org)


@router.put(
    "/organisation/notification-defaults",
    response={200: DefaultsOut, ERROR_STATUSES: Problem},
    openapi_extra=if_match_declared(required=True),
)
def organisation_defaults_put(
    request: HttpRequest, response: HttpResponse, payload: DefaultsIn
) -> DefaultsOut:
    """Replace the organisation's defaults (the channels listed; others stay). Admins only."""
    require(caller_of(request).admin, ADMINS_ONLY)
    quiet = payload.quiet_hours or QuietHoursIO(start=None, end=None)
    choices = OrganisationChoices(
        time_zone=payload.time_zone,
        quiet_hours=QuietHours(quiet.start, quiet.end),
        reminder_cap=payload.reminder_cap,
        channels={
            (c.category, c.channel): ChannelDefault(c.on, c.locked, c.reason)
            for c in payload.channels
        },
    )
    org = organisation_defaults_update(version=if_match(request, required=True), choices=choices)
    response["ETag"] = etag(org.version)
    return defaults_out(org)
