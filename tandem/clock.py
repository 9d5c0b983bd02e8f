"""The day Tandem answers for: the one rule for "today", below every app so each may ask it.

A pretended date (``TANDEM_TODAY``, for demos, training and browser tests) wins over the real
one. The server, its pages, API and services ask :func:`today`; the CLI's file commands, which
run without Django's settings, ask :func:`calendar_today` with the pretended date they read.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone


def today() -> date:
    """The as-of date of every page and API answer: today in the server's time zone, or the
    date ``TANDEM_TODAY`` pretends it is (demos, training and browser tests)."""
    pretend: date | None = settings.TANDEM_TODAY
    return pretend or timezone.localdate()


def calendar_today(pretend: date | None) -> date:
    """Today outside the server (the CLI on files, no Django settings): ``pretend``, or the
    machine's calendar day in its local time."""
    return pretend or date.today()  # noqa: DTZ011 - the as-of date is a calendar day in local time
