"""Errors as problem details (RFC 9457): ``application/problem+json`` with a title, the
status, a detail saying what to do, and for invalid input an ``errors`` list, field by field.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import Schema

PROBLEM_JSON = "application/problem+json"
ERROR_STATUSES = frozenset({400, 401, 403, 404, 409, 412, 422, 428, 429})


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None
    # With 412: the current state, so the client can merge and retry.
    current: dict[str, Any] | None = None


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    current: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    if current is not None:
        body["current"] = current
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=PROBLEM_JSON
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field(location: tuple[Any, ...] | list[Any]) -> str:
    # ninja prefixes the parameter source ("body", "query", "path") and the argument name.
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "data", "body", "filters", "params"}:
            parts = parts[1:]
    return ".".join(parts) or "body"


def on_validation_error(request: HttpRequest, exc: Any) -> HttpResponse:  # ValidationError
    errors = [
        {"field": _field(e.get("loc", ())), "message": str(e.get("msg", ""))} for e in exc.errors
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "the request is invalid"
    return problem(422, "Invalid input", detail, errors=errors)


# The services' argument names, as the API's fields are called.
API_FIELDS = {
    "target_id": "target",
    "cycle_id": "cycle",
    "owner_team_id": "owner",
    "owner_person_id": "owner",
    "owner_id": "owner",
    "umbrella_owner_id": "umbrella.owner",
    "umbrella_team_ids": "umbrella.teams",
    "contributor_ids": "contributors",
    "provider_team_id": "provider",
    "provider_kr_id": "provider_kr",
    "provider_kr_new": "new_key_result",
    "provider_objective_id": "objective",
    "from_id": "from",
    "key_result_id": "key_result",
    "objective_id": "objective",
    "day": "date",
}


def api_field(field: str) -> str:
    first, dot, rest = field.partition(".")
    return API_FIELDS.get(first, first) + dot + rest


def on_tandem_error(request: HttpRequest, exc: Any) -> HttpResponse:  # TandemError
    errors = [{"field": api_field(exc.field), "message": exc.message}] if exc.field else None
    current = getattr(exc, "current", None)
    retry_after = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return problem(
        exc.status, exc.title, exc.message, errors=errors, current=current, headers=headers
    )


def on_authentication_error(request: HttpRequest, exc: Any) -> HttpResponse:  # AuthenticationError
    return problem(
        401,
        "Unauthorized",
        "sign in, or send a personal API token as `Authorization: Bearer <token>` "
        "(`tandem token create PERSON` makes one)",
        headers={"WWW-Authenticate": 'Bearer realm="tandem"'},
    )


def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:  # HttpError
    status = exc.status_code
    titles = {400: "Bad request", 403: "Forbidden", 404: "Not found", 405: "Method not allowed"}
    detail = str(exc)
    if "CSRF" in detail:
        detail = (
            "the CSRF check failed: a signed-in browser sends the csrftoken cookie's value as "
            "the X-CSRFToken header; scripts use an API token instead"
        )
    return problem(status, titles.get(status, "Error"), detail)


def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:  # Http404
    return problem(404, "Not found", str(exc) or "there is nothing at this address")


class ProblemMiddleware:
    """Answers under /api/ that Django or the router made (404 for an unknown path, 405 for a
    method a path does not take) as problem details too, like every other API error."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            refused = _null_characters(request)
            if refused is not None:
                return refused
        response: HttpResponse = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in (404, 405)
            and not response.get("Content-Type", "").startswith(PROBLEM_JSON)
        ):
            if response.status_code == 405:
                allowed = response.get("Allow", "")
                return problem(
                    405,
                    "Method not allowed",
                    f"{request.method} is not allowed here; this address takes {allowed}",
                    headers={"Allow": allowed},
                )
            return problem(
                404,
                "Not found",
                f"there is nothing at {request.path}; /api/v1/docs lists the API's addresses",
            )
        return response


NUL = "\x00"
NUL_MESSAGE = "contains a NUL character (\\u0000), which no text in Tandem may contain"


def _null_characters(request: HttpRequest) -> HttpResponse | None:
    """A 422 problem when the path, a query parameter or a JSON body field carries U+0000.

    PostgreSQL cannot store it in text, nor compare text with it: it would fail the request
    with a 500 wherever the value reaches a query (SQLite would quietly store it), so the API
    refuses it, the same on both, before any handler runs.
    """
    fields = ["path"] if NUL in request.path else []
    fields += [key for key, values in request.GET.lists() if NUL in key + "".join(values)]
    # A body that is not JSON (or too deep, too big) is the handler's to refuse.
    with contextlib.suppress(ValueError, RecursionError, RequestDataTooBig):
        fields += _null_fields(json.loads(request.body), "") if request.body else []
    if not fields:
        return None
    errors = [{"field": field, "message": NUL_MESSAGE} for field in fields]
    detail = "; ".join(f"{field}: {NUL_MESSAGE}" for field in fields)
    return problem(422, "Invalid input", detail, errors=errors)


def _null_fields(value: Any, where: str) -> list[str]:
    """Where in a JSON value a string (or a key) holds U+0000, as dotted fields."""
    if isinstance(value, str):
        return [where or "body"] if NUL in value else []
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            field = f"{where}.{key}" if where else str(key)
            found += [field] if NUL in key else _null_fields(item, field)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _null_fields(item, f"{where}.{index}" if where else str(index))
    return found
