"""The check-in reminder: the key results that need the reader's check-in (exactly those of
their "what needs attention"), each linked to its check-in form; and the word to a team lead
when someone has had check-ins due at several reminders in a row."""

from __future__ import annotations

from tandem.notifications.models import Category
from tandem.notifications.round import Round
from tandem.notifications.services import Item, Message, Section
from tandem.organization.attention import CheckInDue
from tandem.organization.wording import person_name

REMINDER_KIND = "checkin_reminder"
ESCALATION_KIND = "checkin_reminder_missed"


def checkin_link(objective_id: str, key_result_id: str) -> str:
    """The objective page, opened on the key result's check-in form (tandem.js opens the
    form of the card the address names)."""
    return f"/objectives/{objective_id}#kr-{key_result_id}"


def _line(due: CheckInDue) -> Item:
    if due.days_since_update == 0:
        since = "not checked in yet"
    else:
        since = f"last update {due.days_since_update} days ago"
    stale = ", stale" if due.stale else ""
    return Item(
        f"{due.key_result} {due.title} ({since}{stale})",
        checkin_link(due.objective, due.key_result),
    )


def reminder_message(due: list[CheckInDue], slot: str) -> Message:
    """The reminder of ``slot`` (the reader's local day) for the key results ``due``."""
    count = len(due)
    title = (
        "1 key result needs your check-in"
        if count == 1
        else f"{count} key results need your check-in"
    )
    return Message(
        category=Category.REMINDER,
        kind=REMINDER_KIND,
        object_kind="reminder",
        object_id=slot,
        link=checkin_link(due[0].objective, due[0].key_result),
        title=title,
        text="Each link opens its check-in form.",
        event_id="checkin-reminder",
        slot=slot,
        sections=(Section("Needs your check-in", tuple(_line(d) for d in due)),),
    )


def escalation_message(
    rnd: Round, person_id: str, lead_id: str, due: list[CheckInDue], *, missed: int, slot: str
) -> Message:
    """The word to ``lead_id`` that ``person_id`` had check-ins due at ``missed`` reminders
    in a row: only the key results the lead may see are named."""
    name = person_name(rnd.org, person_id)
    seen = [d for d in due if rnd.sees(lead_id, d.objective)]
    return Message(
        category=Category.REMINDER,
        kind=ESCALATION_KIND,
        object_kind="person",
        object_id=person_id,
        link="/",  # there is no page of a person: the lead's home lists their team
        title=f"{name} has had check-ins due at {missed} reminders in a row",
        text="Perhaps something is in the way: a word from you may help.",
        event_id=f"checkin-reminder-missed:{person_id}",
        slot=slot,
        sections=(
            (Section("Still waiting for a check-in", tuple(_line(d) for d in seen)),)
            if seen
            else ()
        ),
    )
