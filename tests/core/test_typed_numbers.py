"""Reading a number as typed (tandem.core.numbers.number_from_text): what Python writes reads
back as the same number, and a comma is never read as anything."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.core.numbers import NumberTextError, number_from_text


@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_an_integer_reads_back_as_itself(number: int) -> None:
    got = number_from_text(str(number))
    assert got == number
    assert type(got) is int


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_reads_back_as_itself(number: float) -> None:
    assert number_from_text(repr(number)) == number


@given(st.integers(min_value=0, max_value=999_999), st.integers(min_value=0, max_value=999))
def test_a_comma_is_never_read(whole: int, part: int) -> None:
    with pytest.raises(NumberTextError) as refused:
        number_from_text(f"{whole},{part:03d}")
    assert refused.value.separator
    assert "Tandem reads a dot as the decimal point" in str(refused.value)
