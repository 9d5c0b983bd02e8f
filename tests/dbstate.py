"""Helpers for database tests: a full dump to prove "nothing changed", the CLI, OKR files."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.apps import apps
from typer.testing import CliRunner

from tandem.cli import app
from tandem.core import model as m
from tandem.okrfile.dump import to_document, write_yaml

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


def write(org: m.Organization, path: Path) -> Path:
    """``org`` as an OKR file at ``path``."""
    buffer = io.StringIO()
    write_yaml(to_document(org), buffer)
    path.write_text(buffer.getvalue())
    return path
