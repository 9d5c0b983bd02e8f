"""``tandem import --from csv|xlsx|viva|viva-explorer|betterworks``: other tools' files read by
:mod:`tandem.importers` into the organisation Tandem would hold, then planned and written like
an OKR file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
import yaml
from rich.console import Console

from tandem.cli import _err

if TYPE_CHECKING:
    from tandem.core.model import Organization
    from tandem.importers import Note


class SourceFormat(StrEnum):
    OKR = "okr"
    CSV = "csv"
    XLSX = "xlsx"
    VIVA = "viva"
    VIVA_EXPLORER = "viva-explorer"
    BETTERWORKS = "betterworks"


def source_format(files: list[Path], given: SourceFormat | None) -> SourceFormat:
    from tandem.importers import detect  # noqa: PLC0415

    for file in files:
        if not file.is_file():
            raise refused([f"{file}: no such file"], files)
    fmt = given or SourceFormat(detect(files))
    if len(files) > 1 and fmt not in (SourceFormat.CSV, SourceFormat.XLSX):
        raise refused([f"{fmt} imports one file; several are for spreadsheets' tables"], files)
    return fmt


def header_map(path: Path | None) -> dict[str, str]:
    """The mapping file: YAML (or JSON) ``their header: our field``."""
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise refused([f"{path}: cannot read the mapping file: {exc}"], [path]) from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise refused([f"{path}: a mapping file maps each header to a field name"], [path])
    return {str(k): v for k, v in data.items()}


def organization_read(
    files: list[Path], fmt: SourceFormat, mapping: dict[str, str], console: Console
) -> Organization:
    """The organisation the database would hold after importing ``files`` (Django set up)."""
    from tandem.importers import ImportSourceError  # noqa: PLC0415
    from tandem.organization.source_imports import source_organization  # noqa: PLC0415

    try:
        org, notes = source_organization(files, fmt.value, mapping=mapping)
    except ImportSourceError as exc:
        raise refused([str(note) for note in exc.notes], files) from None
    notes_print(notes, console)
    return org


def notes_print(notes: list[Note], console: Console) -> None:
    """What was guessed and dropped, before the plan: the person importing decides on both."""
    for kind, heading in (("guessed", "Guessed"), ("dropped", "Dropped")):
        of_kind = [n for n in notes if n.kind == kind]
        if of_kind:
            console.print(f"{heading} ({len(of_kind)}):", style="bold")
            for note in of_kind:
                console.print(f"  {note}", markup=False, highlight=False, soft_wrap=True)


def refused(problems: list[str], files: list[Any]) -> typer.Exit:
    """Print every problem; the command's exit when nothing was written."""
    console = _err()
    for problem in problems:
        console.print(problem, markup=False, highlight=False, soft_wrap=True)
    count = len(problems)
    names = ", ".join(str(f) for f in files)
    console.print(
        f"{count} problem{'s' if count != 1 else ''} importing {names}; nothing was written.",
        style="bold red",
        markup=False,
        soft_wrap=True,
    )
    return typer.Exit(2)
