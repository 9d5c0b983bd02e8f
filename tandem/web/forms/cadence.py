"""The cadence form of the settings page: a weekday, a local time, every N weeks."""

from __future__ import annotations

from datetime import date

from django import forms

from tandem.notifications.cadence import WEEKDAYS, Rhythm


class CadenceForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Day", choices=list(enumerate(WEEKDAYS)), coerce=int)
    at = forms.TimeField(
        label="Time",
        help_text="In each reader's own time zone, 24-hour clock (09:00).",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Write the time as HH:MM, e.g. 09:00."},
    )
    every_weeks = forms.IntegerField(
        label="Every … weeks",
        min_value=1,
        max_value=52,
        error_messages={
            "min_value": "At least every week (1).",
            "max_value": "At most every 52 weeks.",
        },
    )

    def rhythm(self, today: date) -> Rhythm:
        """The cadence typed, counting its weeks from this week."""
        data = self.cleaned_data
        return Rhythm(data["weekday"], data["at"], data["every_weeks"], starts_on=today)


def initial_of(rhythm: Rhythm) -> dict[str, object]:
    return {"weekday": rhythm.weekday, "at": rhythm.at, "every_weeks": rhythm.every_weeks}
