"""Schemathesis against the API's own OpenAPI document: no input makes the API answer 5xx,
and every answer (errors included, as ``application/problem+json``) matches the document.

The document is the one served at ``/api/v1/openapi.json``, fetched in-process from Django's
WSGI handler (the one `tandem serve` serves); the generated requests go through that same handler,
on the demo organisation, once with an org admin's token (zoe) and once with an ordinary
member's (ben). New operations are picked up as they are added to the API.

Random strings name nothing, so an id in the path, the query or the body is, half of the time,
one of the demo's ids instead (:data:`KNOWN`), and a write sometimes carries an ``If-Match``:
the generated requests reach the handlers' successful paths, not only their 404s.

The database: each operation and persona is one pytest item with pytest-django's function-scoped
database (a transaction rolled back after the item, with the demo imported in ~40 ms).
Hypothesis runs many examples inside that one item, so each example runs in a savepoint that is
rolled back after it, and the organisation cache is dropped when the example moved the
revision: every example starts from the freshly imported demo whatever the previous one wrote,
so shrinking and replays see the same state and a failure reproduces. That is why the
``function_scoped_fixture`` health check is suppressed: the function-scoped fixtures (the demo,
the tokens) are never changed by an example. (A module- or session-scoped import would save
~40 ms an item but would leave committed rows behind for the other tests of the worker.)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, tzinfo
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, close_old_connections, transaction
from django.utils.timezone import localdate as real_localdate
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import CheckConfig
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tandem import DEMO_FILE
from tandem.core import model as m
from tandem.okrfile import load_path
from tandem.organization.cache import cache_clear
from tandem.organization.revision import revision_get
from tests.api.conftest import ApiClient, make_client
from tests.conftest import TODAY

PERSONAS = ["admin", "member"]

# Django's WSGI handler: the middleware, the URL resolver and ninja, as in production.
app = WSGIHandler()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
# A PATCH declares If-Match as required; without it the answer is 428 Precondition Required
# (RFC 6585), the status made for a missing precondition, which the document declares too.
schema.config.checks.missing_required_header = CheckConfig(
    expected_statuses=[*schema.config.checks.missing_required_header.expected_statuses, 428]
)

# Every response check Schemathesis has for a single request, but one:
# positive_data_acceptance wants 2xx for any schema-valid input, but a well-formed id that
# names nothing (`cycle=foo`) is rightly a 422 problem, which the document cannot express.
# The stateful checks (use_after_free, ensure_resource_availability, object_level_authorization)
# need Schemathesis's stateful runner and do nothing here.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    ignored_auth,  # the token is really required: no token, or a wrong one, gets no 2xx
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    negative_data_rejection,  # `as_of=0` is refused, not read as a Unix timestamp
]

_demo = load_path(DEMO_FILE).organization
_people = sorted(_demo.people)
_teams = sorted(_demo.teams)
_objectives = sorted(_demo.objectives)
_key_results = sorted(_demo.key_results)

# The demo's ids, by the name of the parameter or body field that takes one.
KNOWN: dict[str, list[str]] = {
    "person_id": _people,
    "team_id": _teams,
    "team": _teams,
    "provider": _teams,
    "teams": _teams,
    "owner": _people + _teams,
    "contributors": _people + _teams,
    "cycle_id": sorted(_demo.cycles),
    "cycle": [*sorted(_demo.cycles), "all"],
    "objective_id": _objectives,
    "objective": _objectives,
    "key_result_id": _key_results,
    "provider_kr": _key_results,
    "from": _key_results + _objectives,
    "target": _objectives + _key_results,
    "aligns_to": _objectives + _key_results,
    "dependency_id": sorted(_demo.dependencies),
}

# What a write may say it is based on: nothing, the demo's version, a stale one, anything.
IF_MATCH = [None, '"1"', 'W/"1"', '"2"', "*", "v1"]
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _known(name: str, value: Any) -> st.SearchStrategy[Any]:
    """``value`` as generated, or one of the demo's ids when ``name`` takes one."""
    if isinstance(value, dict):
        return _with_known_ids(value)
    pool = KNOWN.get(name)
    # Only strings are swapped: a value of another type is a deliberately invalid one (negative
    # testing), which must stay invalid.
    if pool is None:
        return st.just(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return st.one_of(st.just(value), st.lists(st.sampled_from(pool), max_size=3))
    if isinstance(value, str):
        return st.one_of(st.just(value), st.sampled_from(pool))
    return st.just(value)


def _with_known_ids(values: Any) -> st.SearchStrategy[Any]:
    if not isinstance(values, dict) or not values:
        return st.just(values)
    return st.fixed_dictionaries({key: _known(key, value) for key, value in values.items()})


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any]
) -> st.SearchStrategy[Any]:
    return _with_known_ids(path_parameters)


@schema.hook
def flatmap_query(
    context: schemathesis.HookContext, query: dict[str, Any]
) -> st.SearchStrategy[Any]:
    return _with_known_ids(query)


@schema.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
    return _with_known_ids(body)


@schema.hook
def flatmap_case(
    context: schemathesis.HookContext, case: schemathesis.Case[Any]
) -> st.SearchStrategy[schemathesis.Case[Any]]:
    if case.method.upper() not in WRITES:
        return st.just(case)

    def with_if_match(value: str | None) -> schemathesis.Case[Any]:
        headers = case.headers.copy()
        if value is not None:
            headers["If-Match"] = value
        return case.derive(headers=headers)

    return st.sampled_from(IF_MATCH).map(with_if_match)


@pytest.fixture
def tokens(demo_in_db: m.Organization) -> Iterator[dict[str, str | None]]:
    """A write token for each persona; and the test's connection kept across requests.

    Django closes "old" connections when a request starts and when it ends; here that would be
    the connection holding the test's transaction (PostgreSQL loses it: "the connection is
    closed", a 500; SQLite ignores it). Django's test client disconnects that handler around
    its requests; this does the same for the whole test.
    """
    made = {persona: make_client(persona).token for persona in PERSONAS}
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield made
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def demo_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's day is today (its Q4 under way): the answers, and so what Schemathesis
    learns from them, do not change with the calendar."""

    def localdate(value: datetime | None = None, timezone: tzinfo | None = None) -> date:
        return TODAY if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


# 25 generated examples per operation and persona, on top of Schemathesis's "coverage" cases
# (boundary and invalid values of every parameter); derandomized and without an example
# database, so every run, in CI or not, sends the same requests. too_slow: big generated
# bodies on a busy CI machine are slow to draw, which is no fault of the API.
@pytest.mark.usefixtures("demo_day")
@pytest.mark.parametrize("persona", PERSONAS)
@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_openapi_promises(
    case: schemathesis.Case[Any], persona: str, tokens: dict[str, str | None]
) -> None:
    before = revision_get()
    with transaction.atomic():
        try:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {tokens[persona]}"}, checks=CHECKS
            )
        finally:
            moved = _moved(before)
            transaction.set_rollback(True)
    # The cache is keyed by the revision, which the rollback takes back: forget what it read.
    if moved:
        cache_clear()


def _moved(before: int) -> bool:
    """Whether the example changed the organisation's revision."""
    try:
        return revision_get() != before
    except DatabaseError:  # a transaction the example broke: assume the worst
        return True


# What Schemathesis found on PostgreSQL (a 500: "text fields cannot contain NUL (0x00)
# bytes"), pinned down for every kind of input, as it does not draw a NUL on every run.
@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", "/people?q=a%00", None, "q"),
        ("GET", "/people/ben%00", None, "path"),
        ("POST", "/key-results/SR-1.1/check-ins", {"note": "done\x00"}, "note"),
        (
            "POST",
            "/objectives",
            {
                "cycle": "2026-Q4",
                "owner": "search",
                "title": "Faster",
                "umbrella": {"teams": ["search", "infra\x00"]},
            },
            "umbrella.teams.1",
        ),
    ],
)
def test_a_nul_character_is_refused_before_it_reaches_the_database(
    as_persona: Any, method: str, path: str, body: Any, field: str
) -> None:
    client: ApiClient = as_persona("admin")
    response = client.send(method, path, body)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == [field]
