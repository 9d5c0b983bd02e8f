"""Signed-in sessions end after ``TANDEM_SESSION_IDLE_MINUTES`` without a request.

The session (its database row and its cookie) lives ``SESSION_COOKIE_AGE`` seconds, the idle
time, from its last save; this middleware saves it again while it is used, so it ends only
when unused. Saving on every request (``SESSION_SAVE_EVERY_REQUEST``) would cost a database
write per page; once a minute moves the end by as much, to the minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

REFRESH_EVERY = 60  # seconds
SEEN_KEY = "_tandem_seen"


def session_seen_at_login(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """At sign-in (``user_logged_in``), which saves the session anyway: the first minute of
    requests then writes nothing more."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = int(time.time())


class SessionIdleMiddleware:
    """Keeps a signed-in session alive while it is used (after SessionMiddleware in MIDDLEWARE,
    so that SessionMiddleware saves what this one marks)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Without the cookie there is no session to keep, and looking would add Vary: Cookie
        # to every answer to an API token.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            session = request.session
            if SESSION_KEY in session:
                now = int(time.time())
                if now - int(session.get(SEEN_KEY, 0)) >= REFRESH_EVERY:
                    session[SEEN_KEY] = now
        return response
