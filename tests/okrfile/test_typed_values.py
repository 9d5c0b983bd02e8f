"""The OKR file refuses a check-in value written with a comma as the pages and the API do, at
its line ("6,70" is text to YAML, and ambiguous to Tandem)."""

from __future__ import annotations

import pytest

from tandem.okrfile.loader import load_text
from tandem.okrfile.problems import OkrFileError

FILE = """\
version: 1
organization: T
people:
  - {id: ana, name: Ana}
teams:
  - {id: nw, name: N, lead: ana}
cycles:
  - {id: Q, start: 2026-10-01, end: 2026-12-31}
objectives:
  - id: O-1
    title: Latency
    cycle: Q
    owner: nw
    key_results:
      - id: O-1.1
        title: p50 latency
        metric: {start: 900, target: 400, unit: ms}
        checkins:
          - date: 2026-10-15
            value: 6,70
          - {date: 2026-10-16, value: "1,234"}
          - {date: 2026-10-17, value: "680"}
          - {date: 2026-10-18, value: fast}
"""


def test_comma_values_are_errors_at_their_line_saying_how_to_write_them() -> None:
    with pytest.raises(OkrFileError) as refused:
        load_text(FILE, filename="okrs.yaml")
    assert [str(problem) for problem in refused.value.problems] == [
        "okrs.yaml:20: error: O-1.1: 'value' must be a number: “6,70” is ambiguous: write 6.70 "
        "or 670: Tandem reads a dot as the decimal point",
        "okrs.yaml:21: error: O-1.1: 'value' must be a number: “1,234” is ambiguous: write "
        "1.234 or 1234: Tandem reads a dot as the decimal point",
        "okrs.yaml:22: error: O-1.1: 'value' must be a number, not text: write 680 without quotes",
        "okrs.yaml:23: error: O-1.1: 'value' must be a number (got 'fast')",
    ]
