"""The admin pages for API tokens (who holds which, and when each was last used) and for the
failures that pause a sign-in or an address's bad tokens.

Read-only: tokens are created and revoked with ``tandem token``, which shows a new token once.
The page never shows a token's hash, only its public prefix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils import timezone

from tandem.access.models import ApiToken
from tandem.admin_base import ViewOnlyMixin

if TYPE_CHECKING:
    ApiTokenAdminBase = admin.ModelAdmin[ApiToken]
else:
    # django-stubs makes these generic; at run time Django's classes are not subscriptable.
    ApiTokenAdminBase = admin.ModelAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ViewOnlyMixin, ApiTokenAdminBase):
    list_display = [
        "prefix",
        "person",
        "name",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_select_related = ["person"]
    list_filter = ["scope", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["prefix", "name", "person__id", "person__name"]
    fields = [
        "prefix",
        "person",
        "name",
        "scope",
        "state",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = ["state", "created_at"]
    date_hierarchy = "created_at"

    @admin.display(description="state")
    def state(self, token: ApiToken) -> str:
        return token.state(timezone.now()).label


# Failed sign-ins and bad API tokens that count towards a pause (tandem/access/throttle.py):
# deleting a row lifts its pause. django-axes' own admin pages are off (AXES_ENABLE_ADMIN): its
# logs of every sign-in are not kept.
admin.site.register(AccessAttempt, AccessAttemptAdmin)
