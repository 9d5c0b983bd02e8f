"""Admin pages for check-ins: a history to read, never to rewrite.

A check-in is only ever added (a correction is a new check-in), so the admin shows check-ins
and allows no add, change or delete, not even for a superuser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from tandem.checkins.models import CheckIn
from tandem.okrs.models import KeyResult
from tandem.organization.admin import ViewOnlyMixin

if TYPE_CHECKING:
    CheckInAdminBase = admin.ModelAdmin[CheckIn]
    CheckInInlineBase = admin.TabularInline[CheckIn, KeyResult]
else:
    # django-stubs makes these generic; at run time Django's classes are not subscriptable.
    CheckInAdminBase = admin.ModelAdmin
    CheckInInlineBase = admin.TabularInline


@admin.register(CheckIn)
class CheckInAdmin(ViewOnlyMixin, CheckInAdminBase):
    list_display = ["key_result", "date", "value", "confidence", "author", "created_at"]
    list_select_related = ["key_result", "author"]
    list_filter = ["key_result__objective__cycle", "confidence"]
    search_fields = ["key_result__id", "key_result__title", "note", "author__name"]
    date_hierarchy = "date"
    fields = ["key_result", "date", "value", "confidence", "note", "author", "created_at"]
    readonly_fields = ["created_at"]


class CheckInInline(ViewOnlyMixin, CheckInInlineBase):
    """A key result's check-ins, oldest first, on its admin page."""

    model = CheckIn
    fields = ["date", "value", "confidence", "note", "author", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[CheckIn]:
        return super().get_queryset(request).select_related("author")
