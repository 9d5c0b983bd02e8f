"""The pages speak the user's language: advice in words (not rule ids or the OKR file's field
names), no command lines on a team's page, one date format, and a team's key result owned by a
person."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tandem.core.quality import RULES
from tandem.okrs.models import KeyResult
from tandem.organization.wording import day
from tandem.web.words import RULE_WORDS, plain_message, rule_words

Web = Callable[[str], Client]

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def visible(response: Any) -> str:
    """The page's text as read, without its tags and attributes."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_every_rule_has_words() -> None:
    assert set(RULE_WORDS) == set(RULES)
    assert rule_words("unaligned-objective") == "Objective aligned to nothing"
    assert (
        plain_message("align it: set aligns_to to the company objective")
        == "align it: set “Aligns to” to the company objective"
    )


def test_advice_names_no_rule_ids_and_no_field_names(web_as: Web) -> None:
    advice = web_as("member").get(
        "/advice",
        {"what": "objective", "title": "Grow search", "owner": "search", "cycle": "2026-Q4"},
    )
    body = advice.content.decode()
    assert "objective aligned to nothing" in body
    assert "“Aligns to”" in body
    assert "unaligned-objective" not in body
    assert "aligns_to" not in body


def test_the_dashboard_names_rules_in_words(web_as: Web) -> None:
    page = visible(web_as("admin").get("/dashboard"))
    for rule in RULES:
        assert f"{rule}:" not in page, rule
    assert "aligns_to" not in page
    listed = visible(web_as("admin").get("/dashboard", {"rule": "stale-checkin"}))
    assert "Quality findings: no recent check-in" in listed


def test_a_team_page_shows_no_command_line(web_as: Web) -> None:
    response = web_as("member").get("/teams/search")
    assert "tandem report" not in response.content.decode()
    assert "<code>" not in response.content.decode()
    assert "the team's report" in visible(response)


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard",
        "/dashboard?show=stale",
        "/report",
        "/cycles/2026-Q4/review",
        "/cycles/2026-Q3/review",
        "/teams/search",
        "/dependencies",
        "/objectives/new",
    ],
)
def test_pages_write_dates_one_way(web_as: Web, path: str) -> None:
    page = visible(web_as("admin").get(path))
    assert not ISO_DATE.search(page), ISO_DATE.findall(page)[:5]
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", page)


def test_the_one_date_format() -> None:
    assert day("2026-11-21") == "21 Nov 2026"
    assert day(None) == ""


def test_a_team_key_result_needs_an_owner(web_as: Web) -> None:
    client = web_as("member")
    refused = client.post(
        "/objectives/SR-2/key-results/new",
        {
            "title": "Index 5 new languages",
            "form": "numeric",
            "start": "0",
            "target": "5",
            "weight": "1",
            "owner": "",
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "0",
        },
    )
    assert refused.status_code == 422
    assert "Choose the person who owns it: a team&#x27;s key result needs one." in (
        refused.content.decode()
    )
    assert not KeyResult.objects.filter(title="Index 5 new languages").exists()


def test_a_refusal_from_the_services_is_said_in_the_form_s_words(web_as: Web) -> None:
    refused = web_as("member").post(
        "/objectives/new",
        {
            "title": "Make search pay for itself",
            "cycle": "FY2026",
            "owner": "ben",
            "kind": "committed",
            "visibility": "public",
            "aligns_to": "SR-1.1",
        },
    )
    assert refused.status_code == 422
    page = visible(refused)
    assert "(1 Oct 2026 to 31 Dec 2026), which does not contain cycle" in page
    assert not ISO_DATE.search(page)
