"""The weekly digests: what each reader finds in theirs (a member, a team lead, an executive,
a team's channel), with the report's figures, and never what they may not see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time

import pytest

from tandem.core import model as m
from tandem.core.report import build_report, resolve_scope
from tandem.dependencies.services import dependency_create
from tandem.notifications.cadence import DIGEST, Rhythm, cadence_set
from tandem.notifications.digests import message_text, person_digest
from tandem.notifications.models import Notification
from tandem.notifications.rhythm import rhythm_run, team_digest_get
from tandem.notifications.round import round_get
from tandem.notifications.services import Message
from tests.conftest import TODAY

Digest = Callable[[str], str]


@pytest.fixture
def digest(demo_in_db: m.Organization) -> Digest:
    """``digest(person)``: their digest of the demo's today, as text."""
    return lambda person_id: message_text(person_digest(round_get(TODAY), person_id, "slot"))


def headings(message: Message) -> list[str]:
    return [section.heading for section in message.sections]


def test_a_members_digest_lists_what_needs_them_and_what_changed(digest: Digest) -> None:
    text = digest("ben")
    assert "Needs you" in text
    assert "Check in on SR-1.1" in text
    assert "/objectives/SR-1#kr-SR-1.1" in text
    assert "SR-1.1 checked in by Ben Okafor on 20 Nov: value 680, confidence 5" in text
    assert (
        "SR-1.1 Cut p50 search latency in the EU from 900 ms to 400 ms: at risk → off track" in text
    )
    assert "Search: objectives" not in text  # ben leads no team
    assert "Company objectives" not in text


def test_a_leads_digest_has_their_teams_week(digest: Digest) -> None:
    text = digest("ana")
    assert "Search: objectives" in text
    assert "SR-1 Make answers fast everywhere: 72 %, off track (a week ago 71 %, at risk)" in text
    assert "Search: requests waiting on the team" in text
    assert "DEP-3" in text
    assert "Search: risk from other teams" in text
    assert (
        "SR-1.1 is off track: DEP-1 from Infrastructure is provider off track (via IN-1.1)" in text
    )
    assert "Company objectives" not in text


def test_the_figures_are_the_reports(demo_in_db: m.Organization) -> None:
    """An admin's report of the same day: its objectives' progress, its alignment."""
    rnd = round_get(TODAY)
    report = build_report(rnd.org, rnd.view.evaluation, resolve_scope(rnd.org, TODAY))
    text = message_text(person_digest(rnd, "zoe", "slot"))
    company = [row for row in report["objectives"] if row["owner"] == "nw"]
    assert len(company) == 3
    for row in company:
        assert f"{row['id']} {row['title']}: {round(row['progress'] * 100)} %" in text
    # The forecasts (SPEC section 5) are the report's too.
    lead = message_text(person_digest(rnd, "ana", "slot"))
    search = [row for row in report["objectives"] if row["owner"] == "search"]
    assert any(row["forecast"] is not None for row in search)
    for row in search:
        if row["forecast"] is not None:
            words = f"forecast to reach {round(row['forecast'] * 100)} % by 2026-12-31"
            assert f"{row['id']} {row['title']}: " in lead
            assert words in lead.split(f"{row['id']} {row['title']}: ")[1].split("\n")[0]
    assert f"company's: {round(report['alignment']['aligned_ratio'] * 100)} %" in text


def test_an_executives_digest_has_the_company_its_risk_and_alignment(digest: Digest) -> None:
    text = digest("zoe")  # the company's lead
    assert "Company objectives" in text
    assert "NW-1 Become the fastest search experience in our market: 71 %, off track" in text
    assert "What puts them at risk" in text
    assert text.count("IN-1.1 is off track: DEP-2") == 1
    assert "Objectives aligned to the company's: 93 %" in text
    assert "Northwind: objectives" not in text  # the company's part stands for its team's


@pytest.fixture
def ben_asks(demo_in_db: m.Organization) -> None:
    """BEN-1 (private to ben and his manager chain: ana, sofia, zoe) asks Search and
    Infrastructure for help."""
    dependency_create(from_id="BEN-1.1", provider_team_id="search", need="cache keys", by_id="ben")
    dependency_create(from_id="BEN-1.1", provider_team_id="infra", need="cache nodes", by_id="ben")


@pytest.mark.usefixtures("ben_asks")
def test_the_private_ben_1_reaches_only_who_may_see_it(digest: Digest) -> None:
    assert "BEN-1.1" in digest("ben")
    assert "cache keys" in digest("ana")  # ana leads Search and manages ben
    for person_id in ("dan", "tom", "cai", "omar"):  # infra, payments, search, infra's lead
        text = digest(person_id)
        assert "BEN-1" not in text, person_id
        assert "cache" not in text, person_id
    for team_id in ("search", "infra"):
        assert "BEN-1" not in message_text(team_digest_get(team_id, TODAY))
        assert "cache" not in message_text(team_digest_get(team_id, TODAY))


@pytest.mark.usefixtures("ben_asks")
def test_the_rounds_digests_are_the_builders(demo_in_db: m.Organization) -> None:
    cadence_set(kind=DIGEST, rhythm=Rhythm(5, time(8, 0)))  # Saturdays, the demo's today
    rhythm_run(datetime(2026, 11, 21, 7, 45, tzinfo=UTC), datetime(2026, 11, 21, 8, tzinfo=UTC))
    notes = Notification.objects.filter(category="digest")
    assert notes.count() == len(demo_in_db.people)
    dan = notes.get(recipient_id="dan")
    assert dan.slot == "2026-11-21"
    assert "BEN-1" not in str(dan.sections)
    assert "BEN-1" in str(notes.get(recipient_id="ben").sections)


def test_a_teams_digest_is_its_week_for_its_channel(demo_in_db: m.Organization) -> None:
    message = team_digest_get("search", TODAY)
    assert message.category == "digest"
    assert message.title == "Search: the week in Tandem"
    assert "Search: objectives" in headings(message)
    assert "Search: risk from other teams" in headings(message)
