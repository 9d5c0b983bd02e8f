"""Admin pages for people and teams: who is who, the team tree and its members."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max, QuerySet
from django.http import HttpRequest

from tandem.admin_base import OkrIdForm, OkrObjectAdminMixin, is_within
from tandem.people.models import Membership, Person, Team
from tandem.people.services import person_archive, person_restore

if TYPE_CHECKING:
    PersonAdminBase = admin.ModelAdmin[Person]
    TeamAdminBase = admin.ModelAdmin[Team]
    MembershipInlineBase = admin.TabularInline[Membership, Team]
else:
    # django-stubs makes these generic; at run time Django's classes are not subscriptable.
    PersonAdminBase = TeamAdminBase = admin.ModelAdmin
    MembershipInlineBase = admin.TabularInline


class PersonForm(OkrIdForm):
    class Meta:
        model = Person
        fields = ["id", "name", "email", "manager", "user"]


class ArchivedFilter(admin.SimpleListFilter):
    title = "archived"
    parameter_name = "archived"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", "No"), ("yes", "Yes")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in {"yes", "no"}:
            return queryset.filter(archived_at__isnull=self.value() == "no")
        return queryset


@admin.register(Person)
class PersonAdmin(OkrObjectAdminMixin, PersonAdminBase):
    form = PersonForm
    list_display = ["id", "name", "email", "manager", "has_login", "archived"]
    list_select_related = ["manager"]
    list_filter = [ArchivedFilter, "teams"]
    search_fields = ["id", "name", "email"]
    autocomplete_fields = ["manager", "user"]
    # Archived and restored through the actions (the services switch the login too).
    readonly_fields = ["archived_at"]
    actions = ["archive", "restore"]

    @admin.display(boolean=True, description="login", ordering="user")
    def has_login(self, person: Person) -> bool:
        return person.user_id is not None

    @admin.display(boolean=True, description="archived", ordering="archived_at")
    def archived(self, person: Person) -> bool:
        return person.archived_at is not None

    @admin.action(description="Archive: their history stays, their sign-in stops")
    def archive(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        ids = list(queryset.values_list("id", flat=True))
        for person_id in ids:
            person_archive(person_id=person_id)
        self.message_user(request, f"Archived {len(ids)} {_people(len(ids))}.")

    @admin.action(description="Restore: they sign in and hear from Tandem again")
    def restore(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        ids = list(queryset.values_list("id", flat=True))
        for person_id in ids:
            person_restore(person_id=person_id)
        self.message_user(request, f"Restored {len(ids)} {_people(len(ids))}.")

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: Any) -> None:
        super().save_model(request, obj, form, change)
        # A person signs in with their e-mail too: the login must follow a changed address.
        user = obj.user
        if user is not None and user.email != (obj.email or ""):
            user.email = obj.email or ""
            user.save(update_fields=["email"])


def _people(count: int) -> str:
    return "person" if count == 1 else "people"


class TeamForm(OkrIdForm):
    class Meta:
        model = Team
        fields = ["id", "name", "parent", "lead"]

    def clean_parent(self) -> Team | None:
        parent: Team | None = self.cleaned_data.get("parent")
        team_id = None if self.instance._state.adding else self.instance.pk
        if parent is None:
            roots = Team.objects.filter(is_root=True)
            if team_id is not None:
                roots = roots.exclude(pk=team_id)
            company = roots.first()
            if company is not None:
                raise ValidationError(
                    f"{company} is the company, the one team without a parent; "
                    "choose a parent for this team."
                )
        elif team_id is not None and is_within(Team, parent.pk, team_id):
            raise ValidationError(
                f"{parent} is this team or one of its sub-teams; the parents would form a loop."
            )
        return parent


class MembershipInline(MembershipInlineBase):
    model = Membership
    fields = ["person"]
    autocomplete_fields = ["person"]
    extra = 1


@admin.register(Team)
class TeamAdmin(OkrObjectAdminMixin, TeamAdminBase):
    form = TeamForm
    inlines = [MembershipInline]
    list_display = ["id", "name", "parent", "lead", "member_count"]
    list_select_related = ["parent", "lead"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["id", "name"]
    autocomplete_fields = ["parent", "lead"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, team: Team) -> int:
        count: int = team.member_count  # type: ignore[attr-defined]
        return count

    def save_model(self, request: HttpRequest, obj: Team, form: Any, change: Any) -> None:
        # The one write of teams outside the import: the company is the team without a parent.
        obj.is_root = obj.parent_id is None
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: Any) -> None:
        # New members go after the existing ones (the order an export lists them in).
        members = formset.save(commit=False)
        top = Membership.objects.filter(team=form.instance).aggregate(top=Max("position"))["top"]
        position = -1 if top is None else top
        for membership in members:
            if membership.pk is None:
                position += 1
                membership.position = position
            membership.save()
        for membership in formset.deleted_objects:
            membership.delete()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: Any) -> None:
        super().save_related(request, form, formsets, change)
        # As in an OKR file, the lead is a member too, listed or not: first, as the loader
        # puts them.
        team: Team = form.instance
        if team.lead_id is None or team.memberships.filter(person_id=team.lead_id).exists():
            return
        team.memberships.update(position=F("position") + 1)
        Membership.objects.create(team=team, person_id=team.lead_id, position=0)
