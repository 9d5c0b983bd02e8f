"""Retake the README's terminal pictures in docs/screenshots/ (``make screenshots``).

``report-table.svg`` and ``lint.svg`` are what the README's two commands print, drawn by Rich
from the same functions the CLI prints with, on the demo organisation as of 2026-11-21:

    tandem report tandem/examples/northwind.yaml --team infra --as-of 2026-11-21
    tandem lint tandem/examples/northwind.yaml --as-of 2026-11-21
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from rich.console import Console

from tandem.cli import render
from tandem.core.engine import evaluate
from tandem.core.quality import lint
from tandem.core.report import build_report, resolve_scope
from tandem.okrfile import load_path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
DEMO = "tandem/examples/northwind.yaml"
AS_OF = date(2026, 11, 21)


def _console(width: int) -> Console:
    return Console(record=True, width=width, file=io.StringIO(), force_terminal=True)


def draw(out: Path) -> list[Path]:
    """Draw both pictures into ``out``; the paths written."""
    loaded = load_path(str(ROOT / DEMO))
    org = loaded.organization
    evaluation = evaluate(org, AS_OF)
    report = build_report(org, evaluation, resolve_scope(org, AS_OF, team="infra"))
    console = _console(100)
    render.report_table(org, evaluation, report, console)
    console.save_svg(
        str(out / "report-table.svg"), title=f"tandem report {DEMO} --team infra --as-of {AS_OF}"
    )
    console = Console(
        record=True, width=140, file=io.StringIO(), force_terminal=True, highlight=False
    )
    console.print(render.lint_text(lint(org, evaluation), DEMO, loaded.lines))
    console.save_svg(str(out / "lint.svg"), title=f"tandem lint {DEMO} --as-of {AS_OF}")
    return [out / "report-table.svg", out / "lint.svg"]


def main() -> None:
    print("Wrote", " and ".join(str(path) for path in draw(OUT)))


if __name__ == "__main__":
    main()
