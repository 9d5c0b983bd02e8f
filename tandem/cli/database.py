"""Starting Django for the commands that work on the database, with plain-language failures."""

from __future__ import annotations

import os

import typer
from rich.console import Console


def django_setup(*, migrate: bool = False, check_migrations: bool = True) -> None:
    """Configure Django from the ``TANDEM_*`` variables; apply migrations when asked.

    Without ``migrate`` an unmigrated database is an error that says what to run, so read-only
    commands never change the schema behind an admin's back.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.server.settings")
    import django  # noqa: PLC0415 - file commands never pay for Django

    from tandem.server.config import ConfigError  # noqa: PLC0415

    try:
        django.setup()
    except ConfigError as exc:
        Console(stderr=True).print(f"Error: {exc}", markup=False, style="red", soft_wrap=True)
        raise typer.Exit(2) from None
    if not check_migrations:
        return
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.db.migrations.executor import MigrationExecutor  # noqa: PLC0415
    from django.db.utils import OperationalError  # noqa: PLC0415

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as exc:
        Console(stderr=True).print(
            f"Error: cannot reach the database ({exc}). Check TANDEM_DATABASE_URL.",
            markup=False,
            style="red",
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
    if pending and migrate:
        call_command("migrate", interactive=False, verbosity=0)
    elif pending and "people_person" in connection.introspection.table_names():
        Console(stderr=True).print(
            f"Error: the database at {database_label()} needs an upgrade after installing a "
            "new Tandem; back it up, then run 'tandem manage migrate'.",
            markup=False,
            style="red",
            soft_wrap=True,
        )
        raise typer.Exit(2)
    elif pending:
        Console(stderr=True).print(
            f"Error: the database at {database_label()} is not set up yet. Import an "
            "organisation with 'tandem import FILE', or start with 'tandem serve --demo'.",
            markup=False,
            style="red",
            soft_wrap=True,
        )
        raise typer.Exit(2)


def database_label() -> str:
    from django.db import connection  # noqa: PLC0415

    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(database["NAME"])
    return f"postgresql://{database.get('HOST') or 'localhost'}/{database['NAME']}"
