"""Security headers: a Content-Security-Policy and a Permissions-Policy on every answer, and
what is for one person only kept out of caches (static files stay cacheable)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tandem.core import model as m
from tandem.server.headers import PERMISSIONS_POLICY
from tests.web.conftest import login_client

TEMPLATES = Path(__file__).parents[2] / "tandem" / "web" / "templates"


def directives(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    policy = response["Content-Security-Policy"]
    return {
        name: value.strip()
        for name, _space, value in (part.strip().partition(" ") for part in policy.split(";"))
    }


def assert_private(response) -> None:  # type: ignore[no-untyped-def]
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control, response["Cache-Control"]
    assert "public" not in cache_control


def test_pages_allow_no_inline_script_style_or_eval(db: None) -> None:
    response = Client().get("/login")
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_every_answer_denies_powerful_features(db: None) -> None:
    for path in ("/login", "/healthz", "/api/v1/me", "/no/such/page"):
        response = Client().get(path)
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY
    assert "microphone=()" in PERMISSIONS_POLICY
    assert "geolocation=()" in PERMISSIONS_POLICY


def test_signed_in_pages_and_exports_are_not_stored(demo_in_db: m.Organization) -> None:
    client = login_client("lead")
    for path in ("/", "/dashboard", "/objectives/SR-1", "/report.csv", "/report.xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_private(response)
    # What is the same for everyone is left as it was.
    assert "Cache-Control" not in Client().get("/healthz")


@pytest.mark.parametrize("signed_in", [True, False])
def test_api_answers_are_never_stored(demo_in_db: m.Organization, signed_in: bool) -> None:
    client = login_client("lead") if signed_in else Client()
    for path in ("/api/v1/me", "/api/v1/objectives/SR-1", "/api/v1/no/such/thing"):
        assert_private(client.get(path))
    # Refused before authentication, for a host not allowed: still not stored.
    assert_private(Client().get("/api/v1/me", headers={"host": "evil.example"}))


def test_static_files_stay_cacheable(demo_in_db: m.Organization, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command  # noqa: PLC0415

    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    # WhiteNoise reads STATIC_ROOT when it starts: at the new client's first request.
    response = login_client("lead").get("/static/web/tandem.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]
    assert "Content-Security-Policy" not in response
    response.close()  # WhiteNoise's open file


def test_the_templates_have_no_inline_script_style_or_handler() -> None:
    """What the policy would refuse, kept out of the templates (the browser tests check the
    pages themselves, vendored scripts included)."""
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert "style=" not in text, template
        assert "<style" not in text, template
        assert not re.search(r"\s(on[a-z]+|hx-on[:a-z-]*)\s*=", text), template
        assert "javascript:" not in text, template
        for script in text.split("<script")[1:]:
            assert script.split(">", 1)[0].strip().startswith("src="), template
