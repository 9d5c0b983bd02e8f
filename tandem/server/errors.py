"""The answers Django gives itself when a request fails before or outside a view (the
``handler400`` ... ``handler500`` of :mod:`tandem.server.urls`).

Under /api/ they are problem details, as every other API error; the web pages keep their HTML
pages. A body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django's 2.5 MB) is 413 on both:
Django raises it as any "suspicious" request, which would otherwise be a plain 400.
"""

from __future__ import annotations

from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

from tandem.api.problems import problem

TOO_LARGE = (
    "the request body is larger than the server takes (2.5 MB); send less at once, "
    "or import large plans with `tandem import`"
)
SERVER_ERROR = (
    "something went wrong on the server; the error is in its log. Read what you were changing "
    "again before you retry a write; if it keeps happening, tell your Tandem admin the time "
    "it happened"
)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    too_large = isinstance(exception, RequestDataTooBig)
    if _is_api(request):
        if too_large:
            return problem(413, "Content too large", TOO_LARGE)
        if isinstance(exception, DisallowedHost):
            detail = (
                "this server does not answer to the host name the request was sent to (its "
                "Host header); its admin lists the names it answers to in TANDEM_ALLOWED_HOSTS"
            )
        else:
            detail = "the server could not understand this request"
        return problem(400, "Bad request", detail)
    if too_large:
        return render(request, "413.html", status=413)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return problem(403, "Forbidden", str(exception) or "you may not do this")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return problem(
            404,
            "Not found",
            f"there is nothing at {request.path}; /api/v1/docs lists the API's addresses",
        )
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return problem(500, "Internal server error", SERVER_ERROR)
    return defaults.server_error(request)
