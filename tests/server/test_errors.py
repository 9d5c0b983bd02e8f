"""Errors Django answers itself: problem details under /api/, HTML pages for the web pages."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tandem.core import model as m
from tests.web.conftest import login_client

PROBLEM_JSON = "application/problem+json"
# Past Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
TOO_LARGE = 3 * 1024 * 1024


def assert_problem(response, status: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == PROBLEM_JSON
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["detail"]
    return body  # type: ignore[no-any-return]


def test_an_unknown_api_address_is_a_problem(db: None) -> None:
    assert_problem(Client().get("/api/v1/no/such/thing"), 404)
    assert_problem(Client().get("/api/nothing-here"), 404)
    assert_problem(Client().get("/api/"), 404)


def test_a_too_large_api_body_is_413_problem(demo_in_db: m.Organization) -> None:
    body = json.dumps({"title": "x" * TOO_LARGE})
    client = login_client("lead")
    response = client.post("/api/v1/objectives", body, content_type="application/json")
    problem = assert_problem(response, 413)
    assert "2.5 MB" in str(problem["detail"])
    response = client.generic(
        "PATCH", "/api/v1/objectives/SR-1", body, content_type="application/json"
    )
    assert_problem(response, 413)


def test_a_too_large_web_form_is_413_html(demo_in_db: m.Organization) -> None:
    response = Client().post("/login", {"username": "ana", "password": "x" * TOO_LARGE})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert b"Too much to send at once" in response.content


def test_a_host_the_server_does_not_answer_to_is_400_problem_under_api(db: None) -> None:
    response = Client().get("/api/v1/me", headers={"host": "evil.example"})
    problem = assert_problem(response, 400)
    assert "TANDEM_ALLOWED_HOSTS" in str(problem["detail"])
    # A web page keeps Django's page.
    response = Client().get("/login", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_is_a_500_problem_under_api_and_the_html_page_elsewhere(
    demo_in_db: m.Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("tandem.api.organization.caller_of", broken)
    monkeypatch.setattr("tandem.web.views.dashboard.pages.page", broken)
    client = login_client("lead")
    client.raise_request_exception = False  # as a browser sees it
    problem = assert_problem(client.get("/api/v1/me"), 500)
    assert "a bug" not in str(problem)  # nothing of the error's inside
    response = client.get("/dashboard")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"Something went wrong on our side" in response.content


def test_the_web_pages_keep_their_html_error_pages(demo_in_db: m.Organization) -> None:
    response = login_client("lead").get("/no/such/page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"Nothing here" in response.content
