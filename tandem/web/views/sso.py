"""Single sign-on pages: off to the identity provider, back from it, and signing out of both
(the checks are in tandem/people/oidc.py, the writes in tandem/people/sso.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from tandem.people.oidc import discovery, oidc_setting, sso_enabled
from tandem.people.sso import SignInRefusedError


def refused(request: HttpRequest, reason: str) -> HttpResponse:
    """The page that says why single sign-on was refused (403); nobody is signed in."""
    if request.user.is_authenticated:
        auth.logout(request)
    return render(request, "web/sso_refused.html", {"reason": reason}, status=403)


class SsoStart(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """``/sso/start``: off to the provider (code flow, PKCE S256, state and nonce kept)."""

    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not sso_enabled():
            raise Http404("single sign-on is not set up")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
            self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
            return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]
        except SignInRefusedError as exc:
            return refused(request, str(exc))

    def __init__(self, **kwargs: object) -> None:  # the provider is read in dispatch
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)


class SsoCallback(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """``/sso/callback``: the provider's answer, checked; the person signed in, or told why not."""

    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not sso_enabled():
            raise Http404("single sign-on is not set up")
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]
        except SignInRefusedError as exc:
            return refused(request, str(exc))
        except SuspiciousOperation:
            return refused(request, _USED)

    def login_failure(self) -> HttpResponse:
        error = self.request.GET.get("error_description") or self.request.GET.get("error")
        return refused(self.request, f"The identity provider said: {error}." if error else _USED)


_USED = (
    "This sign-in answer was already used, belongs to another browser, or came too late. "
    "Nothing was changed; start the sign-in again."
)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Ends the Tandem session; after single sign-on, the provider's too when it offers it."""
    id_token = request.session.get("oidc_id_token")
    auth.logout(request)
    back = request.build_absolute_uri(reverse("login"))
    if not (id_token and sso_enabled()):
        return HttpResponseRedirect(back)
    try:
        end = discovery().get("end_session_endpoint")
    except SignInRefusedError:
        end = None
    if not end:
        return HttpResponseRedirect(back)
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": back})
    return HttpResponseRedirect(f"{end}?{query}")
