"""The WSGI application that `tandem serve` (Granian) serves."""

import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.server.settings")

# What the server sets for each request; anything else the process's environment also has,
# with the same value, came from the environment.
_REQUEST_KEYS = frozenset(
    {
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "SERVER_SOFTWARE",
        "REMOTE_ADDR",
        "REMOTE_PORT",
        "GATEWAY_INTERFACE",
        "REQUEST_URI",
        "RAW_URI",
    }
)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def request_only(app: WSGIApp, process: dict[str, str]) -> WSGIApp:
    """``app``, given each request's environ without the process's environment variables.

    Granian starts every request's environ from ``os.environ``: the database URL with its
    password would be in ``request.META``, and a variable named like a header (``HTTP_PROXY``)
    would look like one the client sent.
    """
    inherited = {key: value for key, value in process.items() if key not in _REQUEST_KEYS}

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        for key, value in inherited.items():
            if environ.get(key) == value:
                del environ[key]
        return app(environ, start_response)

    return application


application = request_only(get_wsgi_application(), dict(os.environ))
