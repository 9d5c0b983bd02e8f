"""Admin pages for check-ins: a history to read, never to rewrite.

Check-ins are recorded, corrected and withdrawn through the pages and the API, which keep who
changed what and why (``CheckInRevision``); the admin shows them and their revisions and allows
no add, change or delete, not even for a superuser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from tandem.admin_base import ViewOnlyMixin
from tandem.checkins.models import CheckIn, CheckInRevision
from tandem.okrs.admin import KeyResultAdmin
from tandem.okrs.models import KeyResult

if TYPE_CHECKING:
    CheckInAdminBase = admin.ModelAdmin[CheckIn]
    CheckInRevisionAdminBase = admin.ModelAdmin[CheckInRevision]
    CheckInInlineBase = admin.TabularInline[CheckIn, KeyResult]
else:
    # django-stubs makes these generic; at run time Django's classes are not subscriptable.
    CheckInAdminBase = admin.ModelAdmin
    CheckInRevisionAdminBase = admin.ModelAdmin
    CheckInInlineBase = admin.TabularInline


@admin.register(CheckIn)
class CheckInAdmin(ViewOnlyMixin, CheckInAdminBase):
    list_display = [
        "key_result",
        "date",
        "value",
        "confidence",
        "author",
        "created_at",
        "withdrawn",
    ]
    list_select_related = ["key_result", "author"]
    list_filter = ["key_result__objective__cycle", "confidence"]
    search_fields = ["key_result__id", "key_result__title", "note", "author__name"]
    date_hierarchy = "date"
    fields = [
        "key_result",
        "date",
        "value",
        "confidence",
        "note",
        "author",
        "created_at",
        "withdrawn",
    ]
    readonly_fields = ["created_at"]


@admin.register(CheckInRevision)
class CheckInRevisionAdmin(ViewOnlyMixin, CheckInRevisionAdminBase):
    """Each correction or withdrawal: what the check-in said before, who, when and why."""

    list_display = ["checkin", "action", "value", "confidence", "by", "at", "reason"]
    list_select_related = ["checkin", "by"]
    list_filter = ["action"]
    search_fields = ["checkin__key_result__id", "reason", "by__name"]


class CheckInInline(ViewOnlyMixin, CheckInInlineBase):
    """A key result's check-ins, oldest first, on its admin page."""

    model = CheckIn
    fields = ["date", "value", "confidence", "note", "author", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[CheckIn]:
        return super().get_queryset(request).select_related("author")


# A key result's page lists its check-ins last. The inline is added here, by the app above
# okrs, so that okrs/admin.py need not import the check-ins app (tandem/okrs/admin.py).
KeyResultAdmin.inlines = [*KeyResultAdmin.inlines, CheckInInline]
