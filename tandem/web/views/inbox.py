"""The inbox page: the caller's notifications, newest first, with links to what they are
about, marking one or all read (the bell in every page's header counts the unread ones; its
tag is :mod:`tandem.web.templatetags.inbox`). Reads and writes are
:mod:`tandem.notifications`'."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from tandem.notifications.selectors import inbox_get
from tandem.notifications.services import inbox_mark_all_read, notification_mark_read
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in
from tandem.web.views.checkin import see_other

# Notifications on one page of the inbox.
PAGE_SIZE = 25


def _page_number(request: WebRequest) -> int:
    asked = request.GET.get("page", "")
    return int(asked) if asked.isdigit() and 0 < int(asked) < 10**6 else 1


def _inbox_url(*, unread: bool, page: int = 1) -> str:
    params = {"unread": "1"} if unread else {}
    if page > 1:
        params["page"] = str(page)
    return reverse("web:inbox") + (f"?{urlencode(params)}" if params else "")


@require_GET
@signed_in
def inbox(request: WebRequest) -> HttpResponse:
    """The caller's notifications, a page at a time; ``?unread=1`` only the unread ones."""
    unread_only = request.GET.get("unread") == "1"
    number = _page_number(request)
    found = inbox_get(
        request.caller.person,
        unread_only=unread_only,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
    )
    context = {
        "nav": "inbox",
        "found": found,
        "unread_only": unread_only,
        "previous": _inbox_url(unread=unread_only, page=number - 1) if number > 1 else "",
        "next": (
            _inbox_url(unread=unread_only, page=number + 1)
            if number * PAGE_SIZE < found.count
            else ""
        ),
        "back": _inbox_url(unread=unread_only, page=number),
    }
    return pages.page(request, "web/inbox.html", context, view=pages.view_of(request))


def _back(request: WebRequest) -> HttpResponseRedirect:
    """Back to the inbox page the form was sent from (only ever an inbox page)."""
    asked = request.POST.get("back", "")
    inbox_path = reverse("web:inbox")
    return see_other(asked if asked.startswith(inbox_path + "?") else inbox_path)


@require_POST
@signed_in
def mark_read(request: WebRequest, notification_id: int) -> HttpResponse:
    """Mark one of the caller's notifications read; another's is the 404 page."""
    notification_mark_read(person_id=request.caller.person, notification_id=notification_id)
    return _back(request)


@require_POST
@signed_in
def mark_all_read(request: WebRequest) -> HttpResponse:
    """Mark all the caller's notifications read."""
    marked = inbox_mark_all_read(person_id=request.caller.person)
    messages.success(request, f"Marked {marked} notification{'' if marked == 1 else 's'} read.")
    return _back(request)


urlpatterns = [
    path("inbox", inbox, name="inbox"),
    path("inbox/read-all", mark_all_read, name="inbox_read_all"),
    path("inbox/<int:notification_id>/read", mark_read, name="inbox_read"),
]
