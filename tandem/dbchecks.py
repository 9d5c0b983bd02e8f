"""Check constraints that Django's lookups cannot write portably: the database's own copy of
tandem.core.numbers' rule, for the JSON columns that hold numbers as they were entered (a
check-in's value, a metric's start, target and threshold).

Written for the two databases Tandem runs on, SQLite (JSON as text) and PostgreSQL (jsonb).
A CASE decides the type before the number is read, so a string is refused, not cast.
"""

from __future__ import annotations

from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, Func
from django.db.models.sql.compiler import SQLCompiler

from tandem.core.numbers import MAX_NUMBER, NUMBER_RULE

_Sql = tuple[str, tuple[Any, ...]]
NUMBER_MESSAGE = "{what} must be " + NUMBER_RULE + "."


class JsonNumberWithin(Func):
    """True when the JSON column is null, a number within ±10^15, or (``booleans``) true/false.

    Use it as a CheckConstraint's condition: ``JsonNumberWithin("value", booleans=True)``.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, *, booleans: bool = False) -> None:
        super().__init__(F(column))
        self.booleans = booleans

    def _column(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> _Sql:
        sql, params = compiler.compile(self.source_expressions[0])
        return sql, tuple(params)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> _Sql:
        column, params = self._column(compiler, connection)
        return within_sql("sqlite", column, booleans=self.booleans), params * 5

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> _Sql:
        column, params = self._column(compiler, connection)
        return within_sql("postgresql", column, booleans=self.booleans), params * 3

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> _Sql:
        column, params = self._column(compiler, connection)
        return within_sql(connection.vendor, column, booleans=self.booleans), params

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        column = self.source_expressions[0]
        assert isinstance(column, F)
        return ("tandem.dbchecks.JsonNumberWithin", (column.name,), {"booleans": self.booleans})


def within_sql(vendor: str, column: str, *, booleans: bool) -> str:
    """The condition's SQL for ``column`` (an SQL expression, used 5 times on SQLite and 3 on
    PostgreSQL); the migrations that bring the constraints in use it to find what breaks it."""
    if vendor == "sqlite":
        number = f"abs(json_extract({column}, '$')) <= {MAX_NUMBER}"
        flags = "WHEN 'true' THEN 1 WHEN 'false' THEN 1 " if booleans else ""
        return (
            f"({column} IS NULL OR CASE json_type({column}) "
            f"WHEN 'integer' THEN {number} WHEN 'real' THEN {number} "
            f"{flags}WHEN 'null' THEN 1 ELSE 0 END)"
        )
    if vendor == "postgresql":
        flags = "WHEN 'boolean' THEN true " if booleans else ""
        return (
            f"({column} IS NULL OR CASE jsonb_typeof({column}) "
            f"WHEN 'number' THEN abs(({column})::numeric) <= {MAX_NUMBER} "
            f"{flags}WHEN 'null' THEN true ELSE false END)"
        )
    raise NotSupportedError(
        f"Tandem runs on SQLite and PostgreSQL, not {vendor} (see docs/deployment.md)"
    )


def excerpt(raw: str) -> str:
    """A stored value as the repair's note quotes it: whole when short."""
    return raw if len(raw) <= 60 else f"{raw[:40]}... ({len(raw)} characters)"


def rows_breaking(
    schema_editor: Any, *, table: str, column: str, booleans: bool, text_column: str
) -> list[tuple[Any, str, str | None]]:
    """(id, the value as stored, the row's text) of each row whose ``column`` breaks the rule,
    read as text: Python could not read a 5,000-digit integer back as JSON."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    raw = quote(column) + ("::text" if connection.vendor == "postgresql" else "")
    condition = within_sql(connection.vendor, quote(column), booleans=booleans)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {raw}, {quote(text_column)} FROM {quote(table)} "  # noqa: S608 (names)
            f"WHERE NOT {condition}"
        )
        return list(cursor.fetchall())


def row_update(
    schema_editor: Any, *, table: str, id_: Any, values: dict[str, Any], json_columns: set[str]
) -> None:
    """Set ``values`` on one row; those in ``json_columns`` are JSON text (or None)."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    assignments = ", ".join(
        f"{quote(name)} = {cast if name in json_columns else '%s'}" for name in values
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {assignments} WHERE id = %s",  # noqa: S608 (names)
            [*values.values(), id_],
        )
