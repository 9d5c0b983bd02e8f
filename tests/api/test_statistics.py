"""GET /api/v1/cycles/{id}/statistics: the page's figures, `tandem stats`'s JSON (on the file
and on the database), and only what the caller may see."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tandem import DEMO_FILE
from tandem.access.policy import audience_get
from tandem.organization.review.services import review_cycle_close
from tests.api.conftest import ApiClient
from tests.conftest import TODAY
from tests.dbstate import tandem
from tests.personas import PERSONAS
from tests.web.conftest import login_client

As = Callable[[str], ApiClient]


@pytest.fixture(autouse=True)
def _demo_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tandem.clock.today", lambda: TODAY)


def statistics(client: ApiClient, cycle: str = "2026-Q3") -> dict[str, Any]:
    response = client.get(f"/cycles/{cycle}/statistics")
    assert response.status_code == 200, response.content
    return dict(response.json())


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_the_api_the_cli_on_the_file_and_on_the_database_agree(
    as_persona: As, persona: str
) -> None:
    found = statistics(as_persona(persona))
    day = TODAY.isoformat()
    code, from_file, _err = tandem("stats", "2026-Q3", str(DEMO_FILE), "--as-of", day, "-f", "json")
    assert code == 0
    code, from_database, _err = tandem("stats", "2026-Q3", "--as-of", day, "-f", "json")
    assert code == 0
    # Nothing of Q3 is hidden: every persona has the whole company's figures.
    assert found == json.loads(from_file) == json.loads(from_database)
    assert found["company"]["met"]["all"] == {"objectives": 2, "judged": 2, "met": 2, "share": 1.0}


def test_the_page_shows_the_apis_figures(as_persona: As) -> None:
    found = statistics(as_persona("member"))
    page = login_client("member").get("/cycles/2026-Q3/statistics").content.decode()
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    company = found["company"]
    scores = company["objective_scores"]
    checkins = company["checkins"]
    assert f"{scores['median']:.2f}" in page
    assert f"{scores['mean']:.2f}" in page
    assert f"{checkins['weeks_checked_in']} of {checkins['weeks']}" in page
    for team in found["teams"]:
        assert f"{team['checkins']['weeks_checked_in']} of {team['checkins']['weeks']}" in page


def test_unknown_and_open_cycles_are_problems(as_persona: As) -> None:
    client = as_persona("member")
    assert client.get("/cycles/NOPE/statistics").status_code == 404
    open_cycle = client.get("/cycles/2026-Q4/statistics")
    assert open_cycle.status_code == 409
    assert open_cycle["Content-Type"] == "application/problem+json"
    assert as_persona("anonymous").get("/cycles/2026-Q3/statistics").status_code == 401


@pytest.mark.parametrize(
    ("persona", "objectives", "declined"),
    [("admin", 14, 1), ("lead", 13, 0), ("member", 13, 0), ("other_team", 12, 0)],
)
def test_what_the_caller_may_not_see_is_not_counted(
    as_persona: As, persona: str, objectives: int, declined: int
) -> None:
    review_cycle_close(audience=audience_get(person_id="zoe", admin=True), cycle_id="2026-Q4")
    found = statistics(as_persona(persona), "2026-Q4")
    assert found["company"]["objectives"] == objectives
    # DEP-4 (declined) is asked for by MO-1.1, which only the admin may see.
    assert found["company"]["dependencies"]["declined"] == declined
    search = next(t for t in found["teams"] if t["team"] == "search")
    assert search["objectives"] == (3 if persona in {"admin", "lead", "member"} else 2)


def test_the_openapi_document_describes_it(as_persona: As) -> None:
    paths = as_persona("member").get("/openapi.json").json()["paths"]
    described = paths["/api/v1/cycles/{cycle_id}/statistics"]["get"]
    assert set(described["responses"]) >= {"200", "404", "409"}
