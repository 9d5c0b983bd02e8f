"""The day the server answers for."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone


def today() -> date:
    """The as-of date of every page and API answer: today in the server's time zone, or the
    date ``TANDEM_TODAY`` pretends it is (demos, training and browser tests)."""
    pretend: date | None = settings.TANDEM_TODAY
    return pretend or timezone.localdate()
