"""The bell in every page's header: a link to the inbox with the caller's unread count."""

from __future__ import annotations

from typing import Any

from django import template

from tandem.notifications.selectors import inbox_unread_count
from tandem.people.models import Person

register = template.Library()


@register.inclusion_tag("web/_bell.html", takes_context=True)
def inbox_bell(context: template.Context) -> dict[str, Any]:
    """The bell for the signed-in user: their unread count (one query; a second for a page
    that did not look up the caller, such as the password change)."""
    request = context.get("request")
    caller = getattr(request, "caller", None)
    person_id: str | None = None
    if caller is not None:
        person_id = caller.person
    else:
        user_id = getattr(getattr(request, "user", None), "pk", None)
        if user_id is not None:
            mine = Person.objects.filter(user_id=user_id).values_list("id", flat=True)
            person_id = mine.first()
    return {"unread": inbox_unread_count(person_id), "nav": context.get("nav")}
