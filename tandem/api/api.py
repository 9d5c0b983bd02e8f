"""The API object: authentication, problem responses and the routers, at /api/v1."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

from tandem.api import (
    attention,
    checkins,
    comments,
    dependencies,
    editing,  # noqa: F401 (adds the writes to the objectives router)
    inbox,
    insight,
    objectives,
    organization,
    preferences,
    reports,
    reviews,
    statistics,
)
from tandem.api.auth import SessionCallerAuth, TokenAuth
from tandem.api.problems import (
    PROBLEM_JSON,
    on_authentication_error,
    on_http_error,
    on_not_found,
    on_tandem_error,
    on_validation_error,
)
from tandem.errors import TandemError


class OrjsonRenderer(BaseRenderer):
    """django-ninja's JSON, written by orjson (several times faster than ``json.dumps`` for
    the report of a large team). Dates, times and whatever orjson does not know go through
    ninja's own encoder, so they read as before."""

    media_type = "application/json"
    _encoder = NinjaJSONEncoder()

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(
            data, default=self._encoder.default, option=orjson.OPT_PASSTHROUGH_DATETIME
        )


class TandemAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        # Errors are problem details: say so, so that clients and schema checkers agree.
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[PROBLEM_JSON] = content.pop("application/json")
        return schema


api = TandemAPI(
    title="Tandem API",
    version="1",
    description=(
        "OKRs, check-ins and cross-team dependencies. Authenticate with a personal API token "
        "(`Authorization: Bearer <token>`, made with `tandem token create`) or a signed-in "
        "session. Errors are problem details (RFC 9457). See docs/api.md."
    ),
    auth=[TokenAuth(), SessionCallerAuth()],
    urls_namespace="api",
    renderer=OrjsonRenderer(),
)

api.add_exception_handler(ValidationError, on_validation_error)
api.add_exception_handler(TandemError, on_tandem_error)
api.add_exception_handler(AuthenticationError, on_authentication_error)
api.add_exception_handler(HttpError, on_http_error)
api.add_exception_handler(Http404, on_not_found)

api.add_router("", organization.router)
api.add_router("", objectives.router)  # with the writes of editing
api.add_router("", checkins.router)
api.add_router("", dependencies.router)
api.add_router("", reports.router)
api.add_router("", reviews.router)
api.add_router("", statistics.router)
api.add_router("", attention.router)
api.add_router("", inbox.router)
api.add_router("", preferences.router)
api.add_router("", comments.router)
api.add_router("", insight.router)
