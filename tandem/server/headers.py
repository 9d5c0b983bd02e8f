"""Response headers Django has no setting for: Permissions-Policy on every answer, and
``Cache-Control: private, no-store`` on what is for one person only.

The Content-Security-Policy is django-csp's (``CONTENT_SECURITY_POLICY`` in the settings).
Static files never get here: WhiteNoise answers them before this middleware, cacheable.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

# Powerful features no page of Tandem uses: denied to the pages and to anything they embed.
# Only features Chromium knows: it reports any other name as an error on every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PrivacyHeadersMiddleware:
    """Adds Permissions-Policy to every response, and keeps out of every cache (the
    browser's back/forward one included, and any proxy's) the API's answers, whoever asks,
    and whatever a signed-in person is shown: pages, exports, fragments and redirects.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # No user when the request failed before authentication (a host not allowed).
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response
