"""The cycle review: scores, overrides with a reason, reflections, closing and reopening."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.core import model as m
from tandem.okrfile import load_path
from tandem.okrs.models import Cycle, KeyResult, Reflection
from tandem.organization.cache import cache_clear
from tandem.organization.imports import organization_import
from tandem.organization.review import selectors
from tandem.people.models import Person, Team
from tandem.web.views.review import page as review
from tests.conftest import TODAY
from tests.personas import HIDDEN, SIGNED_IN

HTMX = {"HX-Request": "true"}
Web = Callable[[str], Client]


def text(response: Any) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", body).replace("&#x27;", "'").replace("&quot;", '"')


def section(response: Any, heading_id: str) -> str:
    body = response.content.decode()
    start = body.index(f'id="{heading_id}"')
    end = body.find('<section aria-labelledby="', start)
    return str(body[start : end if end > 0 else len(body)])


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_persona_sees_the_review_of_the_closed_and_the_current_cycle(
    web_as: Web, persona: str
) -> None:
    client = web_as(persona)
    closed = client.get("/cycles/2026-Q3/review")
    assert closed.status_code == 200
    page = text(closed)
    assert "Review of 2026-Q3" in page
    assert "Closed" in page
    assert "This cycle ended on 30 Sep 2026." in page
    # PA-Q3-1 is committed and fully done; SR-Q3-1's SR-Q3-1.2 was graded 1.0 by hand.
    assert re.search(r"PA-Q3-1 Stop losing revenue to failed renewals 1\.00 score ✓ Met", page)
    assert "Scope cut to 8 formats" in page
    current = text(client.get("/cycles/2026-Q4/review"))
    assert "Active" in current
    assert "This cycle ends on 31 Dec 2026: the scores below are projected" in current
    assert "projected score" in current


def test_signed_out_visitors_go_to_the_sign_in_page(demo_in_db: m.Organization) -> None:
    response = Client().get("/cycles/2026-Q4/review")
    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


def test_an_unknown_cycle_is_not_found(web_as: Web) -> None:
    assert web_as("member").get("/cycles/NOPE/review").status_code == 404


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_hidden_objectives_are_not_in_the_review(web_as: Web, persona: str) -> None:
    body = web_as(persona).get("/cycles/2026-Q4/review").content.decode()
    for hidden, allowed in HIDDEN.items():
        if persona not in allowed and not hidden.startswith("DEP"):
            assert hidden not in body, (persona, hidden)


def test_your_objectives_come_first_and_others_are_grouped_by_owner(web_as: Web) -> None:
    response = web_as("member").get("/cycles/2026-Q4/review")
    yours = section(response, "yours-heading")
    others = section(response, "others-heading")
    for objective in ("SR-1", "SR-2", "BEN-1"):
        assert f'id="objective-{objective}"' in yours
    assert 'id="objective-IN-1"' not in yours
    assert 'id="objective-IN-1"' in others
    assert "<h3>Infrastructure" in others
    # ben may grade and reflect on his team's objectives, not on Infrastructure's.
    assert "/review/key-results/SR-1.1/score" in yours
    assert "/review/objectives/SR-1/reflection" in yours
    assert "/review/key-results/IN-1.1/score" not in others
    assert "Org admins and the lead of Northwind (Zoe Adler) close and reopen cycles." in text(
        response
    )


def test_an_override_with_a_reason_changes_the_score_in_place(web_as: Web) -> None:
    response = web_as("lead").post(
        "/cycles/2026-Q3/review/key-results/SR-Q3-1.1/score",
        {"score": "0.9", "reason": "Measured on the wrong cohort"},
        headers=HTMX,
    )
    assert response.status_code == 200
    card = text(response)
    assert card.strip().startswith("SR-Q3-1")
    assert "SR-Q3-1.1 is graded 0.9 by hand" in card
    assert "overridden by Ana Lima" in card
    assert "“Measured on the wrong cohort”" in card
    # The objective's score is the mean of 0.9 and the overridden 1.0.
    assert "0.95 score" in card
    stored = KeyResult.objects.get(id="SR-Q3-1.1")
    assert (stored.override_score, stored.override_by_id) == (0.9, "ana")


def test_an_override_needs_a_score_in_range_and_a_reason(web_as: Web) -> None:
    client = web_as("lead")
    bad = client.post(
        "/cycles/2026-Q3/review/key-results/SR-Q3-1.1/score",
        {"score": "1.4", "reason": ""},
        headers=HTMX,
    )
    assert bad.status_code == 422
    card = bad.content.decode()
    assert re.search(r'id="score-SR-Q3-1.1-value".*?A score is 1.0 at most', card, re.S)
    assert re.search(r'id="score-SR-Q3-1.1-reason".*?a reason is required', card, re.S)
    assert 'value="1.4"' in card  # what was typed is kept
    assert KeyResult.objects.get(id="SR-Q3-1.1").override_score is None
    # Without JavaScript: the page again, with the same messages.
    page = client.post(
        "/cycles/2026-Q3/review/key-results/SR-Q3-1.1/score", {"score": "", "reason": "why"}
    )
    assert page.status_code == 422
    assert "Give the score you grade it with" in page.content.decode()
    assert ">why</textarea>" in page.content.decode()


def test_clearing_an_override_goes_back_to_the_computed_score(web_as: Web) -> None:
    response = web_as("member").post(
        "/cycles/2026-Q3/review/key-results/SR-Q3-1.2/score", {"clear": "1"}
    )
    assert response.status_code == 303
    assert response["Location"] == "/cycles/2026-Q3/review#objective-SR-Q3-1"
    assert KeyResult.objects.get(id="SR-Q3-1.2").override_score is None
    page = text(web_as("member").get("/cycles/2026-Q3/review"))
    assert "SR-Q3-1.2 is graded with its computed score again." in page
    assert "Scope cut to 8 formats" not in page


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("outsider", "/cycles/2026-Q3/review/key-results/SR-Q3-1.1/score", 403),
        ("other_team", "/cycles/2026-Q4/review/key-results/BEN-1.1/score", 404),
        ("lead", "/cycles/2026-Q4/review/key-results/SR-Q3-1.1/score", 404),  # not in Q4
        ("outsider", "/cycles/2026-Q4/review/objectives/SR-1/reflection", 403),
        ("lead", "/cycles/2026-Q4/review/objectives/MO-1/reflection", 404),
        ("lead", "/cycles/2026-Q4/review/state", 403),
    ],
)
def test_refusals_change_nothing(web_as: Web, persona: str, path: str, status: int) -> None:
    response = web_as(persona).post(
        path, {"score": "0.5", "reason": "x", "text": "x", "state": "closed"}
    )
    assert response.status_code == status
    assert not KeyResult.objects.filter(override_by__isnull=False).exists()
    assert not Reflection.objects.exists()
    assert Cycle.objects.get(id="2026-Q4").state == Cycle.State.ACTIVE


def test_a_reflection_is_written_in_place_and_shown_with_its_author(web_as: Web) -> None:
    client = web_as("member")
    empty = client.post(
        "/cycles/2026-Q4/review/objectives/SR-1/reflection", {"text": " "}, headers=HTMX
    )
    assert empty.status_code == 422
    assert "Write a few words" in empty.content.decode()
    saved = client.post(
        "/cycles/2026-Q4/review/objectives/SR-1/reflection",
        {"text": "Caching paid off; capacity came late."},
        headers=HTMX,
    )
    assert saved.status_code == 200
    card = text(saved)
    assert "Caching paid off; capacity came late." in card
    assert "By Ben Okafor on" in card
    assert Reflection.objects.get(objective_id="SR-1").by_id == "ben"
    # Others read it.
    assert "Caching paid off" in text(web_as("other_team").get("/cycles/2026-Q4/review"))


def test_closing_and_reopening_the_cycle(web_as: Web) -> None:
    admin = web_as("admin")
    page = admin.get("/cycles/2026-Q4/review").content.decode()
    assert 'data-confirm="Close 2026-Q4?' in page
    closed = admin.post("/cycles/2026-Q4/review/state", {"state": "closed"})
    assert closed.status_code == 303
    assert Cycle.objects.get(id="2026-Q4").state == Cycle.State.CLOSED
    # Read-only: the reflection form is disabled with the reason; grading still works.
    member = web_as("member").get("/cycles/2026-Q4/review")
    yours = section(member, "yours-heading")
    assert "<fieldset disabled>" in yours
    assert "The cycle is closed, so reflections are read-only." in yours
    refused = web_as("member").post(
        "/cycles/2026-Q4/review/objectives/SR-1/reflection", {"text": "late"}, headers=HTMX
    )
    assert refused.status_code == 409
    assert "is closed" in refused.content.decode()
    graded = web_as("member").post(
        "/cycles/2026-Q4/review/key-results/SR-1.2/score",
        {"score": "0.5", "reason": "half the regions"},
        headers=HTMX,
    )
    assert graded.status_code == 200
    reopened = admin.post("/cycles/2026-Q4/review/state", {"state": "open"})
    assert reopened.status_code == 303
    assert Cycle.objects.get(id="2026-Q4").state == Cycle.State.ACTIVE
    assert "2026-Q4 is open again (active)." in text(admin.get("/cycles/2026-Q4/review"))


def test_the_company_lead_may_close_without_being_an_admin(web_as: Web) -> None:
    zoe = User.objects.create(username="zoe-lead")
    Person.objects.filter(id="zoe").update(user=zoe)
    client = Client()
    client.force_login(zoe)
    assert client.post("/cycles/2026-Q4/review/state", {"state": "closed"}).status_code == 303
    assert Cycle.objects.get(id="2026-Q4").state == Cycle.State.CLOSED


def _counts(client: Client, path: str) -> dict[str, int]:
    found = {}
    for cache in ("cold", "warm"):
        if cache == "cold":
            cache_clear()
        else:
            client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        found[cache] = len(queries)
    return found


def test_the_review_takes_the_same_queries_on_a_larger_organisation(
    db: None, generated_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = []
    for people in (100, 300):
        organization = load_path(generated_file(people)).organization
        organization_import(
            org=organization, source="generated", today=date(2026, 9, 1), prune=True
        )
        root = Team.objects.get(is_root=True)
        team = Team.objects.filter(parent=root).order_by("position").first()
        assert team is not None
        user = User.objects.create(username=f"lead-{people}")
        Person.objects.filter(id=root.lead_id).update(user=user)
        client = Client()
        client.force_login(user)
        counts = {}
        # Q4: projected scores (a second evaluation); Q3: ended, graded; a team's page; and
        # the others listed by owner, or counted by team.
        for listed in (1000, 0):
            monkeypatch.setattr(review, "OTHERS_LISTED", listed)
            for path in ("2026-Q3/review", "2026-Q4/review", f"2026-Q4/review?team={team.id}"):
                counts[(listed, path.replace(team.id, "TEAM"))] = _counts(client, f"/cycles/{path}")
        found.append(counts)
    assert found[0] == found[1]


def test_two_owners_grading_at_once_do_not_overwrite_each_other(web_as: Web) -> None:
    version = str(KeyResult.objects.get(id="SR-Q3-1.1").version)
    path = "/cycles/2026-Q3/review/key-results/SR-Q3-1.1/score"
    first = web_as("lead").post(
        path, {"score": "0.9", "reason": "wrong cohort", "version": version}, headers=HTMX
    )
    assert first.status_code == 200
    second = web_as("member").post(
        path, {"score": "0.2", "reason": "too generous", "version": version}, headers=HTMX
    )
    assert second.status_code == 409
    assert "since you opened the page" in second.content.decode()
    assert "too generous" in second.content.decode()  # what was typed stays
    assert KeyResult.objects.get(id="SR-Q3-1.1").override_score == 0.9


def test_two_owners_reflecting_at_once_do_not_overwrite_each_other(web_as: Web) -> None:
    path = "/cycles/2026-Q4/review/objectives/SR-1/reflection"
    # Both opened the page when there was no reflection yet ("").
    first = web_as("member").post(path, {"text": "Ben's look back", "based_on": ""}, headers=HTMX)
    assert first.status_code == 200
    second = web_as("lead").post(path, {"text": "Ana's look back", "based_on": ""}, headers=HTMX)
    assert second.status_code == 409
    assert (
        "Ben Okafor saved a reflection on SR-1 since you opened the page" in second.content.decode()
    )
    assert "Ana&#x27;s look back" in second.content.decode()
    assert Reflection.objects.get(objective_id="SR-1").text == "Ben's look back"
    # Having read it, Ana rewrites it.
    page = text(web_as("lead").get("/cycles/2026-Q4/review"))
    assert "Ben's look back" in page
    stamp = Reflection.objects.get(objective_id="SR-1").at.isoformat()
    again = web_as("lead").post(path, {"text": "Ana's look back", "based_on": stamp}, headers=HTMX)
    assert again.status_code == 200


# --- a bounded page: your objectives, a team's, figures by team -------------------------


def test_a_team_lists_its_own_objectives_and_counts_its_sub_teams(web_as: Web) -> None:
    response = web_as("admin").get("/cycles/2026-Q4/review", {"team": "infra"})
    assert response.status_code == 200
    team = section(response, "team-heading")
    assert "Objectives of Infrastructure (2)" in text(response)
    for objective in ("IN-1", "IN-2"):
        assert f'id="objective-{objective}"' in team
    assert 'id="objective-SRE-1"' not in response.content.decode()
    # The sub-team is one link away, with its figures.
    teams = section(response, "teams-heading")
    assert re.search(
        r'<a href="/cycles/2026-Q4/review\?team=sre">Site Reliability</a>'
        r'.*?<td class="num"[^>]*>1</td>',
        teams,
        re.S,
    )
    # The forms bring the owner back to this team's list.
    assert '<input type="hidden" name="team" value="infra">' in team
    # Where it sits: the company above it.
    assert 'href="/cycles/2026-Q4/review?team=nw">Northwind</a>' in response.content.decode()


def test_the_company_lead_s_own_objectives_are_the_company_s(web_as: Web) -> None:
    # Zoe leads the company (so every team is below her): her own are Northwind's, none in Q4.
    response = web_as("admin").get("/cycles/2026-Q4/review")
    yours = section(response, "yours-heading")
    assert "Neither you nor your teams own an objective in 2026-Q4" in text(response)
    others = section(response, "others-heading")
    assert 'id="objective-SR-1"' in others
    # As an admin she may still grade any of them.
    assert "/review/key-results/SR-1.1/score" in others
    assert 'id="objective-' not in yours


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_many_other_objectives_are_counted_by_team(
    web_as: Web, persona: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review, "OTHERS_LISTED", 2)
    client = web_as(persona)
    response = client.get("/cycles/2026-Q4/review")
    others = section(response, "others-heading")
    assert "too many for one page" in text(response)
    assert 'id="objective-' not in others  # counted, not listed
    rows = dict(
        re.findall(
            r'<a href="/cycles/2026-Q4/review\?team=([^"]+)">[^<]*</a>[^\n]*</th>\s*'
            r'<td class="num"[^>]*>(\d+)</td>',
            others,
        )
    )
    assert set(rows) == {"search", "infra", "payments", "mobile", "cs"}
    # Each team's count is its report's (its sub-teams and members too), of what this
    # person may see: the private BEN-1 counts for those who may see it only.
    for team, count in rows.items():
        report = client.get("/report.csv", {"team": team, "cycle": "2026-Q4"})
        rows_of = csv.DictReader(io.StringIO(report.content.decode("utf-8-sig")))
        objectives = {row["objective_id"] for row in rows_of}
        assert int(count) == len(objectives), (persona, team)


def test_the_figures_count_reflections_and_overrides(
    web_as: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review, "OTHERS_LISTED", 2)
    member = web_as("member")
    assert (
        member.post(
            "/cycles/2026-Q4/review/objectives/SR-1/reflection", {"text": "Done well."}
        ).status_code
        == 303
    )
    assert (
        member.post(
            "/cycles/2026-Q4/review/key-results/SR-1.1/score", {"score": "0.5", "reason": "why"}
        ).status_code
        == 303
    )
    others = section(web_as("other_team").get("/cycles/2026-Q4/review"), "others-heading")
    search = re.search(r'team=search">Search</a>.*?</tr>', others, re.S)
    assert search is not None
    cells = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', search.group(0))
    # Objectives, mean projected score, overridden, reflections (BEN-1 is not visible to
    # dan); whether they met their expectation is not said before the cycle ends.
    assert cells[0] == "2"
    assert cells[2] == "1"
    assert cells[3] == "1 of 2"


def test_your_objectives_come_a_page_at_a_time(
    web_as: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review, "PER_PAGE", 2)
    client = web_as("member")
    first = client.get("/cycles/2026-Q4/review")
    yours = section(first, "yours-heading")
    assert "Your objectives (3)" in text(first)
    assert len(re.findall(r'<article class="card review-objective" id=', yours)) == 2
    assert "1–2 of 3 objectives" in yours
    assert 'href="?page=2#yours-heading"' in yours
    second = client.get("/cycles/2026-Q4/review", {"page": "2"})
    shown = re.findall(
        r'<article class="card review-objective" id="objective-([^"]+)"',
        section(second, "yours-heading"),
    )
    assert len(shown) == 1
    assert '<input type="hidden" name="page" value="2">' in second.content.decode()
    # A write from page 2 comes back to page 2, with and without JavaScript.
    objective = shown[0]
    saved = client.post(
        f"/cycles/2026-Q4/review/objectives/{objective}/reflection",
        {"text": "Looked back.", "page": "2"},
    )
    assert saved["Location"] == f"/cycles/2026-Q4/review?page=2#objective-{objective}"
    refused = client.post(
        f"/cycles/2026-Q4/review/objectives/{objective}/reflection", {"text": " ", "page": "2"}
    )
    assert refused.status_code == 422
    assert "Write a few words" in section(refused, "yours-heading")
    assert "3–3 of 3 objectives" in text(refused)


def test_an_unknown_team_shows_your_objectives(web_as: Web) -> None:
    response = web_as("member").get("/cycles/2026-Q4/review", {"team": "nope", "page": "x"})
    assert response.status_code == 200
    assert 'id="objective-SR-1"' in section(response, "yours-heading")


def test_the_scores_at_the_cycle_s_end_are_computed_once_and_follow_changes(
    web_as: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[date] = []
    real = selectors.view_get

    def counting(*, audience: Any, as_of: date) -> Any:
        if as_of != TODAY:  # the view of today is every page's
            asked.append(as_of)
        return real(audience=audience, as_of=as_of)

    monkeypatch.setattr(selectors, "view_get", counting)
    client = web_as("member")
    client.get("/cycles/2026-Q4/review")
    client.get("/cycles/2026-Q4/review")
    assert asked == [date(2026, 12, 31)]
    # A change makes a new view of today: the scores are asked for again, and follow it.
    client.post(
        "/cycles/2026-Q4/review/key-results/SR-1.1/score", {"score": "0.9", "reason": "why"}
    )
    page = text(client.get("/cycles/2026-Q4/review"))
    assert len(asked) == 2
    assert "“why”" in page


# --- the cycle switcher, and projected scores that are not yet judged --------------------


def test_every_cycle_is_one_choice_away(web_as: Web) -> None:
    body = web_as("member").get("/cycles/2026-Q4/review").content.decode()
    switcher = re.search(r'<select name="cycle".*?</select>', body, re.S)
    assert switcher is not None
    options = re.findall(r'<option value="([^"]+)"( selected)?>([^<]*)</option>', switcher[0])
    assert [(value, label) for value, _selected, label in options] == [
        ("FY2026", "FY2026: 1 Jan to 31 Dec 2026, under way"),
        ("2026-Q3", "2026-Q3: 1 Jul to 30 Sep 2026, ended"),
        ("2026-Q4", "2026-Q4: 1 Oct to 31 Dec 2026, under way"),
    ]
    assert [value for value, chosen, _label in options if chosen] == ["2026-Q4"]
    assert '<label for="id_cycle">Cycle</label>' in body


def test_choosing_a_cycle_opens_its_review_for_the_same_team(web_as: Web) -> None:
    client = web_as("member")
    # The form is sent to the review in view, without scripts: it moves to the one chosen.
    response = client.get("/cycles/2026-Q4/review", {"cycle": "FY2026", "team": "search"})
    assert response.status_code == 302
    assert response["Location"] == "/cycles/FY2026/review?team=search"
    annual = client.get(response["Location"])
    assert "Review of FY2026: Search" in text(annual)
    # The same cycle (the "Show" button for a team) stays where it is.
    same = client.get("/cycles/2026-Q4/review", {"cycle": "2026-Q4", "team": "infra"})
    assert same.status_code == 200
    assert client.get("/cycles/2026-Q4/review", {"cycle": "NOPE"}).status_code == 404


def test_projected_scores_are_not_judged_met_or_not(
    web_as: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = web_as("admin")
    current = text(client.get("/cycles/2026-Q4/review"))
    assert "projected score" in current
    assert "Not met" not in current
    assert "✓ Met" not in current
    # Counted by team, the column of met expectations waits for the end too.
    monkeypatch.setattr(review, "OTHERS_LISTED", 2)
    counted = client.get("/cycles/2026-Q4/review").content.decode()
    assert "Met expectation" not in counted
    assert "Whether an objective met its expectation is known when the cycle ends." in counted
    # After the end, each is judged.
    closed = text(client.get("/cycles/2026-Q3/review"))
    assert "✓ Met" in closed


def test_a_score_takes_any_two_decimals(web_as: Web) -> None:
    client = web_as("member")
    form = client.get("/cycles/2026-Q4/review").content.decode()
    assert 'step="0.01"' in form
    assert 'step="0.05"' not in form
    graded = client.post(
        "/cycles/2026-Q4/review/key-results/SR-1.1/score", {"score": "0.73", "reason": "why"}
    )
    assert graded.status_code == 303
    assert KeyResult.objects.get(id="SR-1.1").override_score == 0.73
    finer = client.post(
        "/cycles/2026-Q4/review/key-results/SR-1.1/score",
        {"score": "0.735", "reason": "why"},
        headers=HTMX,
    )
    assert finer.status_code == 422
    assert "two decimals at most, such as 0.73" in text(finer)
    assert KeyResult.objects.get(id="SR-1.1").override_score == 0.73


def test_mid_cycle_the_review_shows_todays_progress_and_health_as_other_pages_do(
    web_as: Web,
) -> None:
    """Before a cycle ends its scores are projected to the end, but its bars and health are
    today's: a key result is not "off track, 100% expected" on the review alone."""
    client = web_as("admin")
    review = client.get("/cycles/2026-Q4/review").content.decode()
    objective = client.get("/objectives/SR-2").content.decode()
    assert "100% expected by now" not in review
    # SR-2.1 reads the same on both pages.
    pattern = r'title="(40%, \d+% expected by now; [^"]+)"'
    on_objective = re.findall(r"Progress of SR-2.1\" " + pattern, objective)
    on_review = re.findall(r"Progress of SR-2.1\" " + pattern, review)
    assert on_objective
    assert on_review == on_objective[:1]
