"""The README's terminal pictures show what the CLI prints today."""

from __future__ import annotations

from pathlib import Path

from tests.terminal_screenshots import OUT, draw


def test_the_readme_pictures_of_the_report_and_the_lint_are_up_to_date(tmp_path: Path) -> None:
    for drawn in draw(tmp_path):
        committed = OUT / drawn.name
        assert drawn.read_text() == committed.read_text(), (
            f"{committed} no longer shows what the CLI prints: run `make screenshots` "
            "(or `python -m tests.terminal_screenshots`) and commit the pictures"
        )
