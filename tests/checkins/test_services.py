"""Check-ins store what was meant: a value read once, by the one rule; a large move asked
about first; a correction or withdrawal that keeps the original, who, when and why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem import clock
from tandem.access.policy import audience_get, checkin_get_visible, may_correct_checkin
from tandem.checkins.models import CheckIn, CheckInRevision
from tandem.checkins.services import (
    UNCHANGED,
    CheckInError,
    CheckInJumpError,
    checkin_correct,
    checkin_record,
    checkin_undo,
    checkin_withdraw,
)
from tandem.core import model as m
from tandem.core import permissions
from tandem.core.numbers import NumberTextError, number_from_text
from tandem.errors import ConflictError, NotFoundError, PermissionDeniedError
from tandem.okrs.models import Milestone
from tandem.organization.cache import view_get
from tandem.organization.reports import report_get
from tests.conftest import TODAY


@pytest.mark.parametrize(
    ("typed", "number"),
    [("670", 670), ("6.70", 6.7), (" -3 ", -3), (".5", 0.5), ("1e3", 1000.0), ("+12", 12)],
)
def test_a_number_is_read_as_typed(typed: str, number: float) -> None:
    got = number_from_text(typed)
    assert got == number
    assert type(got) is type(number)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("6,70", "“6,70” is ambiguous: write 6.70 or 670: Tandem reads a dot as the decimal point"),
        ("1,234", "write 1.234 or 1234: Tandem reads a dot as the decimal point"),
        ("1,234,567", "write 1234567: Tandem reads a dot as the decimal point and takes no"),
        ("1 234.5", "write 1234.5:"),
        ("680 ms", "“680 ms” is not a number: write one such as 680 or 99.5, without the unit"),
        ("1_000", "is not a number"),
        ("inf", "is not a number"),
    ],
)
def test_text_that_is_not_plainly_a_number_is_refused_saying_how_to_write_it(
    typed: str, message: str
) -> None:
    with pytest.raises(NumberTextError, match=message.replace(".", r"\.").replace("+", r"\+")):
        number_from_text(typed)


def test_the_service_reads_typed_text_and_refuses_a_comma(demo_in_db: m.Organization) -> None:
    row = checkin_record(key_result_id="SR-1.1", day=TODAY, value="675.5", author_id="ben")
    assert row.value == 675.5
    with pytest.raises(CheckInError, match=r"write 6\.70 or 670") as refused:
        checkin_record(key_result_id="SR-1.1", day=TODAY, value="6,70", author_id="ben")
    assert refused.value.field == "value"
    with pytest.raises(CheckInError, match="true or false"):
        checkin_record(key_result_id="PA-2.1", day=TODAY, value="1")


def test_a_large_move_is_asked_about_unless_confirmed(demo_in_db: m.Organization) -> None:
    # SR-1.1 goes from 900 to 400 ms; its last check-in says 680 ms.
    with pytest.raises(CheckInJumpError) as asked:
        checkin_record(key_result_id="SR-1.1", day=TODAY, value=67, confirmed=False)
    assert str(asked.value).startswith("67 ms? The last check-in was 680 ms.")
    assert (asked.value.value, asked.value.status, asked.value.field) == ("67 ms", 409, "value")
    # A reversal by more than half the range is a move of more than half the range too.
    with pytest.raises(CheckInJumpError):
        checkin_record(key_result_id="SR-1.1", day=TODAY, value=990, confirmed=False)
    # Within half the range (250 ms) it is recorded at once; confirmed, so is the jump.
    checkin_record(key_result_id="SR-1.1", day=TODAY, value=640, confirmed=False)
    checkin_record(key_result_id="SR-1.1", day=TODAY, value=67, confirmed=True)
    # Threshold key results have no range: nothing to ask.
    checkin_record(key_result_id="SR-1.2", day=TODAY, value=99999, confirmed=False)


def test_a_withdrawn_check_in_is_not_the_last_value(demo_in_db: m.Organization) -> None:
    typo = checkin_record(key_result_id="SR-1.1", day=TODAY, value=68, author_id="ben")
    checkin_withdraw(checkin_id=typo.pk, by_id="ben", reason="typo")
    # Compared with 680 again, not with the withdrawn 68.
    checkin_record(key_result_id="SR-1.1", day=TODAY, value=670, confirmed=False)


def test_a_correction_keeps_the_original_who_when_and_why(demo_in_db: m.Organization) -> None:
    row = checkin_record(
        key_result_id="SR-1.1", day=TODAY, value=67, confidence=5, note="bench", author_id="ben"
    )
    fixed = checkin_correct(checkin_id=row.pk, by_id="ben", reason="a zero too few", value="670")
    assert (fixed.value, fixed.confidence, fixed.note) == (670, 5, "bench")
    again = checkin_correct(
        checkin_id=row.pk, by_id="ana", reason="no note", note=None, confidence=UNCHANGED
    )
    assert again.note is None
    revisions = list(CheckInRevision.objects.filter(checkin=row).order_by("at", "id"))
    assert [(r.action, r.value, r.note, r.by_id, r.reason) for r in revisions] == [
        ("corrected", 67, "bench", "ben", "a zero too few"),
        ("corrected", 670, "bench", "ana", "no note"),
    ]
    assert all(r.at is not None for r in revisions)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"value": "6,70"}, "value", "write 6.70 or 670"),
        ({"confidence": 11}, "confidence", "0 to 10"),
        ({"value": 680}, "value", "nothing to correct"),
        ({"value": None, "confidence": None, "note": None}, "value", "withdraw it instead"),
    ],
)
def test_a_correction_follows_the_check_in_rules(
    demo_in_db: m.Organization, changes: dict[str, object], field: str, message: str
) -> None:
    row = CheckIn.objects.filter(key_result_id="SR-1.1").order_by("-date", "-id").first()
    assert row is not None
    assert row.value == 680
    with pytest.raises(CheckInError, match=message) as refused:
        checkin_correct(checkin_id=row.pk, by_id="ben", reason="why", **changes)  # type: ignore[arg-type]
    assert refused.value.field == field
    with pytest.raises(CheckInError, match="say why") as no_reason:
        checkin_correct(checkin_id=row.pk, by_id="ben", reason="  ", value=1)
    assert no_reason.value.field == "reason"


def test_a_withdrawn_check_in_stays_but_cannot_change(demo_in_db: m.Organization) -> None:
    row = checkin_record(key_result_id="SR-1.1", day=TODAY, value=650, author_id="ben")
    checkin_withdraw(checkin_id=row.pk, by_id="ben", reason="wrong key result")
    row.refresh_from_db()
    assert row.withdrawn
    assert row.value == 650
    with pytest.raises(ConflictError, match="withdrawn"):
        checkin_withdraw(checkin_id=row.pk, by_id="ben", reason="again")
    with pytest.raises(ConflictError, match="withdrawn"):
        checkin_correct(checkin_id=row.pk, by_id="ben", reason="x", value=1)
    with pytest.raises(NotFoundError):
        checkin_withdraw(checkin_id=10**9, by_id="ben", reason="x")


def test_undo_is_for_its_author_within_minutes(demo_in_db: m.Organization) -> None:
    row = checkin_record(key_result_id="SR-1.1", day=TODAY, value=650, author_id="ben")
    with pytest.raises(ConflictError, match="5 minutes"):
        checkin_undo(checkin_id=row.pk, by_id="ana", now=timezone.now())
    with pytest.raises(ConflictError, match="5 minutes"):
        checkin_undo(checkin_id=row.pk, by_id="ben", now=timezone.now() + timedelta(minutes=6))
    checkin_undo(checkin_id=row.pk, by_id="ben", now=timezone.now())
    revision = CheckInRevision.objects.get(checkin=row)
    assert (revision.action, revision.reason, revision.by_id) == ("withdrawn", "undone", "ben")


@pytest.mark.parametrize(
    ("person", "allowed"),
    [("ben", True), ("ana", True), ("zoe", True), ("tom", False), ("dan", False)],
)
def test_who_may_correct(demo_in_db: m.Organization, person: str, allowed: bool) -> None:
    # ben's check-in on SR-1.1 (Search's): ben wrote it, ana leads Search, zoe is an admin;
    # dan (Infrastructure contributes to SR-1.1) may check in but not correct ben's; tom neither.
    row = checkin_record(key_result_id="SR-1.1", day=TODAY, value=650, author_id="ben")
    audience = audience_get(person_id=person, admin=person == "zoe")
    assert may_correct_checkin(audience, checkin_get_visible(audience, row.pk)) is allowed


def test_reports_use_the_corrected_value_and_skip_withdrawn(demo_in_db: m.Organization) -> None:
    def sr_1_1() -> tuple[object, object]:
        view = view_get(audience=audience_get(person_id="zoe", admin=True), as_of=TODAY)
        key_result = view.org.key_results["SR-1.1"]
        return key_result.checkins[-1].value, view.evaluation.key_results["SR-1.1"].current

    assert sr_1_1() == (680, 680)
    row = CheckIn.objects.filter(key_result_id="SR-1.1", value=680).get()
    checkin_correct(checkin_id=row.pk, by_id="ben", reason="measured again", value=600)
    assert sr_1_1() == (600, 600)
    checkin_withdraw(checkin_id=row.pk, by_id="ben", reason="wrong day")
    assert sr_1_1() == (690, 690)
    # Replayed on the day: the as-of read leaves it out too.
    report = report_get(
        audience=audience_get(person_id="zoe", admin=True), as_of=TODAY - timedelta(days=1)
    )
    current = {k["id"]: k["current"] for k in report["key_results"]}
    assert current["SR-1.1"] == 690


def _done_on(key_result_id: str) -> list[object]:
    rows = Milestone.objects.filter(key_result_id=key_result_id).order_by("position")
    return list(rows.values_list("done_on", flat=True))


def test_milestones_are_ticked_with_the_check_in_or_not_at_all(demo_in_db: m.Organization) -> None:
    before = _done_on("PA-1.2")
    # The check-in is refused (no value, confidence or note): the tick is undone with it.
    with pytest.raises(CheckInError):
        checkin_record(key_result_id="PA-1.2", day=TODAY, ticked=[2], may_tick=True)
    assert _done_on("PA-1.2") == before
    row = checkin_record(
        key_result_id="PA-1.2", day=TODAY, ticked=[2], may_tick=True, confidence=8, author_id="tom"
    )
    assert row.confidence == 8
    assert _done_on("PA-1.2")[2] == clock.today()


def test_ticking_asks_for_the_right_only_when_something_changes(
    demo_in_db: m.Organization,
) -> None:
    done = [index for index, day in enumerate(_done_on("PA-1.2")) if day is not None]
    with pytest.raises(PermissionDeniedError) as refused:
        checkin_record(key_result_id="PA-1.2", day=TODAY, ticked=[3], may_tick=False, note="x")
    assert refused.value.message == permissions.tick_refused("PA-1")
    # Ticking what is already done changes nothing: the check-in is recorded.
    row = checkin_record(
        key_result_id="PA-1.2", day=TODAY, ticked=done, may_tick=False, note="still on it"
    )
    assert row.note == "still on it"
