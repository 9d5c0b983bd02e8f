"""Admin pages for dependencies and the history of their states.

A dependency's state changes through the app, which records who changed it, when and why as a
:class:`DependencyEvent`; an edit here would change the state without that record. So both are
shown, with search and filters, and never edited in the admin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from tandem.admin_base import ViewOnlyMixin
from tandem.dependencies.models import Dependency, DependencyEvent

if TYPE_CHECKING:
    DependencyAdminBase = admin.ModelAdmin[Dependency]
    DependencyEventAdminBase = admin.ModelAdmin[DependencyEvent]
    DependencyEventInlineBase = admin.TabularInline[DependencyEvent, Dependency]
else:
    # django-stubs makes these generic; at run time Django's classes are not subscriptable.
    DependencyAdminBase = DependencyEventAdminBase = admin.ModelAdmin
    DependencyEventInlineBase = admin.TabularInline


class DependencyEventInline(ViewOnlyMixin, DependencyEventInlineBase):
    """The state history, oldest first."""

    model = DependencyEvent
    fields = ["at", "from_state", "to_state", "by", "reason"]
    readonly_fields = ["at"]
    verbose_name = "state change"
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[DependencyEvent]:
        return super().get_queryset(request).select_related("by")


@admin.register(Dependency)
class DependencyAdmin(ViewOnlyMixin, DependencyAdminBase):
    list_display = ["id", "need", "needed_by", "provider", "state", "due", "provider_kr"]
    list_select_related = ["from_key_result", "from_objective", "provider", "provider_kr"]
    list_filter = ["state", "provider"]
    search_fields = ["id", "need", "from_key_result__id", "from_objective__id"]
    fields = [
        "id",
        "need",
        "from_key_result",
        "from_objective",
        "provider",
        "state",
        "due",
        "provider_kr",
    ]
    inlines = [DependencyEventInline]

    @admin.display(description="needed by")
    def needed_by(self, dependency: Dependency) -> str:
        return dependency.from_id


@admin.register(DependencyEvent)
class DependencyEventAdmin(ViewOnlyMixin, DependencyEventAdminBase):
    list_display = ["dependency", "from_state", "to_state", "by", "at"]
    list_select_related = ["dependency", "by"]
    list_filter = ["to_state"]
    search_fields = ["dependency__id", "reason", "by__name"]
    date_hierarchy = "at"
    fields = ["dependency", "from_state", "to_state", "by", "at", "reason"]
    readonly_fields = ["at"]
