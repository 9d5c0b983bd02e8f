"""The CLI reference (docs/cli-reference.md), generated from the commands themselves so it
never drifts from them. Regenerate with ``make docs``; a test fails when it is out of date.
"""

from __future__ import annotations

from typer.testing import CliRunner

from tandem.cli import app

COMMANDS = ("report", "lint", "stats", "generate")


def help_text(*args: str) -> str:
    result = CliRunner().invoke(
        app, [*args, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    )
    return "\n".join(line.rstrip() for line in result.stdout.splitlines()).strip("\n")


def reference() -> str:
    out = [
        "# CLI reference",
        "",
        "Generated from `tandem --help` and `tandem COMMAND --help` (`make docs`); "
        "[cli.md](cli.md) is the guided tour.",
        "",
        "```text",
        help_text(),
        "```",
        "",
    ]
    for name in COMMANDS:
        out += [f"## tandem {name}", "", "```text", help_text(name), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(reference(), end="")
