"""Helpers for database tests: a full dump to prove "nothing changed", and the CLI runner."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from typer.testing import CliRunner

from tandem.cli import app

runner = CliRunner()


def tandem(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def dump() -> dict[str, list[dict[str, Any]]]:
    """Every row of every Tandem table and of the user table, in primary-key order."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        if model._meta.app_label in {
            "people",
            "okrs",
            "checkins",
            "dependencies",
            "organization",
            "auth",
        }:
            tables[model._meta.label] = list(model._default_manager.order_by("pk").values())
    return tables
