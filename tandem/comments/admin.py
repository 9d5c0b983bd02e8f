"""The comments, for the admins: every comment with its words, removed ones included (the
pages show "comment removed" in their place). View only: comments are written, edited and
removed through the app, which reads mentions and keeps who removed what."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from tandem.admin_base import ViewOnlyMixin
from tandem.comments.models import Comment

if TYPE_CHECKING:
    CommentAdminBase = admin.ModelAdmin[Comment]
else:
    # django-stubs makes this generic; at run time Django's class is not subscriptable.
    CommentAdminBase = admin.ModelAdmin


@admin.register(Comment)
class CommentAdmin(ViewOnlyMixin, CommentAdminBase):
    list_display = ["id", "on", "author", "created_at", "edited_at", "removed_at", "removed_by"]
    list_select_related = ["author", "removed_by"]
    list_filter = [("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "author__id", "objective__id", "key_result__id", "dependency__id"]
    fields = [
        "objective",
        "key_result",
        "checkin",
        "dependency",
        "author",
        "text",
        "created_at",
        "edited_at",
        "version",
        "removed_at",
        "removed_by",
    ]

    @admin.display(description="on")
    def on(self, comment: Comment) -> str:
        return f"{comment.target_kind.replace('_', ' ')} {comment.target_id}"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return super().get_queryset(request).select_related("author", "removed_by")
