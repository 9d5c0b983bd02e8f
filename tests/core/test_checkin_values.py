"""Which value a check-in takes for each form of metric: the rule the form, the API and the
service share."""

from __future__ import annotations

import pytest

from tandem.core.checkin_values import CheckInValueError, checkin_value, value_kind


@pytest.mark.parametrize(
    ("form", "kind"),
    [
        ("numeric", "number"),
        ("keep_above", "number"),
        ("keep_below", "number"),
        ("boolean", "done"),
        ("milestones", "none"),
        ("rollup", "none"),
    ],
)
def test_each_form_asks_for_one_kind_of_value(form: str, kind: str) -> None:
    assert value_kind(form) == kind


def test_numbers_are_read_from_what_was_typed() -> None:
    assert checkin_value("KR-1", "numeric", "6.70") == 6.7
    assert checkin_value("KR-1", "keep_below", 680) == 680
    assert checkin_value("KR-1", "boolean", True) is True
    assert checkin_value("KR-1", "milestones", None) is None


@pytest.mark.parametrize(
    ("form", "value", "words"),
    [
        ("numeric", "6,70", "ambiguous"),
        ("numeric", True, "KR-1 is measured in numbers: its value is a number"),
        ("numeric", 10**16, "10^15"),
        ("boolean", 1, "KR-1 is done or not: its value is true or false"),
        ("milestones", 3, "KR-1 takes no value (milestones progress comes from its milestones)"),
        ("rollup", 3, "(rollup progress comes from aligned objectives)"),
    ],
)
def test_a_value_the_form_does_not_take_is_refused_with_what_it_takes(
    form: str, value: object, words: str
) -> None:
    with pytest.raises(CheckInValueError, match=r".*") as refused:
        checkin_value("KR-1", form, value)  # type: ignore[arg-type]
    assert words in str(refused.value)
