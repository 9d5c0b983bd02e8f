"""The cycle statistics page: the company and each team, the spread, the trend chart with its
table, the empty states, and what a viewer may not see left out."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tandem.access.policy import audience_get
from tandem.core import model as m
from tandem.okrs.models import Cycle
from tandem.organization.cache import cache_clear
from tandem.organization.review.services import review_cycle_close
from tests.personas import SIGNED_IN

Web = Callable[[str], Client]


def text(response: Any) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", body).replace("&#x27;", "'").replace("&quot;", '"')


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_persona_sees_the_statistics_of_the_closed_q3(web_as: Web, persona: str) -> None:
    response = web_as(persona).get("/cycles/2026-Q3/statistics")
    assert response.status_code == 200
    page = text(response)
    assert "Statistics of 2026-Q3" in page
    # The company: 2 objectives, 4 key results, both met, scores 0.80 and 1.00.
    company = page[page.index("The company") : page.index("By team")]
    assert "2 4 1 of 1 1 of 1 0.80 · 0.85 · 0.90 · 0.95 · 1.00 0.90 14 of 56 (25%) 28" in company
    assert "Search" in page
    assert "Payments" in page
    body = response.content.decode()
    assert '<svg viewBox="0 0 640 220" role="img"' in body
    assert "The trend as a table" in page


def test_the_review_of_a_closed_cycle_links_to_its_statistics(web_as: Web) -> None:
    closed = web_as("member").get("/cycles/2026-Q3/review").content.decode()
    assert 'href="/cycles/2026-Q3/statistics"' in closed
    current = web_as("member").get("/cycles/2026-Q4/review").content.decode()
    assert "/cycles/2026-Q4/statistics" not in current


def test_a_cycle_not_closed_says_when_its_statistics_come(web_as: Web) -> None:
    response = web_as("member").get("/cycles/2026-Q4/statistics")
    assert response.status_code == 200
    assert "2026-Q4 is not closed: its statistics come when it is." in text(response)
    assert web_as("member").get("/cycles/NOPE/statistics").status_code == 404


def test_the_latest_closed_cycle_or_why_there_is_none(web_as: Web) -> None:
    client = web_as("member")
    response = client.get("/cycles/statistics")
    assert response.status_code == 302
    assert response["Location"] == "/cycles/2026-Q3/statistics"
    Cycle.objects.update(state=Cycle.State.ACTIVE)
    empty = client.get("/cycles/statistics")
    assert empty.status_code == 200
    assert "No cycle is closed yet." in text(empty)


def test_a_closed_cycle_with_no_objectives(web_as: Web) -> None:
    Cycle.objects.create(
        id="2026-Q2",
        start="2026-04-01",
        end="2026-06-30",
        state=Cycle.State.CLOSED,
    )
    cache_clear()
    response = web_as("member").get("/cycles/2026-Q2/statistics")
    assert response.status_code == 200
    assert "2026-Q2 has no objectives that you may see" in text(response)


@pytest.mark.parametrize(
    ("persona", "objectives"), [("admin", 14), ("member", 13), ("outsider", 12)]
)
def test_private_objectives_are_not_counted_for_who_may_not_see_them(
    web_as: Web, demo_in_db: m.Organization, persona: str, objectives: int
) -> None:
    review_cycle_close(audience=audience_get(person_id="zoe", admin=True), cycle_id="2026-Q4")
    in_q4 = sum(1 for o in demo_in_db.objectives.values() if o.cycle == "2026-Q4")
    assert in_q4 == 14
    page = text(web_as(persona).get("/cycles/2026-Q4/statistics"))
    company = page[page.index("The company") : page.index("By team")]
    assert company.split("Delivered on time ", 1)[1].startswith(f"{objectives} ")
    assert ("BEN-1" in page) is False


def test_the_teams_come_a_page_at_a_time(web_as: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tandem.web.views.statistics.TEAMS_PER_PAGE", 1)
    first = text(web_as("member").get("/cycles/2026-Q3/statistics"))
    by_team = first[first.index("By team") : first.index("Trend over")]
    assert "1–1 of 2 teams" in by_team
    assert "Search" in by_team
    assert "Payments" not in by_team
    second = text(web_as("member").get("/cycles/2026-Q3/statistics?page=2"))
    assert "Payments" in second[second.index("By team") : second.index("Trend over")]


def test_the_trend_takes_the_closed_quarters_before(web_as: Web) -> None:
    Cycle.objects.create(
        id="2026-Q2", start="2026-04-01", end="2026-06-30", state=Cycle.State.CLOSED
    )
    Cycle.objects.create(id="2025", start="2025-01-01", end="2025-12-31", state=Cycle.State.CLOSED)
    cache_clear()
    page = text(web_as("member").get("/cycles/2026-Q3/statistics"))
    assert "The company over the last 2 closed cycles of the same length as 2026-Q3" in page
    trend = page[page.index("The trend as a table") :]
    assert "2026-Q2 — — — — 2026-Q3 100% 0.90 25% —" in trend
    assert "2025 " not in trend.split("Closed cycles")[0]
