"""The settings pages: an index, a person's notification preferences and (admins only) the
organisation's defaults and locks. Reads and writes are
:mod:`tandem.notifications.preference_services`'; saves carry the version read, so two tabs or
two admins never silently overwrite each other (the form comes back with what is stored and
what was typed)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem import clock
from tandem.access.policy import require
from tandem.errors import InvalidError, StaleVersionError
from tandem.notifications.models import Category
from tandem.notifications.preference_services import (
    LockedError,
    organisation_defaults_update,
    preferences_get,
    preferences_update,
)
from tandem.notifications.preferences import (
    PERSONAL_CHANNELS,
    known_time_zones,
    organisation_settings_get,
)
from tandem.web import pages
from tandem.web.forms.preferences import (
    OrganisationForm,
    PreferencesForm,
    channel_field_name,
    organisation_initial,
    preferences_initial,
)
from tandem.web.pages import WebRequest, signed_in
from tandem.web.views.checkin import see_other
from tandem.web.views.editing_shared import mark_stale, typed_changes

CATEGORIES = [(c.value, str(c.label)) for c in Category]
# What a stale save names: "Someone else saved this page while you were editing it".
STALE_SUBJECT = {"id": "this page"}


@require_GET
@signed_in
def settings_index(request: WebRequest) -> HttpResponse:
    """The settings a signed-in person may change (and an admin, the organisation's)."""
    return pages.page(request, "web/settings.html", {"nav": "settings"})


def _rows(form: PreferencesForm) -> list[dict[str, Any]]:
    """The table of categories by channels: each cell its checkbox and its state."""
    return [
        {
            "label": label,
            "cells": [
                {
                    "field": form[channel_field_name(category, channel)],
                    "state": form.found.state(category, channel),
                }
                for channel in PERSONAL_CHANNELS
            ],
        }
        for category, label in CATEGORIES
    ]


def _preferences_page(
    request: WebRequest, form: PreferencesForm, status: int = 200
) -> HttpResponse:
    context = {
        "nav": "settings",
        "stale_subject": STALE_SUBJECT,
        "form": form,
        "found": form.found,
        "rows": _rows(form),
        "channels": PERSONAL_CHANNELS,
        "time_zones": sorted(known_time_zones()),
    }
    return pages.page(request, "web/settings_notifications.html", context, status=status)


def _fresh_form(person_id: str | None) -> PreferencesForm:
    found = preferences_get(person_id)
    return PreferencesForm(initial=preferences_initial(found), found=found)


def _preferences_save(request: WebRequest, form: PreferencesForm) -> tuple[PreferencesForm, int]:
    """Save, or the form again with why not (0: saved)."""
    try:
        preferences_update(
            person_id=request.caller.person,
            version=form.cleaned_data["version"],
            choices=form.choices(),
            today=clock.today(),
        )
    except StaleVersionError:
        fresh = _fresh_form(request.caller.person)
        mark_stale(fresh, typed_changes(form))
        return fresh, 409
    except (InvalidError, LockedError) as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return form, exc.status
    return form, 0


@require_http_methods(["GET", "POST"])
@signed_in
def notification_settings(request: WebRequest) -> HttpResponse:
    """A person's notification preferences; saving shows them again with a confirmation."""
    if request.method != "POST":
        return _preferences_page(request, _fresh_form(request.caller.person))
    found = preferences_get(request.caller.person)
    form = PreferencesForm(request.POST, initial=preferences_initial(found), found=found)
    if not form.is_valid():
        return _preferences_page(request, form, 422)
    form, status = _preferences_save(request, form)
    if status:
        return _preferences_page(request, form, status)
    messages.success(request, "Your notification preferences are saved.")
    return see_other(reverse("web:settings_notifications"))


def _organisation_page(
    request: WebRequest, form: OrganisationForm, status: int = 200
) -> HttpResponse:
    rows = [
        {
            "label": label,
            "cells": [
                {
                    "on": form[name],
                    "locked": form[f"{name}_locked"],
                    "reason": form[f"{name}_reason"],
                }
                for name in (channel_field_name(category, ch) for ch in PERSONAL_CHANNELS)
            ],
        }
        for category, label in CATEGORIES
    ]
    context = {
        "nav": "settings",
        "stale_subject": STALE_SUBJECT,
        "form": form,
        "rows": rows,
        "org": organisation_settings_get(),
        "time_zones": sorted(known_time_zones()),
    }
    return pages.page(request, "web/settings_organisation.html", context, status=status)


def _fresh_organisation_form() -> OrganisationForm:
    initial = organisation_initial(organisation_settings_get(), CATEGORIES)
    return OrganisationForm(initial=initial, categories=CATEGORIES)


def _organisation_save(form: OrganisationForm) -> tuple[OrganisationForm, int]:
    try:
        organisation_defaults_update(version=form.cleaned_data["version"], choices=form.choices())
    except StaleVersionError:
        fresh = _fresh_organisation_form()
        mark_stale(fresh, typed_changes(form))
        return fresh, 409
    except InvalidError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return form, 422
    return form, 0


@require_http_methods(["GET", "POST"])
@signed_in
def organisation_settings(request: WebRequest) -> HttpResponse:
    """The organisation's notification defaults and locks (admins only: others get 403)."""
    require(request.caller.admin, "only administrators set the organisation's defaults")
    if request.method != "POST":
        return _organisation_page(request, _fresh_organisation_form())
    initial = organisation_initial(organisation_settings_get(), CATEGORIES)
    form = OrganisationForm(request.POST, initial=initial, categories=CATEGORIES)
    if not form.is_valid():
        return _organisation_page(request, form, 422)
    form, status = _organisation_save(form)
    if status:
        return _organisation_page(request, form, status)
    messages.success(request, "The organisation's notification defaults are saved.")
    return see_other(reverse("web:settings_organisation"))


urlpatterns = [
    path("settings", settings_index, name="settings"),
    path("settings/notifications", notification_settings, name="settings_notifications"),
    path(
        "settings/organisation/notifications",
        organisation_settings,
        name="settings_organisation",
    ),
]
