"""No value the database holds can take a page down for anyone (issue 13, item 2).

Values are written straight to the database, as a row from before the number rule or one
written by hand would be: either the database refuses the value (its check constraints, or it
is not JSON), or every page and export still answers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from hypothesis import HealthCheck, example, given, settings

from tests.api.test_numbers import ANY_VALUE, stored_checkin

PAGES = [
    "/",
    "/dashboard",
    "/alignment",
    "/dependencies",
    "/objectives/SR-1",
    "/teams/search",
    "/cycles/2026-Q4/review",
    "/report",
    "/report.csv",
    "/report.xlsx",
]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=ANY_VALUE)
@example(value=10**15)  # the largest the rule takes: every page must show it
@example(value=-(10**15))
@example(value=1e-300)
def test_no_stored_value_can_make_a_page_fail(
    web_as: Callable[[str], Client], value: object
) -> None:
    with stored_checkin(value) as stored:
        if not stored:
            return  # refused: a constraint, not JSON, or past what Python writes
        for persona in ("admin", "member"):
            client = web_as(persona)
            for path in PAGES:
                response = client.get(path)
                assert response.status_code == 200, (value, persona, path)
