"""The cadence settings page: everyone sets their own, a team's lead their team's, an admin
the organisation's; saved with a confirmation, refused with the reason next to the field, and
never what the caller may not set. And a reminder as the inbox shows it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time

from django.test import Client

from tandem.notifications.cadence import DIGEST, REMINDER, Rhythm, cadence_set, cadences_get
from tandem.notifications.rhythm import rhythm_run

WebAs = Callable[[str], Client]


def post(client: Client, scope: str, kind: str, **fields: str) -> object:
    data = {"scope": scope, "kind": kind, "action": fields.pop("action", "save")}
    data |= {f"{scope}-{kind}-{name}": value for name, value in fields.items()}
    return client.post("/settings/cadence", data, follow=True)


def test_everyone_sets_their_own_and_sees_it_confirmed(web_as: WebAs) -> None:
    ben = web_as("member")
    page = ben.get("/settings/cadence").content.decode()
    assert "Yours" in page
    assert "Not set here: default applies (Monday at 09:00, every week)" in page
    assert "The organisation" not in page
    assert "Team Search" not in page  # ben leads no team
    answer = post(ben, "me", REMINDER, weekday="2", at="10:30", every_weeks="2")
    assert answer.status_code == 200  # type: ignore[attr-defined]
    html = answer.content.decode()  # type: ignore[attr-defined]
    assert "Saved your check-in reminders: Wednesday at 10:30, every 2 weeks." in html
    assert cadences_get(["ben"]).people[REMINDER, "ben"].at == time(10, 30)
    post(ben, "me", REMINDER, action="clear")
    assert (REMINDER, "ben") not in cadences_get(["ben"]).people


def test_a_lead_sets_their_teams_and_may_not_set_anothers(web_as: WebAs) -> None:
    ana = web_as("lead")
    page = ana.get("/settings/cadence").content.decode()
    assert "Team Search" in page
    assert "data-confirm=" in page  # a team's change asks first
    post(ana, "team:search", DIGEST, weekday="4", at="16:00", every_weeks="1")
    assert cadences_get([]).teams[DIGEST, "search"].weekday == 4
    refused = post(ana, "team:infra", DIGEST, weekday="4", at="16:00", every_weeks="1")
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert (DIGEST, "infra") not in cadences_get([]).teams


def test_only_an_admin_sets_the_organisations(web_as: WebAs) -> None:
    assert "The organisation" in web_as("admin").get("/settings/cadence").content.decode()
    post(web_as("admin"), "organisation", REMINDER, weekday="0", at="08:15", every_weeks="1")
    assert cadences_get([]).organisation[REMINDER].at == time(8, 15)
    refused = post(
        web_as("member"), "organisation", REMINDER, weekday="1", at="08:15", every_weeks="1"
    )
    assert refused.status_code == 403  # type: ignore[attr-defined]


def test_a_mistake_is_shown_next_to_its_field_and_nothing_is_saved(web_as: WebAs) -> None:
    answer = post(web_as("member"), "me", REMINDER, weekday="1", at="25:99", every_weeks="60")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    html = answer.content.decode()  # type: ignore[attr-defined]
    assert "Write the time as HH:MM, e.g. 09:00." in html
    assert "At most every 52 weeks." in html
    assert (REMINDER, "ben") not in cadences_get(["ben"]).people


def test_the_page_needs_signing_in(demo_in_db: object) -> None:
    answer = Client().get("/settings/cadence")
    assert answer.status_code == 302


def test_a_reminder_in_the_inbox_links_each_key_result_to_its_check_in_form(
    web_as: WebAs,
) -> None:
    cadence_set(kind=REMINDER, rhythm=Rhythm(5, time(9, 0)))  # the demo's today, a Saturday
    rhythm_run(datetime(2026, 11, 21, 8, 45, tzinfo=UTC), datetime(2026, 11, 21, 9, tzinfo=UTC))
    html = web_as("member").get("/inbox").content.decode()
    assert "key results need your check-in" in html
    assert "Needs your check-in" in html
    assert 'href="/objectives/SR-1#kr-SR-1.1"' in html
