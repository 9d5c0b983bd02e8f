"""Settings > Provisioning: the SCIM base URL and the SCIM tokens an identity provider uses
(administrators only). A new token is shown once; revoking asks first (docs/scim.md)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tandem.access.models import ApiToken
from tandem.access.policy import require
from tandem.access.tokens import token_create, token_revoke
from tandem.errors import TandemError
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in
from tandem.web.views.checkin import see_other


class CreateForm(forms.Form):
    name = forms.CharField(label="What uses it", max_length=100, initial="Identity provider")


def _page(request: WebRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    tokens = ApiToken.objects.filter(scope=ApiToken.Scope.SCIM).select_related("person")
    now = timezone.now()
    context = {
        "form": CreateForm(),
        "base_url": request.build_absolute_uri("/scim/v2"),
        "tokens": [(token, token.state(now).value) for token in tokens],
    } | context
    return pages.page(request, "web/settings_provisioning.html", context, status=status)


def _create(request: WebRequest) -> HttpResponse:
    form = CreateForm(request.POST)
    if not form.is_valid():
        return _page(request, {"form": form}, 422)
    if request.caller.person is None:
        form.add_error(None, "Your login has no person in Tandem; a token belongs to a person.")
        return _page(request, {"form": form}, 422)
    try:
        token, raw = token_create(
            person_id=request.caller.person, scope="scim", name=form.cleaned_data["name"]
        )
    except TandemError as exc:
        form.add_error(None, exc.message)
        return _page(request, {"form": form}, 422)
    return _page(request, {"created": token, "raw": raw})


def _scim_token(value: object) -> ApiToken | None:
    token_id = int(value) if isinstance(value, str | int) and str(value).isdigit() else 0
    return ApiToken.objects.filter(pk=token_id, scope=ApiToken.Scope.SCIM).first()


def _revoke(request: WebRequest) -> HttpResponse:
    token = _scim_token(request.POST.get("token"))
    if token is None:
        return _page(request, {"problem": "There is no such SCIM token."}, 404)
    token = token_revoke(token_id_or_prefix=str(token.pk))
    messages.success(request, f"Revoked the SCIM token {token.prefix} ('{token.name}').")
    return see_other(reverse("web:settings_provisioning"))


@require_http_methods(["GET", "POST"])
@signed_in
def settings_provisioning(request: WebRequest) -> HttpResponse:
    """The SCIM base URL and tokens; create one (shown once), revoke one after confirming."""
    require(request.caller.admin, "only administrators set up provisioning")
    if request.method == "GET":
        return _page(request, {"confirm": _scim_token(request.GET.get("revoke"))})
    if request.POST.get("action") == "revoke":
        return _revoke(request)
    return _create(request)


urlpatterns = [path("settings/provisioning", settings_provisioning, name="settings_provisioning")]
