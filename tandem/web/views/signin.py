"""The sign-in page's answer once sign-in is paused after too many failures (django-axes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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
    }
    return render(request, "web/login.html", context, status=429)
