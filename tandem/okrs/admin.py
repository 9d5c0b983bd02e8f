"""Admin pages for cycles (managed here) and for objectives and key results (shown here).

Objectives and key results are written through the app and ``tandem import``; the admin lists
them with search and filters so an admin can find one when supporting a user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from tandem.admin_base import (
    OkrIdForm,
    OkrObjectAdminMixin,
    ViewOnlyMixin,
    is_within,
)
from tandem.okrs.models import Contributor, Cycle, KeyResult, Milestone, Objective, UmbrellaTeam

if TYPE_CHECKING:
    CycleAdminBase = admin.ModelAdmin[Cycle]
    ObjectiveAdminBase = admin.ModelAdmin[Objective]
    KeyResultAdminBase = admin.ModelAdmin[KeyResult]
    KeyResultInlineBase = admin.TabularInline[KeyResult, Objective]
    UmbrellaTeamInlineBase = admin.TabularInline[UmbrellaTeam, Objective]
    ContributorInlineBase = admin.TabularInline[Contributor, KeyResult]
    MilestoneInlineBase = admin.TabularInline[Milestone, KeyResult]
else:
    # django-stubs makes these generic; at run time Django's classes are not subscriptable.
    CycleAdminBase = ObjectiveAdminBase = KeyResultAdminBase = admin.ModelAdmin
    KeyResultInlineBase = UmbrellaTeamInlineBase = admin.TabularInline
    ContributorInlineBase = MilestoneInlineBase = admin.TabularInline


class CycleForm(OkrIdForm):
    class Meta:
        model = Cycle
        fields = ["id", "parent", "start", "end", "state"]

    def clean(self) -> dict[str, Any]:
        # The rules an OKR file's cycles follow, so an export always imports again.
        cleaned = super().clean() or {}
        parent: Cycle | None = cleaned.get("parent")
        start, end = cleaned.get("start"), cleaned.get("end")
        cycle_id = None if self.instance._state.adding else self.instance.pk
        if parent is not None and cycle_id is not None and is_within(Cycle, parent.pk, cycle_id):
            self.add_error("parent", f"{parent.pk} is this cycle or lies inside it: a loop.")
        elif parent and start and end and not (parent.start <= start and end <= parent.end):
            self.add_error(
                None,
                f"The cycle must lie inside its parent {parent.pk} "
                f"({parent.start} – {parent.end}).",
            )
        if cycle_id is not None and start and end:
            outside = Cycle.objects.filter(parent_id=cycle_id).filter(
                Q(start__lt=start) | Q(end__gt=end)
            )
            names = ", ".join(child.pk for child in outside)
            if names:
                self.add_error(None, f"These cycles inside this one would fall outside: {names}.")
        return cleaned


@admin.register(Cycle)
class CycleAdmin(OkrObjectAdminMixin, CycleAdminBase):
    form = CycleForm
    list_display = ["id", "start", "end", "state", "parent"]
    list_select_related = ["parent"]
    list_filter = ["state"]
    search_fields = ["id"]
    autocomplete_fields = ["parent"]
    date_hierarchy = "start"

    def get_readonly_fields(self, request: HttpRequest, obj: Cycle | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state == Cycle.State.CLOSED:
            # A closed cycle is read-only but for grading; reopen it to change its dates.
            fields += ["parent", "start", "end"]
        return fields


class LevelFilter(admin.SimpleListFilter):
    """Company (owned by the root team), team or individual (owned by a person)."""

    title = "level"
    parameter_name = "level"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [("company", "company"), ("team", "team"), ("individual", "individual")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        match self.value():
            case "company":
                return queryset.filter(owner_team__is_root=True)
            case "team":
                return queryset.filter(owner_team__is_root=False)
            case "individual":
                return queryset.filter(owner_person__isnull=False)
        return queryset


class KeyResultInline(ViewOnlyMixin, KeyResultInlineBase):
    model = KeyResult
    fields = ["id", "title", "owner", "form", "weight"]
    show_change_link = True
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[KeyResult]:
        return super().get_queryset(request).select_related("owner")


class UmbrellaTeamInline(ViewOnlyMixin, UmbrellaTeamInlineBase):
    model = UmbrellaTeam
    fields = ["team"]
    verbose_name = "umbrella team"
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[UmbrellaTeam]:
        return super().get_queryset(request).select_related("team")


@admin.register(Objective)
class ObjectiveAdmin(ViewOnlyMixin, ObjectiveAdminBase):
    list_display = ["id", "title", "cycle", "owner", "level", "kind", "visibility"]
    list_select_related = ["cycle", "owner_team", "owner_person"]
    list_filter = ["cycle", "kind", "visibility", LevelFilter, "is_umbrella"]
    search_fields = ["id", "title"]
    fields = [
        "id",
        "title",
        "description",
        "cycle",
        "owner_team",
        "owner_person",
        "kind",
        "visibility",
        "aligns_to",
        "is_umbrella",
        "umbrella_owner",
    ]
    inlines = [KeyResultInline, UmbrellaTeamInline]

    @admin.display(description="owner")
    def owner(self, objective: Objective) -> str:
        return str(objective.owner_team or objective.owner_person)

    @admin.display(description="level")
    def level(self, objective: Objective) -> str:
        if objective.owner_team is None:
            return "individual"
        return "company" if objective.owner_team.is_root else "team"


class ContributorInline(ViewOnlyMixin, ContributorInlineBase):
    model = Contributor
    fields = ["person", "team"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Contributor]:
        return super().get_queryset(request).select_related("person", "team")


class MilestoneInline(ViewOnlyMixin, MilestoneInlineBase):
    model = Milestone
    fields = ["title", "weight", "done_on"]
    extra = 0


@admin.register(KeyResult)
class KeyResultAdmin(ViewOnlyMixin, KeyResultAdminBase):
    list_display = ["id", "title", "objective", "owner", "form", "weight"]
    list_select_related = ["objective", "owner"]
    list_filter = ["objective__cycle", "form", "objective__kind"]
    search_fields = ["id", "title"]
    fields = [
        "id",
        "objective",
        "title",
        "description",
        "owner",
        "weight",
        "since",
        "form",
        "start",
        "target",
        "threshold",
        "unit",
        "override_score",
        "override_reason",
        "override_by",
        "override_at",
    ]
    # The check-ins app, above this one, appends its CheckInInline (tandem/checkins/admin.py).
    inlines = [MilestoneInline, ContributorInline]
