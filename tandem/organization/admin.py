"""The admin page for the organisation's settings, and what every Tandem admin page shares.

The admin site is for an organisation's admins: they manage people, teams, cycles and the
settings here. Objectives, key results, check-ins and dependencies are shown for support but
not edited: they are written through the app and ``tandem import``, whose services check what
the admin's generic forms cannot (and keep the history of check-ins and dependency states).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from tandem.dependencies.models import Dependency
from tandem.okrs.models import Cycle, KeyResult, Objective
from tandem.organization.models import OrganizationSettings
from tandem.people.models import Person, Team

if TYPE_CHECKING:
    SettingsAdminBase = admin.ModelAdmin[OrganizationSettings]
    SettingsFormBase = forms.ModelForm[OrganizationSettings]
    OkrIdFormBase = forms.ModelForm[Any]
else:
    # django-stubs makes these generic; at run time Django's classes are not subscriptable.
    SettingsAdminBase = admin.ModelAdmin
    SettingsFormBase = OkrIdFormBase = forms.ModelForm

# Every id names one object in the organisation: people, teams, cycles, objectives, key
# results and dependencies share one namespace (SPEC section 1), or exports would not load.
ID_KINDS: tuple[tuple[str, type[models.Model]], ...] = (
    ("person", Person),
    ("team", Team),
    ("cycle", Cycle),
    ("objective", Objective),
    ("key result", KeyResult),
    ("dependency", Dependency),
)


def id_kind_in_use(object_id: str) -> str | None:
    """The kind of object that already has ``object_id``, or None when it is free."""
    for kind, model in ID_KINDS:
        if model._default_manager.filter(pk=object_id).exists():
            return kind
    return None


def is_within(model: type[Team | Cycle], node_id: str, ancestor_id: str) -> bool:
    """Whether ``node_id`` is ``ancestor_id`` or below it in the ``parent`` tree of ``model``.

    One query for the whole tree; a loop already in the data ends the walk instead of hanging.
    """
    parents: dict[str, str | None] = dict(model._default_manager.values_list("id", "parent_id"))
    seen: set[str] = set()
    current: str | None = node_id
    while current is not None and current not in seen:
        if current == ancestor_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


class OkrIdForm(OkrIdFormBase):
    """A form for an object with an OKR-file id: a new id must be free in every kind."""

    def clean_id(self) -> str:
        object_id: str = self.cleaned_data["id"]
        kind = id_kind_in_use(object_id)
        if kind is not None:
            raise ValidationError(
                f"'{object_id}' is already the id of a {kind}; ids are unique across people, "
                "teams, cycles, objectives, key results and dependencies."
            )
        return object_id


class OkrObjectAdminMixin:
    """Editing objects that have an OKR-file id and a place in the file's order.

    The id is the primary key: changing it in a form would save a copy under the new id, so it
    is read-only once the object exists. A new object goes after the existing ones, so exports
    list it last, as an import of a longer file would.
    """

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return ["id", *fields] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: Any) -> None:
        if not change:
            top = type(obj)._default_manager.aggregate(top=models.Max("position"))["top"]
            obj.position = (top or 0) + 1
        super().save_model(request, obj, form, change)  # type: ignore[misc]


class ViewOnlyMixin:
    """No add, change or delete in the admin, for any user (viewing stays with permissions)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
