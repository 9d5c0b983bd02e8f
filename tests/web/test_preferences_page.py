"""The settings pages: a person's notification preferences (saved, confirmed, locked ones
disabled and refused, a stale form never overwriting) and the organisation's defaults, for
admins only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tandem.notifications.preference_models import OrganisationChannel, Preferences
from tandem.notifications.preference_services import (
    OrganisationChoices,
    organisation_defaults_update,
)
from tandem.notifications.preferences import EMAIL, ChannelDefault, readers_get
from tandem.people.models import Person

WebAs = Callable[[str], Client]
PAGE = "/settings/notifications"
ORG_PAGE = "/settings/organisation/notifications"

pytestmark = pytest.mark.django_db


def form_data(**changes: Any) -> dict[str, Any]:
    """What the page sends when saved untouched (everything on), with ``changes``."""
    data: dict[str, Any] = {
        "version": "1",
        "time_zone": "",
        "quiet_hours": "organisation",
        "reminder_cap_choice": "organisation",
        "pause": "",
        **{f"email_{c}": "on" for c in ("dependency", "risk", "reminder", "digest")},
        **{f"email_{c}": "on" for c in ("comment", "cycle", "system")},
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_settings_link_and_index_for_a_signed_in_person(web_as: WebAs) -> None:
    ben = web_as("member")
    assert 'href="/settings"' in ben.get("/").content.decode()
    index = ben.get("/settings").content.decode()
    assert f'href="{PAGE}"' in index
    assert ORG_PAGE not in index
    assert ORG_PAGE in web_as("admin").get("/settings").content.decode()


@pytest.mark.parametrize("path", ["/settings", PAGE, ORG_PAGE])
def test_anonymous_people_are_sent_to_sign_in(demo_in_db: object, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_a_member_saves_their_preferences_and_sees_them_kept(web_as: WebAs) -> None:
    ben = web_as("member")
    page = ben.get(PAGE).content.decode()
    assert "Always on" in page
    assert 'name="email_digest"' in page
    data = form_data(
        email_digest=None,
        time_zone="Europe/Paris",
        quiet_hours="own",
        quiet_start="21:00",
        quiet_end="07:30",
        reminder_cap_choice="own",
        reminder_cap="2",
    )
    response = ben.post(PAGE, data, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your notification preferences are saved." in html
    assert 'value="Europe/Paris"' in html
    assert 'value="21:00"' in html
    reader = readers_get(["ben"])["ben"]
    assert not reader.wants("digest", EMAIL)
    assert reader.wants("risk", EMAIL)
    assert reader.reminder_cap == 2
    assert str(reader.time_zone) == "Europe/Paris"


def test_mistakes_are_shown_on_the_form(web_as: WebAs) -> None:
    ben = web_as("member")
    response = ben.post(PAGE, form_data(time_zone="Mars/Olympus", quiet_hours="own"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Give the start and the end of your quiet hours." in html
    response = ben.post(PAGE, form_data(time_zone="Mars/Olympus"))
    assert response.status_code == 422
    assert "is not a time zone Tandem knows" in response.content.decode()
    assert not Preferences.objects.filter(person_id="ben").exists()


def test_a_locked_setting_is_disabled_with_the_reason_and_refused(web_as: WebAs) -> None:
    organisation_defaults_update(
        version=None,
        choices=OrganisationChoices(
            channels={("reminder", EMAIL): ChannelDefault(True, True, "our weekly rhythm")}
        ),
    )
    ben = web_as("member")
    html = ben.get(PAGE).content.decode()
    assert "Set by your organisation: our weekly rhythm" in html
    assert (
        '<input type="checkbox" name="email_reminder" disabled id="id_email_reminder" checked>'
        in html
    )
    # A browser sends nothing for a disabled checkbox: saving keeps it on.
    assert ben.post(PAGE, form_data(email_reminder=None)).status_code == 303
    assert readers_get(["ben"])["ben"].wants("reminder", EMAIL)
    # Sent all the same, with another value: refused, with why.
    refused = ben.post(PAGE, form_data(email_reminder="false", version="2"))
    assert refused.status_code == 422
    assert "is set by your organisation (our weekly rhythm)" in refused.content.decode()


def test_a_stale_form_never_overwrites(web_as: WebAs) -> None:
    ben = web_as("member")
    assert ben.post(PAGE, form_data(time_zone="Asia/Tokyo")).status_code == 303
    # Another tab, still on version 1.
    stale = ben.post(PAGE, form_data(time_zone="Europe/Paris"))
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone else saved this page while you were editing it" in html
    assert "Europe/Paris" in html  # what was typed, to apply again
    assert 'value="Asia/Tokyo"' in html  # what is stored
    assert str(readers_get(["ben"])["ben"].time_zone) == "Asia/Tokyo"


def test_clear_states_no_email_and_an_unknown_time_zone(web_as: WebAs) -> None:
    Person.objects.filter(id="ben").update(email=None)
    Preferences.objects.create(person_id="ben", time_zone="Mars/Olympus")
    html = web_as("member").get(PAGE).content.decode()
    assert "E-mail is off because we have no address for you; ask an admin" in html
    assert "“Mars/Olympus”, is no longer known" in html


@pytest.mark.parametrize("persona", ["member", "lead", "outsider"])
def test_only_admins_see_the_organisations_defaults(web_as: WebAs, persona: str) -> None:
    assert web_as(persona).get(ORG_PAGE).status_code == 403
    assert web_as(persona).post(ORG_PAGE, {}).status_code == 403


def org_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"version": "1", "time_zone": "", "reminder_cap": ""}
    for category in ("dependency", "risk", "reminder", "digest", "comment", "cycle", "system"):
        data[f"email_{category}"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_admin_sets_defaults_and_locks(web_as: WebAs) -> None:
    zoe = web_as("admin")
    assert "Save the defaults" in zoe.get(ORG_PAGE).content.decode()
    data = org_data(
        email_digest=None,
        email_digest_locked="on",
        email_digest_reason="digests are in the inbox only",
        time_zone="Europe/Paris",
        quiet_start="22:00",
        quiet_end="07:00",
        reminder_cap="3",
    )
    response = zoe.post(ORG_PAGE, data, follow=True)
    assert "The organisation&#x27;s notification defaults are saved." in response.content.decode()
    lock = OrganisationChannel.objects.get(category="digest", channel=EMAIL)
    assert (lock.on, lock.locked, lock.lock_reason) == (
        False,
        True,
        "digests are in the inbox only",
    )
    reader = readers_get(["ben"])["ben"]
    assert str(reader.time_zone) == "Europe/Paris"
    assert reader.reminder_cap == 3
    assert not reader.wants("digest", EMAIL)
    stale = zoe.post(ORG_PAGE, org_data(time_zone="Asia/Tokyo"))
    assert stale.status_code == 409
    refused = zoe.post(ORG_PAGE, org_data(version="2", quiet_start="22:00"))
    assert refused.status_code == 422
