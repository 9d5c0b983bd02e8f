"""The notification settings' forms: a person's preferences and the organisation's defaults
and locks. They parse what the page sends into the services' choices; the services check the
rules (a known time zone, a bounded cap, locks) and their refusals are shown on the form."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import Any

from django import forms

from tandem.notifications.preference_models import REASON_MAX_LENGTH, TIME_ZONE_MAX_LENGTH
from tandem.notifications.preference_services import (
    LOCKED,
    Choices,
    OrganisationChoices,
    PersonPreferences,
    QuietHours,
)
from tandem.notifications.preferences import (
    PERSONAL_CHANNELS,
    REMINDER_CAP_MAX,
    ChannelDefault,
    OrganisationSettings,
)
from tandem.web.forms.fields import Form

ORGANISATION, NONE, OWN = "organisation", "none", "own"
NOT_PAUSED, UNTIL, INDEFINITELY = "", "until", "indefinitely"


def channel_field_name(category: str, channel: str) -> str:
    return f"{channel}_{category}"


def _time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        required=False, label=label, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


def _cap_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=0,
        max_value=REMINDER_CAP_MAX,
        label=label,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            f"A weekly cap is a whole number from 0 to {REMINDER_CAP_MAX}.",
        ),
    )


def _time_zone_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=TIME_ZONE_MAX_LENGTH,
        label=label,
        help_text=help_text,
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )


class PreferencesForm(Form):
    """A person's preferences; the category and channel checkboxes are added per category."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    time_zone = _time_zone_field(
        "Time zone",
        "Type to search (e.g. Europe/Paris); blank: the organisation's. Quiet hours and "
        "reminders follow it.",
    )
    quiet_hours = forms.ChoiceField(
        label="Quiet hours",
        choices=[
            (ORGANISATION, "The organisation's"),
            (NONE, "None"),
            (OWN, "My own, from … to …"),
        ],
        widget=forms.RadioSelect,
    )
    quiet_start = _time_field("From")
    quiet_end = _time_field("To")
    reminder_cap_choice = forms.ChoiceField(
        label="Check-in reminders a week at most",
        choices=[(ORGANISATION, "The organisation's cap"), (NONE, "No cap"), (OWN, "At most …")],
        widget=forms.RadioSelect,
    )
    reminder_cap = _cap_field("Reminders a week")
    pause = forms.ChoiceField(
        label="Pause e-mail and other channels",
        choices=[
            (NOT_PAUSED, "Not paused"),
            (UNTIL, "Paused until a date (back that day)"),
            (INDEFINITELY, "Paused until I resume"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    paused_until = forms.DateField(
        required=False, label="Until", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, found: PersonPreferences, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.found = found
        for state in found.states:
            name = channel_field_name(state.category, state.channel)
            self.fields[name] = forms.BooleanField(
                required=False, label=f"{state.label} by {state.channel}", disabled=state.locked
            )
            self.initial.setdefault(name, state.on)
            if state.locked:
                self.initial[name] = state.on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._locks_clean()
        if data.get("quiet_hours") == OWN and not (
            data.get("quiet_start") and data.get("quiet_end")
        ):
            self.add_error("quiet_start", "Give the start and the end of your quiet hours.")
        if data.get("reminder_cap_choice") == OWN and data.get("reminder_cap") is None:
            self.add_error("reminder_cap", "Give how many reminders a week at most.")
        if data.get("pause") == UNTIL and data.get("paused_until") is None:
            self.add_error("paused_until", "Give the date you want to hear again.")
        return data

    def _locks_clean(self) -> None:
        """A locked checkbox is disabled; one sent all the same with another value is refused."""
        for state in self.found.states:
            name = channel_field_name(state.category, state.channel)
            if not state.locked or name not in self.data:
                continue
            sent = forms.CheckboxInput().value_from_datadict(self.data, self.files, name)
            if sent != state.on:
                why = f" ({state.reason})" if state.reason else ""
                self.add_error(None, f"{state.label} by {state.channel} is {LOCKED}{why}.")

    def choices(self) -> Choices:
        data = self.cleaned_data
        quiet = {
            ORGANISATION: None,
            NONE: QuietHours(),
            OWN: QuietHours(data["quiet_start"], data["quiet_end"]),
        }[data["quiet_hours"]]
        channels = {
            (s.category, s.channel): bool(data[channel_field_name(s.category, s.channel)])
            for s in self.found.states
            if not s.locked
        }
        return Choices(
            time_zone=data["time_zone"],
            quiet_hours=quiet,
            reminder_cap_own=data["reminder_cap_choice"] != ORGANISATION,
            reminder_cap=data["reminder_cap"] if data["reminder_cap_choice"] == OWN else None,
            paused=bool(data["pause"]),
            paused_until=data["paused_until"] if data["pause"] == UNTIL else None,
            channels=channels,
        )


def _choice_of(own: bool, value: object) -> str:
    return ORGANISATION if not own else (NONE if value is None else OWN)


def preferences_initial(found: PersonPreferences) -> dict[str, Any]:
    """The form's values for what is stored (an unknown time zone is shown blank)."""
    own = found.own
    quiet = own.quiet_hours or QuietHours()
    pause = NOT_PAUSED if not own.paused else (UNTIL if own.paused_until else INDEFINITELY)
    return {
        "version": found.version,
        "time_zone": "" if found.reader.time_zone_unknown else own.time_zone,
        "quiet_hours": _choice_of(own.quiet_hours is not None, quiet.start),
        "quiet_start": quiet.start,
        "quiet_end": quiet.end,
        "reminder_cap_choice": _choice_of(own.reminder_cap_own, own.reminder_cap),
        "reminder_cap": own.reminder_cap,
        "pause": pause,
        "paused_until": own.paused_until,
    }


# --- the organisation's ----------------------------------------------------------------------


class OrganisationForm(Form):
    """The organisation's defaults; per category and channel: on, locked and why."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    time_zone = _time_zone_field(
        "The organisation's time zone",
        "Blank: the TANDEM_TIME_ZONE setting. People who choose none follow it.",
    )
    quiet_start = _time_field("Quiet hours from")
    quiet_end = _time_field("to")
    reminder_cap = _cap_field("Check-in reminders a week at most (blank: no cap)")

    def __init__(self, *args: Any, categories: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for category, label in self.categories:
            for channel in PERSONAL_CHANNELS:
                name = channel_field_name(category, channel)
                what = f"{label} by {channel}"
                self.fields[name] = forms.BooleanField(required=False, label=f"{what}: on")
                self.fields[f"{name}_locked"] = forms.BooleanField(
                    required=False, label=f"{what}: locked"
                )
                self.fields[f"{name}_reason"] = forms.CharField(
                    required=False, max_length=REASON_MAX_LENGTH, label=f"{what}: why locked"
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
            self.add_error("quiet_start", "Give the start and the end of quiet hours, or neither.")
        return data

    def choices(self) -> OrganisationChoices:
        data = self.cleaned_data
        channels = {}
        for category, _label in self.categories:
            for channel in PERSONAL_CHANNELS:
                name = channel_field_name(category, channel)
                channels[category, channel] = ChannelDefault(
                    bool(data[name]), bool(data[f"{name}_locked"]), data[f"{name}_reason"]
                )
        start: time | None = data["quiet_start"]
        return OrganisationChoices(
            time_zone=data["time_zone"],
            quiet_hours=QuietHours(start, data["quiet_end"]),
            reminder_cap=data["reminder_cap"],
            channels=channels,
        )


def organisation_initial(
    org: OrganisationSettings, categories: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "version": org.version,
        "time_zone": org.time_zone_name,
        "quiet_start": org.quiet_start,
        "quiet_end": org.quiet_end,
        "reminder_cap": org.reminder_cap,
    }
    for category, _label in categories:
        for channel in PERSONAL_CHANNELS:
            name = channel_field_name(category, channel)
            default = org.channel(category, channel)
            initial |= {name: default.on, f"{name}_locked": default.locked}
            initial[f"{name}_reason"] = default.reason
    return initial
