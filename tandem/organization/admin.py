"""The admin page for the organisation's settings.

What every Tandem admin page shares lives in ``tandem.admin_base``, below every app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from tandem.organization.models import OrganizationSettings

if TYPE_CHECKING:
    SettingsAdminBase = admin.ModelAdmin[OrganizationSettings]
    SettingsFormBase = forms.ModelForm[OrganizationSettings]
else:
    # django-stubs makes these generic; at run time Django's classes are not subscriptable.
    SettingsAdminBase = admin.ModelAdmin
    SettingsFormBase = forms.ModelForm


class OrganizationSettingsForm(SettingsFormBase):
    class Meta:
        model = OrganizationSettings
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        # The same rules as the OKR file's `settings`, so an export always imports again.
        cleaned = super().clean() or {}
        on_track = cleaned.get("on_track_confidence")
        at_risk = cleaned.get("at_risk_confidence")
        if on_track is not None and at_risk is not None and at_risk > on_track:
            self.add_error(
                "at_risk_confidence",
                f"Must not be above the on-track confidence ({at_risk} > {on_track}).",
            )
        for name in ("max_objectives_per_owner", "max_key_results_per_objective"):
            if cleaned.get(name) == 0:
                self.add_error(name, "Must be 1 or more.")
        if cleaned.get("overlap_threshold") == 0:
            self.add_error("overlap_threshold", "Must be above 0 (and at most 1).")
        return cleaned


@admin.register(OrganizationSettings)
class OrganizationSettingsAdmin(SettingsAdminBase):
    """The one row of settings: it can be changed, never added twice or deleted."""

    form = OrganizationSettingsForm
    list_display = ["name", "on_track_confidence", "at_risk_confidence", "stale_after_days"]
    fieldsets = [
        (None, {"fields": ["name"]}),
        ("Health", {"fields": ["on_track_confidence", "at_risk_confidence", "stale_after_days"]}),
        (
            "Coaching (lint)",
            {
                "fields": [
                    "max_objectives_per_owner",
                    "max_key_results_per_objective",
                    "individual_share_limit",
                    "overlap_threshold",
                ]
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        exists = OrganizationSettings.objects.filter(pk=OrganizationSettings.SINGLETON).exists()
        return not exists and super().has_add_permission(request)

    def has_delete_permission(
        self, request: HttpRequest, obj: OrganizationSettings | None = None
    ) -> bool:
        return False
