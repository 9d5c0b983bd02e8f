"""The commands an admin runs on the database: import, export, serve, passwd, createadmin."""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tandem.cli import _err, _load, _today, app, choice
from tandem.cli.database import database_label, django_setup
from tandem.cli.import_sources import (
    SourceFormat,
    header_map,
    organization_read,
    refused,
    source_format,
)

if TYPE_CHECKING:
    from tandem.core.model import Organization
    from tandem.organization.imports import ImportPlan
    from tandem.organization.plan import Progress as ImportProgress

KIND_LABELS = {
    "people": "people",
    "teams": "teams",
    "cycles": "cycles",
    "objectives": "objectives",
    "key_results": "key results",
    "dependencies": "dependencies",
}
# Below this many changes a progress bar would only flicker.
PROGRESS_FROM = 2000


class ExportFormat(StrEnum):
    YAML = "yaml"
    JSON = "json"


ImportFiles = Annotated[
    list[Path],
    typer.Argument(
        metavar="FILE",
        help="The file to bring in: an OKR file, a Viva Goals export, a Betterworks CSV, or "
        "spreadsheets (CSV or XLSX; several CSV files for people, teams and OKRs).",
    ),
]
From = Annotated[
    SourceFormat | None,
    choice(SourceFormat, "--from", help="The file's format; detected from it when not given."),
]
MapFile = Annotated[
    Path | None,
    typer.Option(
        "--map", metavar="FILE", help="Spreadsheets: a YAML file mapping headers to fields."
    ),
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change; import nothing.")]
Prune = Annotated[
    bool,
    typer.Option("--prune", help="Also delete what the database has and the file does not."),
]
Yes = Annotated[
    bool, typer.Option("--yes", "-y", help="Do not ask before deleting (with --prune).")
]
ExportFormatOption = Annotated[
    ExportFormat, choice(ExportFormat, "--format", "-f", help="yaml (an OKR file) or json.")
]
ExportOutput = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here instead of to the screen.")
]
Demo = Annotated[
    bool,
    typer.Option("--demo", help="Load the demo organisation into an empty database."),
]
Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")]
Workers = Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")]
Threads = Annotated[int, typer.Option(min=1, max=64, help="Threads in each worker process.")]


def _fail(message: str) -> typer.Exit:
    _err().print(f"Error: {message}", markup=False, style="red", soft_wrap=True)
    return typer.Exit(2)


@app.command(name="import")
def import_command(  # noqa: PLR0917 - a command's options
    files: ImportFiles,
    source: From = None,
    mapping: MapFile = None,
    dry_run: DryRun = False,
    prune: Prune = False,
    yes: Yes = False,
) -> None:
    """Create or update the database's organisation from FILE, all or nothing."""
    file, console, fmt = files[0], Console(stderr=True), source_format(files, source)
    if prune and fmt != SourceFormat.OKR:
        raise _fail("--prune is for OKR files (other sources add to what Tandem holds)")
    org = _organization_of(files, fmt, mapping, console)
    plan = _import(org, file, prune=prune, dry_run=True)
    console.print(_plan_table(plan, prune=prune))
    if dry_run:
        console.print("Dry run: nothing was imported.")
        return
    if not plan.changes:
        console.print(f"The database at {database_label()} already matches {file}.")
        return
    if (plan.deletions or plan.checkins_deleted) and not yes:
        _confirm_deletions(plan, console)
    with _progress(console, plan.changes) as update:
        plan = _import(org, file, prune=prune, progress=update)
    console.print(f"Imported {file} into {database_label()}: {plan.changes} changes.")


def _organization_of(
    files: list[Path], fmt: SourceFormat, mapping: Path | None, console: Console
) -> Organization:
    """What the database would hold: the OKR file, or the other source read into it."""
    if fmt == SourceFormat.OKR:
        org = _load(files[0]).organization
        django_setup(migrate=True)
        return org
    django_setup(migrate=True)
    return organization_read(files, fmt, header_map(mapping), console)


def _import(
    org: Organization,
    file: Path,
    *,
    prune: bool,
    dry_run: bool = False,
    progress: ImportProgress | None = None,
) -> ImportPlan:
    """Plan (``dry_run``) or run the import; the refusal is the command's error."""
    from tandem.organization.imports import ImportRefusedError, organization_import  # noqa: PLC0415

    try:
        return organization_import(
            org=org,
            source=file.name,
            today=_today(),
            prune=prune,
            dry_run=dry_run,
            progress=progress,
        )
    except ImportRefusedError as exc:
        raise _refused(exc.problems, file) from None


def _refused(problems: list[str], file: Path) -> typer.Exit:
    return refused(problems, [file])


def _confirm_deletions(plan: ImportPlan, console: Console) -> None:
    console.print("--prune will delete:", style="bold")
    for kind, ids in plan.deletions.items():
        shown = ", ".join(ids[:20]) + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
        console.print(f"  {KIND_LABELS[kind]}: {shown}", markup=False)
    if plan.checkins_deleted:
        console.print(f"  check-ins: {plan.checkins_deleted}")
    if not sys.stdin.isatty():
        raise _fail("--prune deletes data; add --yes to confirm when not at a terminal")
    if not typer.confirm("Delete these and import?", default=False):
        console.print("Nothing was written.")
        raise typer.Exit(1)


def _plan_table(plan: ImportPlan, *, prune: bool) -> Table:
    table = Table(title="Import plan", title_justify="left")
    table.add_column("")
    for heading in ("created", "updated", "unchanged") + (("deleted",) if prune else ()):
        table.add_column(heading, justify="right")
    for kind, label in KIND_LABELS.items():
        kind_plan = plan.kinds[kind]
        row = [label, str(len(kind_plan.created)), str(len(kind_plan.updated))]
        row.append(str(kind_plan.unchanged))
        if prune:
            row.append(str(len(kind_plan.deleted)))
        table.add_row(*row)
    checkins = ["check-ins", str(plan.checkins_added), "—", str(plan.checkins_kept)]
    table.add_row(*checkins, *((str(plan.checkins_deleted),) if prune else ()))
    if plan.settings_changed:
        table.caption = "The organisation's name or settings change too."
    return table


def _progress(console: Console, total: int):  # type: ignore[no-untyped-def]
    if total < PROGRESS_FROM:
        return nullcontext(None)
    return _ProgressBar(console, total)


class _ProgressBar:
    def __init__(self, console: Console, total: int) -> None:
        self.bar = Progress(
            TextColumn("Writing {task.description:<14}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.bar.add_task("", total=total)

    def __enter__(self) -> _ProgressBar:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.bar.update(
            self.task, completed=done, total=total, description=KIND_LABELS.get(stage, stage)
        )


@app.command()
def export(format: ExportFormatOption = ExportFormat.YAML, output: ExportOutput = None) -> None:
    """Write the whole organisation in the database as an OKR file."""
    django_setup()
    from tandem.organization.exports import organization_export  # noqa: PLC0415

    _refuse_an_empty_database()
    if output is None:
        organization_export(stream=sys.stdout, format=format.value)
        return
    if output.is_dir():
        raise _fail(f"{output} is a folder; give the path of a file to write")
    output.parent.mkdir(parents=True, exist_ok=True)
    if (output.exists() and not output.is_file()) or output.is_symlink():
        # A device, a pipe or a link: write through it, as the user pointed at it.
        with output.open("w", encoding="utf-8") as stream:
            organization_export(stream=stream, format=format.value)
    else:
        _export_whole(output, format)
    _err().print(f"Exported the organisation to {output}.")


def _refuse_an_empty_database() -> None:
    from tandem.people.models import Team  # noqa: PLC0415

    if not Team.objects.exists():
        raise _fail(
            f"the database at {database_label()} holds no organisation yet; there is nothing "
            "to export"
        )


def _export_whole(output: Path, format: ExportFormat) -> None:
    """Write beside ``output`` and then replace it: readers never see half a file."""
    from tandem.organization.exports import organization_export  # noqa: PLC0415

    partial = output.with_name(output.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as stream:
            organization_export(stream=stream, format=format.value)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)


@app.command()
def serve(
    demo: Demo = False,
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Workers = 2,
    threads: Threads = 2,
) -> None:
    """Run Tandem's web server (Granian): migrations first, static files included."""
    if host not in ("0.0.0.0", "::") and "TANDEM_ALLOWED_HOSTS" not in os.environ:  # noqa: S104
        allowed = f"[{host}]" if ":" in host else host
        os.environ["TANDEM_ALLOWED_HOSTS"] = f"localhost,127.0.0.1,[::1],{allowed}"

    console = Console(stderr=True)
    address = _listen_address(host, port, console)
    django_setup(migrate=True)
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connections  # noqa: PLC0415

    call_command("collectstatic", interactive=False, verbosity=0)
    display_host = f"[{host}]" if ":" in host else host
    url = f"http://{display_host}:{port}/"
    if demo:
        _load_demo(console, url)
    console.print(f"Tandem is running at {url} (data: {database_label()}). Ctrl-C stops it.")
    connections.close_all()  # each worker opens its own connections after the fork
    _serve_with_jobs(address=address, port=port, workers=workers, threads=threads)


def _serve_with_jobs(*, address: str, port: int, workers: int, threads: int) -> None:
    """Serve, with the embedded job worker beside the server unless it runs apart."""
    from tandem.cli.jobs import embedded_worker, embedded_worker_stop  # noqa: PLC0415
    from tandem.server.serving import serve as run_server  # noqa: PLC0415

    jobs = embedded_worker()
    try:
        run_server(address=address, port=port, workers=workers, threads=threads)
    finally:
        embedded_worker_stop(jobs)


def _listen_address(host: str, port: int, console: Console) -> str:
    from tandem.server.serving import ServeError, listen_address  # noqa: PLC0415

    try:
        return listen_address(host, port)
    except ServeError as exc:
        console.print(f"Error: {exc}", markup=False, style="bold red")
        raise typer.Exit(2) from None


def _load_demo(console: Console, url: str) -> None:
    """Load the demo into an empty database and say how to sign in to it."""
    from tandem.organization import demo as demo_data  # noqa: PLC0415

    result = demo_data.demo_load(today=_today())
    if result.loaded:
        console.print(
            f"Loaded the demo organisation {result.organization} with {result.logins} logins."
        )
    elif not demo_data.demo_login_available():
        console.print(
            f"--demo: the database already holds {result.organization}; the demo was not loaded."
        )
    if demo_data.demo_login_available():
        console.print(
            f"Sign in at {url}login as [bold]{demo_data.DEMO_USER}[/] with the password "
            f"[bold]{demo_data.DEMO_PASSWORD}[/] (every demo person has a login: their id "
            f"and the same password; [bold]{demo_data.DEMO_ADMIN}[/] is an admin and may "
            f"open {url}admin/).",
            soft_wrap=True,
        )


@app.command()
def passwd(
    person_id: Annotated[str, typer.Argument(metavar="PERSON_ID", help="The person's id.")],
    password: Annotated[
        str | None,
        typer.Option(help="The new password (default: asked for, without echo)."),
    ] = None,
) -> None:
    """Set a person's password; they sign in with their id or e-mail."""
    django_setup()
    from tandem.people.services import AccountError, person_password_set  # noqa: PLC0415

    if password is None:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        user = person_password_set(person_id=person_id, password=password)
    except AccountError as exc:
        raise _fail(str(exc)) from None
    email = f" or {user.email}" if user.email else ""
    _err().print(f"{person_id} can now sign in as {user.username}{email}.")


@app.command()
def createadmin(
    username: Annotated[str, typer.Option(help="The admin's sign-in name.")] = "admin",
    email: Annotated[str, typer.Option(help="The admin's e-mail.")] = "",
    password: Annotated[
        str | None, typer.Option(help="The password (default: asked for, without echo).")
    ] = None,
    person: Annotated[
        str | None, typer.Option(metavar="PERSON_ID", help="Link the admin to this person.")
    ] = None,
) -> None:
    """Create an organisation admin (may manage everything, including the admin site)."""
    django_setup(migrate=True)
    from tandem.people.services import AccountError, admin_create  # noqa: PLC0415

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        admin_create(username=username, password=password, email=email, person_id=person)
    except AccountError as exc:
        raise _fail(str(exc)) from None
    _err().print(f"Created the admin '{username}'. Sign in at /admin/.")


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def manage(ctx: typer.Context) -> None:
    """Run a Django management command (migrate, check --deploy, dbshell, ...)."""
    django_setup(check_migrations=False)
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    execute_from_command_line(["tandem manage", *ctx.args])
