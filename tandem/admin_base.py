"""What every Tandem admin page shares: the id form, the OKR-object mixin, view-only pages.

The admin site is for an organisation's admins: they manage people, teams, cycles and the
settings. Objectives, key results, check-ins and dependencies are shown for support but not
edited: they are written through the app and ``tandem import``, whose services check what the
admin's generic forms cannot (and keep the history of check-ins and dependency states).

It sits below every app (each app's ``admin.py`` imports it), so it names no app's models:
the id namespace is ``tandem.identifiers``'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from tandem.identifiers import id_kind_in_use

if TYPE_CHECKING:
    OkrIdFormBase = forms.ModelForm[Any]
else:
    # django-stubs makes this generic; at run time Django's class is not subscriptable.
    OkrIdFormBase = forms.ModelForm


def is_within(model: type[models.Model], node_id: str, ancestor_id: str) -> bool:
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
