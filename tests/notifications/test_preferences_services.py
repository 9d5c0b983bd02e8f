"""Changing preferences: what a person may set, the organisation's locks refused with their
reason, versions that keep two editors from overwriting each other, and the e-mails'
one-click unsubscribe."""

from __future__ import annotations

from datetime import date, time

import pytest

from tandem.errors import InvalidError, NotFoundError, StaleVersionError
from tandem.notifications.preference_models import PersonChannel, Preferences
from tandem.notifications.preference_services import (
    Choices,
    LockedError,
    OrganisationChoices,
    QuietHours,
    email_unsubscribe,
    organisation_defaults_update,
    preferences_get,
    preferences_update,
)
from tandem.notifications.preferences import EMAIL, ChannelDefault, readers_get
from tandem.people.models import Person

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)


@pytest.fixture
def ben() -> str:
    Person.objects.create(id="ben", name="Ben", email="ben@example.com")
    return "ben"


def save(choices: Choices, version: int | None = None) -> None:
    preferences_update(person_id="ben", version=version, choices=choices, today=TODAY)


def test_a_person_sets_and_reads_back_their_choices(ben: str) -> None:
    save(
        Choices(
            time_zone="Europe/Paris",
            quiet_hours=QuietHours(time(21), time(8)),
            reminder_cap_own=True,
            reminder_cap=3,
            channels={("digest", EMAIL): False},
        ),
        version=1,
    )
    found = preferences_get("ben")
    assert found.version == 2
    assert found.own.time_zone == "Europe/Paris"
    assert found.own.quiet_hours == QuietHours(time(21), time(8))
    assert not found.state("digest", EMAIL).on
    assert found.state("risk", EMAIL).on
    reader = readers_get(["ben"])["ben"]
    assert reader.reminder_cap == 3
    assert not reader.wants("digest", EMAIL)


def test_what_matches_the_default_follows_the_organisation_later(ben: str) -> None:
    save(Choices(channels={("digest", EMAIL): False}))
    save(Choices(channels={("digest", EMAIL): True}))
    assert not PersonChannel.objects.exists()
    organisation_defaults_update(
        version=None,
        choices=OrganisationChoices(channels={("digest", EMAIL): ChannelDefault(on=False)}),
    )
    assert not readers_get(["ben"])["ben"].wants("digest", EMAIL)


def test_a_save_based_on_an_old_version_is_refused(ben: str) -> None:
    save(Choices(time_zone="Europe/Paris"), version=1)
    with pytest.raises(StaleVersionError, match="changed elsewhere"):
        save(Choices(time_zone="Asia/Tokyo"), version=1)
    assert preferences_get("ben").own.time_zone == "Europe/Paris"


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        (Choices(time_zone="Mars/Olympus"), "time_zone"),
        (Choices(quiet_hours=QuietHours(time(22), None)), "quiet_hours"),
        (Choices(quiet_hours=QuietHours(time(22), time(22))), "quiet_hours"),
        (Choices(reminder_cap_own=True, reminder_cap=101), "reminder_cap"),
        (Choices(paused=True, paused_until=TODAY), "paused_until"),
        (Choices(channels={("weather", EMAIL): False}), "channels"),
        (Choices(channels={("digest", "inbox"): False}), "channels"),
    ],
)
def test_invalid_choices_are_refused_with_the_field(ben: str, choices: Choices, field: str) -> None:
    with pytest.raises(InvalidError) as refused:
        save(choices)
    assert refused.value.field == field


def test_a_locked_setting_is_refused_with_the_reason(ben: str) -> None:
    organisation_defaults_update(
        version=None,
        choices=OrganisationChoices(
            channels={("reminder", EMAIL): ChannelDefault(True, True, "check-ins are weekly")}
        ),
    )
    with pytest.raises(LockedError, match=r"set by your organisation.*check-ins are weekly"):
        save(Choices(channels={("reminder", EMAIL): False}))
    # Sending the locked value itself (a form that shows it) is fine.
    save(Choices(channels={("reminder", EMAIL): True}))
    state = preferences_get("ben").state("reminder", EMAIL)
    assert state.locked
    assert state.reason == "check-ins are weekly"


def test_one_click_unsubscribe_turns_that_categorys_email_off(ben: str) -> None:
    assert email_unsubscribe(person_id="ben", category="digest")
    assert not email_unsubscribe(person_id="ben", category="digest")
    reader = readers_get(["ben"])["ben"]
    assert not reader.wants("digest", EMAIL)
    assert reader.wants("risk", EMAIL)


def test_unsubscribing_from_a_locked_category_is_refused(ben: str) -> None:
    organisation_defaults_update(
        version=None,
        choices=OrganisationChoices(channels={("system", EMAIL): ChannelDefault(True, True)}),
    )
    with pytest.raises(LockedError):
        email_unsubscribe(person_id="ben", category="system")


def test_only_a_person_has_preferences(ben: str) -> None:
    with pytest.raises(NotFoundError):
        preferences_get(None)
    with pytest.raises(NotFoundError):
        email_unsubscribe(person_id="gone", category="digest")


def test_the_organisations_defaults_have_versions_too() -> None:
    organisation_defaults_update(version=1, choices=OrganisationChoices(time_zone="Europe/Paris"))
    with pytest.raises(StaleVersionError):
        organisation_defaults_update(version=1, choices=OrganisationChoices())
    with pytest.raises(InvalidError):
        organisation_defaults_update(version=2, choices=OrganisationChoices(reminder_cap=-1))
    long_reason = ChannelDefault(True, True, "x" * 301)
    with pytest.raises(InvalidError):
        organisation_defaults_update(
            version=2, choices=OrganisationChoices(channels={("digest", EMAIL): long_reason})
        )


def test_a_pause_whose_date_has_come_reads_as_over(ben: str) -> None:
    save(Choices(paused=True, paused_until=date(2026, 11, 22)))
    Preferences.objects.filter(person_id="ben").update(paused_until=date(2020, 1, 1))
    found = preferences_get("ben")
    assert not found.reader.paused
    assert not found.own.paused
    # Saving what is shown is not refused for a date in the past.
    save(found.own, version=found.version)
