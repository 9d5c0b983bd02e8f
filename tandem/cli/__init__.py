"""The ``tandem`` command: a thin layer that parses options, calls the core and prints."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console

from tandem import generator
from tandem.cli import render
from tandem.core import model as m
from tandem.core.engine import evaluate
from tandem.core.quality import count_by_severity, lint
from tandem.core.report import ScopeError, build_report, resolve_scope
from tandem.okrfile import LoadedFile, OkrFileError, load_path

app = typer.Typer(
    name="tandem",
    help="Tandem: OKRs for organisations whose teams depend on each other.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version  # noqa: PLC0415

        typer.echo(f"tandem {version('tandem')}")
        raise typer.Exit()


@app.callback()
def main_options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print Tandem's version and exit.",
        ),
    ] = False,
) -> None:
    """Tandem: OKRs for organisations whose teams depend on each other."""


def choice(kind: type[StrEnum], *names: str, help: str) -> Any:
    """A typer option taking one of ``kind``'s values, in any case.

    Typer's own check of an enum prefixes its message with pydantic's "Value error,"; this
    one says only what was given and what is allowed.
    """
    allowed = [member.value for member in kind]

    def parse(value: str | StrEnum) -> StrEnum:
        if isinstance(value, kind):
            return value
        try:
            return kind(str(value).lower())
        except ValueError:
            listed = ", ".join(f"'{each}'" for each in allowed)
            raise typer.BadParameter(f"'{value}' is not one of {listed}.") from None

    return typer.Option(*names, parser=parse, metavar=f"<{'|'.join(allowed)}>", help=help)


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


class LintFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def _today() -> date:
    """Today, or the date TANDEM_TODAY pretends it is (for demos and tests)."""
    from tandem.clock import calendar_today  # noqa: PLC0415
    from tandem.server.config import ConfigError, read_config  # noqa: PLC0415

    try:
        pretend = read_config().today
    except ConfigError as exc:
        _err().print(str(exc), markup=False, style="bold red")
        raise typer.Exit(2) from None
    return calendar_today(pretend)


def _parse_date(value: str | None) -> date:
    if value is None:
        return _today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date; write it as YYYY-MM-DD") from None


FileArg = Annotated[
    Path | None,
    typer.Argument(
        metavar="FILE",
        help="An OKR file (YAML, see docs/okr-file.md); without it, the database.",
        show_default=False,
    ),
]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="Compute as of this date (default: today)."),
]


def _err() -> Console:
    return Console(stderr=True)


def _load(path: Path) -> LoadedFile:
    try:
        loaded = load_path(path)
    except OkrFileError as exc:
        console = _err()
        for problem in exc.problems:
            console.print(str(problem), markup=False, highlight=False, soft_wrap=True)
        count = len(exc.problems)
        console.print(
            f"{count} problem{'s' if count != 1 else ''} in {path}; nothing was loaded.",
            style="bold red",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
    # The organisation lives until the command exits and holds no reference cycles: keep the
    # cyclic garbage collector from rescanning its millions of objects while the engine runs.
    gc.freeze()
    return loaded


def _organization(
    file: Path | None, as_of: date, *, people: bool = True
) -> tuple[m.Organization, LoadedFile | None]:
    """The organisation of ``file``, or the one in the database when there is no file.

    From the database each key result holds only the check-ins the engine reads as of ``as_of``
    (``organization_load(as_of=...)``), so evaluate it as of that day only. What was archived
    is left out, and with ``people=False`` so are the people (for output that shows none of
    their names).
    """
    if file is not None:
        loaded = _load(file)
        return loaded.organization, loaded
    from tandem.cli.database import database_label, django_setup, no_organisation  # noqa: PLC0415

    django_setup()
    from tandem.organization.loading import organization_current  # noqa: PLC0415

    # Archived objectives and key results are out of the plan, and so of reports and lint.
    org = organization_current(as_of=as_of, people=people)
    if not org.teams:
        raise no_organisation(database_label())
    gc.freeze()
    return org, None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a report or lint run is made.

    The engine, the report and lint build hundreds of thousands of objects that live until
    the command is done and form next to no reference cycles: the collector would only rescan
    them (0.6 s of a report from the database and 0.7 s of lint at 100,000 people).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _json(data: object) -> None:
    """Indented JSON, as ``json.dumps(indent=2, ensure_ascii=False)`` writes it, by orjson:
    Python's own encoder takes its pure-Python path when indenting (0.13 s instead of 0.01 s
    for the report of 10,000 people)."""
    options = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    sys.stdout.write(orjson.dumps(data, option=options).decode())


CycleOption = Annotated[
    str | None,
    typer.Option(help="A cycle id, or 'all' (default: the cycles under way on the as-of date)."),
]
TeamOption = Annotated[
    str | None, typer.Option(help="Only this team, its sub-teams and their members.")
]
ReportFormatOption = Annotated[
    ReportFormat,
    choice(
        ReportFormat,
        "--format",
        "-f",
        help="table for a terminal, json (SPEC section 4), markdown for a wiki.",
    ),
]


@app.command()
def report(
    file: FileArg = None,
    as_of: AsOf = None,
    cycle: CycleOption = None,
    team: TeamOption = None,
    format: ReportFormatOption = ReportFormat.TABLE,
) -> None:
    """Progress, health, grades, dependencies at risk and alignment (of a file or the database)."""
    day = _parse_date(as_of)
    with _collector_paused():
        # The JSON names no one: from the database, the people need not be read.
        org, _loaded = _organization(file, day, people=format is not ReportFormat.JSON)
        try:
            scope = resolve_scope(org, day, cycle=cycle, team=team)
        except ScopeError as exc:
            raise typer.BadParameter(str(exc)) from None
        data = build_report(org, evaluation := evaluate(org, day), scope)
        if format is ReportFormat.JSON:
            _json(data)
        elif format is ReportFormat.MARKDOWN:
            sys.stdout.write(render.report_markdown(org, evaluation, data))
        else:
            render.report_table(org, evaluation, data, Console())


@app.command(name="lint")
def lint_command(
    file: FileArg = None,
    as_of: AsOf = None,
    format: Annotated[
        LintFormat,
        choice(
            LintFormat,
            "--format",
            "-f",
            help="text ([FILE:LINE: ]severity rule ID: message) or json.",
        ),
    ] = LintFormat.TEXT,
) -> None:
    """Check OKRs against the quality rules; exits 1 when there is an error."""
    day = _parse_date(as_of)
    with _collector_paused():
        org, loaded = _organization(file, day)
        findings = lint(org, evaluate(org, day))
        if format is LintFormat.JSON:
            _json({"findings": [f.as_json() for f in findings], **count_by_severity(findings)})
        else:
            Console(highlight=False, soft_wrap=True).print(
                render.lint_text(
                    findings, str(file) if loaded else None, loaded.lines if loaded else {}
                )
            )
    if any(f.severity == "error" for f in findings):
        raise typer.Exit(1)


@app.command()
def generate(
    people: Annotated[
        int, typer.Option(min=generator.MIN_PEOPLE, max=1_000_000, help="How many people.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the file.")],
    seed: Annotated[int, typer.Option(help="Same seed and --as-of, same file.")] = 1,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="The day the check-ins run up to (default: today).",
        ),
    ] = None,
) -> None:
    """Write a synthetic organisation (for demos, tests and benchmarks)."""
    day = _parse_date(as_of)
    output.parent.mkdir(parents=True, exist_ok=True)
    generator.write_organization(people=people, seed=seed, path=output, as_of=day)
    Console(stderr=True).print(f"Wrote {people} people to {output} (seed {seed}, as of {day}).")


from tandem.cli import admin as _admin  # noqa: E402 - registers the database commands on app
from tandem.cli import digest as _digest  # noqa: E402 - registers `tandem digest` on app
from tandem.cli import jobs as _jobs  # noqa: E402 - registers `tandem worker` on app
from tandem.cli import notify as _notify  # noqa: E402 - registers `tandem notify` on app
from tandem.cli import people as _people  # noqa: E402 - registers `tandem person` on app
from tandem.cli import stats as _stats  # noqa: E402 - registers `tandem stats` on app
from tandem.cli import tokens as _tokens  # noqa: E402 - registers `tandem token` on app

__all__ = ["_admin", "_digest", "_jobs", "_notify", "_people", "_stats", "_tokens", "app", "main"]


def main() -> None:
    app()
