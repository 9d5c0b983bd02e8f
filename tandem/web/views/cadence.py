"""The cadence settings page (/settings/cadence): when check-in reminders and digests go out,
for the caller (everyone), the teams they lead, and the organisation (admins). Reads and
writes are :mod:`tandem.notifications.cadence_settings`' (which checks who may set what)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.urls import path, reverse

from tandem import clock
from tandem.notifications.cadence_settings import cadence_change, cadence_settings_get
from tandem.web import pages
from tandem.web.forms.cadence import CadenceForm, initial_of
from tandem.web.pages import WebRequest, signed_in
from tandem.web.views.checkin import see_other


def _forms(request: WebRequest, bound: tuple[str, str, CadenceForm] | None) -> list[Any]:
    """Each scope the caller may set, with a form per kind (the one sent back, if any)."""
    found = []
    for scope in cadence_settings_get(request.caller):
        rows = []
        for setting in scope.settings:
            prefix = f"{scope.scope}-{setting.kind}"
            form = CadenceForm(prefix=prefix, initial=initial_of(setting.applies))
            if bound is not None and bound[:2] == (scope.scope, setting.kind):
                form = bound[2]
            rows.append({"setting": setting, "form": form, "prefix": prefix})
        found.append({"scope": scope, "rows": rows})
    return found


def _page(request: WebRequest, bound: Any = None, status: int = 200) -> HttpResponse:
    context = {"nav": "settings", "scopes": _forms(request, bound)}
    view = pages.view_of(request)
    return pages.page(request, "web/cadence.html", context, view=view, status=status)


@signed_in
def cadence(request: WebRequest) -> HttpResponse:
    """GET: the page. POST: save (or clear) one scope's cadence of one kind."""
    if request.method != "POST":
        return _page(request)
    scope, kind = request.POST.get("scope", ""), request.POST.get("kind", "")
    if request.POST.get("action") == "clear":
        said = cadence_change(caller=request.caller, scope=scope, kind=kind, rhythm=None)
    else:
        form = CadenceForm(request.POST, prefix=f"{scope}-{kind}")
        if not form.is_valid():
            return _page(request, (scope, kind, form), status=422)
        rhythm = form.rhythm(clock.today())
        said = cadence_change(caller=request.caller, scope=scope, kind=kind, rhythm=rhythm)
    messages.success(request, said)
    return see_other(reverse("web:cadence"))


urlpatterns = [path("settings/cadence", cadence, name="cadence")]
