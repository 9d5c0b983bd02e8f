"""Starting Django for the commands that work on the database, with plain-language failures."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from tandem.server.config import Config


def django_setup(*, migrate: bool = False, check_migrations: bool = True) -> None:
    """Configure Django from the ``TANDEM_*`` variables; apply migrations when asked.

    Without ``migrate`` an unmigrated database is an error that says what to run, so read-only
    commands never change the schema behind an admin's back.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.server.settings")
    import django  # noqa: PLC0415 - file commands never pay for Django
    from django.conf import settings  # noqa: PLC0415

    from tandem.server.config import ConfigError, read_config  # noqa: PLC0415

    try:
        if not migrate and check_migrations and not settings.configured:
            _refuse_a_database_not_made_yet(read_config())
        django.setup()
    except ConfigError as exc:
        raise _error(f"Error: {exc}") from None
    if check_migrations:
        _migrate_or_refuse(migrate=migrate)


def _migrate_or_refuse(*, migrate: bool) -> None:
    """Apply pending migrations when asked; otherwise say what an unmigrated database needs."""
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.db.migrations.executor import MigrationExecutor  # noqa: PLC0415
    from django.db.utils import OperationalError  # noqa: PLC0415

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as exc:
        raise _error(
            f"Error: cannot reach the database ({exc}). Check TANDEM_DATABASE_URL."
        ) from None
    if pending and migrate:
        call_command("migrate", interactive=False, verbosity=0)
    elif pending and "people_person" in connection.introspection.table_names():
        raise _error(
            f"Error: the database at {database_label()} needs an upgrade after installing a "
            "new Tandem; back it up, then run 'tandem manage migrate'."
        )
    elif pending:
        raise no_organisation(database_label())


def _error(message: str) -> typer.Exit:
    """Print ``message`` as an error on stderr; the caller raises the exit it returns."""
    Console(stderr=True).print(message, markup=False, style="red", soft_wrap=True)
    return typer.Exit(2)


def no_organisation(label: str) -> typer.Exit:
    """Say that the database at ``label`` holds no organisation, and what to do about it."""
    return _error(
        f"Error: no organisation yet in {label}: import one ('tandem import FILE') or start "
        "'tandem serve --demo'."
    )


def _refuse_a_database_not_made_yet(config: Config) -> None:
    """A command that only reads stops before Django starts when the SQLite database does not
    exist: starting it would make the data directory, its secret key, its static folder and
    an empty database, all for a command that then has nothing to read."""
    database = config.data_dir / "tandem.sqlite3"
    if config.database_url is None and not database.exists():
        raise no_organisation(str(database))


def database_label() -> str:
    from django.db import connection  # noqa: PLC0415

    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(database["NAME"])
    return f"postgresql://{database.get('HOST') or 'localhost'}/{database['NAME']}"
