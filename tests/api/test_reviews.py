"""The cycle review over the API: the review as its page shows it, score overrides,
reflections, closing and reopening, with the page's permissions and refusals."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.template.defaultfilters import floatformat
from django.test import Client

from tandem.access.tokens import token_create
from tandem.core import permissions
from tandem.okrs.models import Cycle, KeyResult, Reflection
from tests.api.conftest import ApiClient
from tests.conftest import TODAY
from tests.personas import HIDDEN, PERSONAS
from tests.web.conftest import login_client

As = Callable[[str], ApiClient]


@pytest.fixture(autouse=True)
def _demo_today(monkeypatch: pytest.MonkeyPatch) -> None:
    # As the pages' tests: the demo's Q4 under way, its Q3 ended (and closed).
    monkeypatch.setattr("tandem.clock.today", lambda: TODAY)


def put(client: ApiClient, path: str, body: Any, **headers: str) -> Any:
    return client.send("PUT", path, body, headers=headers or None)


def objectives_of(review: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in review["objectives"]}


def key_results_of(review: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {kr["id"]: kr for o in review["objectives"] for kr in o["key_results"]}


# --- GET /cycles/{id}/review -------------------------------------------------------------------


def test_the_review_of_an_ended_closed_cycle(as_persona: As) -> None:
    response = as_persona("member").get("/cycles/2026-Q3/review")
    assert response.status_code == 200
    review = response.json()
    assert (review["cycle"], review["state"], review["closed"]) == ("2026-Q3", "closed", True)
    assert (review["ended"], review["projected"]) == (True, False)
    assert (review["may_close"], review["company_lead"]) == (False, "zoe")
    done = objectives_of(review)["PA-Q3-1"]
    assert (done["score"], done["met_expectation"], done["expected"]) == (1.0, True, 1.0)
    # SR-Q3-1.2 was graded 1.0 by hand, with a reason; its computed score stays known.
    graded = key_results_of(review)["SR-Q3-1.2"]
    assert graded["score"] == 1.0
    assert graded["override"]["reason"].startswith("Scope cut to 8 formats")
    assert graded["computed_score"] < 1.0
    assert review["figures"]["objectives"] == len(review["objectives"])


def test_the_current_cycle_s_scores_are_projected(as_persona: As) -> None:
    review = as_persona("admin").get("/cycles/2026-Q4/review").json()
    assert (review["state"], review["ended"], review["projected"]) == ("active", False, True)
    assert review["may_close"] is True
    # As if the cycle ended with what is recorded today: scored, and judged as projected.
    scored = [o for o in review["objectives"] if o["score"] is not None]
    assert scored
    assert all(o["met_expectation"] is not None for o in scored)


def test_what_the_caller_may_change_is_said(as_persona: As) -> None:
    review = objectives_of(as_persona("member").get("/cycles/2026-Q4/review").json())
    assert review["SR-1"]["may_edit"] is True  # ben's team's
    assert review["IN-1"]["may_edit"] is False  # Infrastructure's


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_a_hidden_objective_never_appears_in_another_viewer_s_review(
    as_persona: As, persona: str
) -> None:
    for cycle in ("2026-Q3", "2026-Q4", "FY2026"):
        body = as_persona(persona).get(f"/cycles/{cycle}/review").content.decode()
        for hidden, allowed in HIDDEN.items():
            if persona not in allowed and not hidden.startswith("DEP"):
                assert hidden not in body, (persona, cycle, hidden)
    # Who may see it finds it.
    found = as_persona("member").get("/cycles/2026-Q4/review").json()
    assert "BEN-1" in objectives_of(found)


def test_an_unknown_cycle_is_not_found_and_a_caller_is_needed(as_persona: As) -> None:
    missing = as_persona("member").get("/cycles/NOPE/review")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "there is no cycle 'NOPE'"
    assert as_persona("anonymous").get("/cycles/2026-Q4/review").status_code == 401


# --- PUT /key-results/{id}/score ----------------------------------------------------------------


def test_an_override_with_a_reason_changes_the_score(as_persona: As) -> None:
    lead = as_persona("lead")
    response = put(lead, "/key-results/SR-Q3-1.1/score", {"score": 0.9, "reason": "wrong cohort"})
    assert response.status_code == 200
    answer = response.json()
    assert answer["override"]["score"] == 0.9
    assert (answer["override"]["reason"], answer["override"]["by"]) == ("wrong cohort", "ana")
    # A closed cycle takes grades: the objective's score is the mean of 0.9 and 1.0.
    review = lead.get("/cycles/2026-Q3/review").json()
    assert objectives_of(review)["SR-Q3-1"]["score"] == pytest.approx(0.95)
    assert key_results_of(review)["SR-Q3-1.1"]["version"] == answer["version"]


def test_null_goes_back_to_the_computed_score(as_persona: As) -> None:
    response = put(as_persona("member"), "/key-results/SR-Q3-1.2/score", {"score": None})
    assert response.status_code == 200
    assert response.json()["override"] is None
    stored = KeyResult.objects.get(id="SR-Q3-1.2")
    assert (stored.override_score, stored.override_reason) == (None, None)


@pytest.mark.parametrize(
    ("persona", "key_result", "body", "status", "detail"),
    [
        ("outsider", "SR-Q3-1.1", {"score": 0.5, "reason": "x"}, 403, "grade"),
        ("read_only", "SR-1.1", {"score": 0.5, "reason": "x"}, 403, "may only read"),
        ("other_team", "BEN-1.1", {"score": 0.5, "reason": "x"}, 404, "no key result"),
        ("lead", "NOPE.1", {"score": 0.5, "reason": "x"}, 404, "no key result"),
        ("lead", "SR-1.1", {"score": 1.4, "reason": "x"}, 422, "between 0.0 and 1.0"),
        ("lead", "SR-1.1", {"score": 0.735, "reason": "x"}, 422, "two decimals at most"),
        ("lead", "SR-1.1", {"score": 0.5, "reason": " "}, 422, "a reason is required"),
        ("lead", "SR-1.1", {"score": "0.5", "reason": "x"}, 422, "score"),
        ("lead", "SR-1.1", {"score": 0.5, "reason": "x", "why": "x"}, 422, "why"),
    ],
)
def test_score_refusals_change_nothing(
    as_persona: As, persona: str, key_result: str, body: Any, status: int, detail: str
) -> None:
    response = put(as_persona(persona), f"/key-results/{key_result}/score", body)
    assert response.status_code == status, response.content
    assert detail in response.json()["detail"]
    if status == 403 and persona == "outsider":
        assert response.json()["detail"] == permissions.grade_refused("SR-Q3-1")
    assert not KeyResult.objects.filter(override_by__isnull=False).exists()


def test_an_override_from_an_old_read_is_refused(as_persona: As) -> None:
    version = KeyResult.objects.get(id="SR-1.1").version
    first = put(
        as_persona("lead"),
        "/key-results/SR-1.1/score",
        {"score": 0.9, "reason": "a"},
        **{"If-Match": f'"{version}"'},
    )
    assert first.status_code == 200
    second = put(
        as_persona("member"),
        "/key-results/SR-1.1/score",
        {"score": 0.2, "reason": "b"},
        **{"If-Match": f'"{version}"'},
    )
    assert second.status_code == 412
    assert KeyResult.objects.get(id="SR-1.1").override_score == 0.9


# --- PUT /objectives/{id}/reflection --------------------------------------------------------


def test_a_reflection_is_written_and_read_back(as_persona: As) -> None:
    member = as_persona("member")
    saved = put(member, "/objectives/SR-1/reflection", {"text": "  Caching paid off.  "})
    assert saved.status_code == 200
    assert (saved.json()["text"], saved.json()["by"]) == ("Caching paid off.", "ben")
    read = objectives_of(as_persona("other_team").get("/cycles/2026-Q4/review").json())
    assert read["SR-1"]["reflection"]["text"] == "Caching paid off."
    # Rewritten from what was read: the `at` read is the version.
    based_on = read["SR-1"]["reflection"]["at"]
    again = put(
        as_persona("lead"), "/objectives/SR-1/reflection", {"text": "Late", "based_on": based_on}
    )
    assert again.status_code == 200, again.content
    stale = put(member, "/objectives/SR-1/reflection", {"text": "Mine", "based_on": based_on})
    assert stale.status_code == 412
    assert "Ana Lima saved a reflection on SR-1 since you opened the page" in stale.json()["detail"]
    assert Reflection.objects.get(objective_id="SR-1").text == "Late"


@pytest.mark.parametrize(
    ("persona", "objective", "text", "status", "detail"),
    [
        ("outsider", "SR-1", "x", 403, permissions.reflect_refused("SR-1")),
        ("lead", "MO-1", "x", 404, "there is no objective 'MO-1'"),
        ("member", "SR-1", " ", 422, "needs a few words"),
        ("member", "SR-Q3-1", "late", 409, "is closed"),
    ],
)
def test_reflection_refusals_change_nothing(
    as_persona: As, persona: str, objective: str, text: str, status: int, detail: str
) -> None:
    response = put(as_persona(persona), f"/objectives/{objective}/reflection", {"text": text})
    assert response.status_code == status, response.content
    assert detail in response.json()["detail"]
    assert not Reflection.objects.exists()


# --- POST /cycles/{id}/close and /reopen ----------------------------------------------------


def test_closing_and_reopening_a_cycle(as_persona: As) -> None:
    admin = as_persona("admin")
    closed = admin.post("/cycles/2026-Q4/close")
    assert closed.status_code == 200
    assert closed.json()["state"] == "closed"
    refused = put(as_persona("member"), "/objectives/SR-1/reflection", {"text": "late"})
    assert refused.status_code == 409
    graded = put(as_persona("member"), "/key-results/SR-1.2/score", {"score": 0.5, "reason": "x"})
    assert graded.status_code == 200
    reopened = admin.post("/cycles/2026-Q4/reopen")
    assert (reopened.status_code, reopened.json()["state"]) == (200, "active")
    assert Cycle.objects.get(id="2026-Q4").state == Cycle.State.ACTIVE


@pytest.mark.parametrize("action", ["close", "reopen"])
def test_only_admins_and_the_company_s_lead_close_or_reopen(as_persona: As, action: str) -> None:
    for persona in ("lead", "member", "other_team", "outsider"):
        response = as_persona(persona).post(f"/cycles/2026-Q4/{action}")
        assert response.status_code == 403
        assert response.json()["detail"] == permissions.CLOSE_CYCLE_REFUSED
    assert as_persona("admin").post(f"/cycles/NOPE/{action}").status_code == 404
    assert Cycle.objects.get(id="2026-Q4").state == Cycle.State.ACTIVE


def test_the_company_lead_closes_without_being_an_admin(as_persona: As) -> None:
    as_persona("member")  # the demo is in the database
    _token, raw = token_create(person_id="zoe", scope="write")
    zoe = ApiClient(Client(), raw)
    assert zoe.get("/me").json()["admin"] is False
    assert zoe.post("/cycles/2026-Q4/close").status_code == 200
    assert Cycle.objects.get(id="2026-Q4").state == Cycle.State.CLOSED


# --- the API and the page agree -------------------------------------------------------------


def _page_numbers(body: str) -> dict[str, tuple[str, list[tuple[str, str, str]]]]:
    """Each objective card's score and its key results' (id, computed, score), as shown."""
    found = {}
    for card in re.findall(r'<article class="card review-objective".*?</article>', body, re.S):
        objective = re.search(r'id="objective-([^"]+)"', card)
        score = re.search(r'<span class="score">([^<]*)</span>', card)
        assert objective is not None
        assert score is not None
        rows = re.findall(
            r'<li id="kr-([^"]+)">.*?computed ([0-9.]+)\s*· <strong>score ([^<]*)</strong>',
            card,
            re.S,
        )
        found[objective[1]] = (score[1], rows)
    return found


def _shown(value: float | None, decimals: int) -> str:
    """As the page's template writes it."""
    return "—" if value is None else str(floatformat(value, decimals))


@pytest.mark.parametrize("persona", ["member", "other_team", "admin"])
@pytest.mark.parametrize("cycle", ["2026-Q3", "2026-Q4"])
def test_the_api_and_the_page_show_the_same_numbers(
    as_persona: As, persona: str, cycle: str
) -> None:
    page = _page_numbers(login_client(persona).get(f"/cycles/{cycle}/review").content.decode())
    review = as_persona(persona).get(f"/cycles/{cycle}/review").json()
    objectives = objectives_of(review)
    assert page
    assert set(page) <= set(objectives)
    for objective_id, (score, rows) in page.items():
        listed = objectives[objective_id]
        assert score == _shown(listed["score"], 2), objective_id
        expected = [
            (kr["id"], _shown(kr["computed_score"], 1), _shown(kr["score"], 2))
            for kr in listed["key_results"]
        ]
        assert rows == expected, objective_id
