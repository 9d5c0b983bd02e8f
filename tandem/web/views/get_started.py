"""The home page of a Tandem that has no objectives yet: the first admin's "Get started"
steps (sign-in with the identity provider, people and teams, the OKRs, the alignment map)
with what is done so far; everyone else is told their admin is setting Tandem up."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse

from tandem.organization.onboarding import SetUp
from tandem.people.oidc import sso_enabled
from tandem.web import pages
from tandem.web.pages import WebRequest


def get_started_page(request: WebRequest, set_up: SetUp, status: int = 200) -> HttpResponse:
    """The steps for an admin, the friendly empty state for anyone else."""
    context = {"nav": "home", "page_name": "home", "set_up": set_up}
    view = pages.view_of(request)  # the navigation: the caller's name and teams
    if not request.caller.admin:
        return pages.page(request, "web/home_setting_up.html", context, view=view, status=status)
    sso = sso_enabled()
    context |= {
        "sso": sso,
        "sso_provider": settings.TANDEM_OIDC_PROVIDER_NAME if sso else "",
    }
    return pages.page(request, "web/home_get_started.html", context, view=view, status=status)
