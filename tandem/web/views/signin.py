"""The sign-in page, and its answer once sign-in is paused after too many failures (django-axes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.people.oidc import sso_enabled


def sign_in_paused(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the sign-in page again, saying how long to wait (429).

    The API answers its own 429 (a problem document, see :mod:`tandem.api.auth`); its answer is
    kept as it is.
    """
    if request.path.startswith("/api/") and original_response is not None:
        return original_response
    typed = request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": typed})
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        "paused_minutes": settings.TANDEM_LOGIN_COOLOFF_MINUTES,
        "sso_provider": settings.TANDEM_OIDC_PROVIDER_NAME if sso_enabled() else None,
        "password_sign_in": settings.TANDEM_PASSWORD_SIGN_IN,
    }
    return render(request, "web/login.html", context, status=429)


class SignInView(LoginView):
    """The sign-in page: "Sign in with <provider>" when single sign-on is set up, and the
    password form unless ``TANDEM_PASSWORD_SIGN_IN`` is false (then a password is refused)."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.TANDEM_PASSWORD_SIGN_IN:
            context = self.get_context_data(password_refused=True)
            return render(request, self.template_name, context, status=403)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["sso_provider"] = settings.TANDEM_OIDC_PROVIDER_NAME if sso_enabled() else None
        context["password_sign_in"] = settings.TANDEM_PASSWORD_SIGN_IN
        return context
