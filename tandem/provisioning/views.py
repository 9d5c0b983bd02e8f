"""``/scim/v2``: one thin view between Django and scim2-server's protocol core."""

from __future__ import annotations

import json
import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from scim2_models import (
    PayloadTooLargeException,
    SCIMException,
    TooManyException,
    UnauthorizedException,
)
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.routing import Operation

from tandem.access.throttle import bad_token_record
from tandem.access.tokens import token_holder
from tandem.provisioning.scim import HANDLER, MAX_BODY_BYTES, SERVICE, ScimCaller

log = logging.getLogger(__name__)


@csrf_exempt
def scim(request: HttpRequest, path: str | None = None) -> HttpResponse:
    """Serve a SCIM request; every error is a SCIM error document."""
    scim_request = ScimRequest(
        method=request.method or "GET",
        base_url=request.build_absolute_uri("/scim/v2"),
        path="/" + (path or "").removesuffix(".scim"),
        query=request.GET.dict(),
        headers=dict(request.headers),
    )
    try:
        scim_request.body = _body(request)
        scim_request.subject = _caller(request, scim_request)
        response = HANDLER.handle(scim_request)
    except Exception as error:
        if not isinstance(error, SCIMException):
            log.exception("SCIM request failed")
        response = SERVICE.error_response(error)
    return _http_response(response, scim_request.url)


def _body(request: HttpRequest) -> bytes:
    length = request.headers.get("Content-Length") or "0"
    if not length.isdigit() or int(length) > MAX_BODY_BYTES:
        raise _too_large()
    try:
        return request.body
    except RequestDataTooBig:  # no Content-Length: Django stops reading at its own limit
        raise _too_large() from None


def _too_large() -> PayloadTooLargeException:
    return PayloadTooLargeException(
        detail=f"the request body is over {MAX_BODY_BYTES} bytes, Tandem's limit (one user "
        "or group a request)"
    )


def _caller(request: HttpRequest, scim_request: ScimRequest) -> ScimCaller | None:
    """The admin whose SCIM token the request carries; None for the one endpoint anyone
    may read (ServiceProviderConfig)."""
    scheme, _, raw = (request.headers.get("Authorization") or "").partition(" ")
    holder = token_holder(raw.strip()) if scheme.lower() == "bearer" else None
    if holder is not None and holder.scope == "scim":
        return ScimCaller(holder.token_id, holder.person_id, holder.admin)
    if SERVICE.match(scim_request).operation is Operation.service_provider_config:
        return None
    if holder is None and raw and bad_token_record(request) is not None:
        raise TooManyException(
            detail="too many requests with an unknown, revoked or expired token; wait, then "
            "send a valid SCIM token"
        )
    raise UnauthorizedException(
        detail="send an admin's SCIM token as 'Authorization: Bearer <token>' (personal API "
        "tokens are not SCIM tokens); create one in Settings > Provisioning"
    )


def _http_response(response: ScimResponse, url: str) -> HttpResponse:
    body = b"" if response.body is None else json.dumps(response.body).encode()
    http = HttpResponse(body, status=response.status.value)
    for name, value in response.headers.items():
        http[name] = value
    http.setdefault("Cache-Control", "no-cache")
    return http
