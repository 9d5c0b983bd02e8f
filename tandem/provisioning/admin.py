"""The admin page of what identity providers said (read-only: SCIM writes it), for support:
which person or team a SCIM resource is, its userName and externalId, and the payload."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from tandem.admin_base import ViewOnlyMixin
from tandem.provisioning.models import ScimResource

if TYPE_CHECKING:
    ScimResourceAdminBase = admin.ModelAdmin[ScimResource]
else:
    # django-stubs makes this generic; at run time Django's class is not subscriptable.
    ScimResourceAdminBase = admin.ModelAdmin


@admin.register(ScimResource)
class ScimResourceAdmin(ViewOnlyMixin, ScimResourceAdminBase):
    list_display = ["person", "team", "user_name", "display_name", "external_id", "updated_at"]
    list_select_related = ["person", "team"]
    search_fields = ["user_name", "display_name", "external_id", "person__id", "team__id"]
