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
    from tandem.importers import Imported


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
    from tandem.importers import ImportSourceError, organization_from, read_source  # noqa: PLC0415
    from tandem.okrfile.dump import to_document  # noqa: PLC0415
    from tandem.organization.selectors import organization_load  # noqa: PLC0415

    current = organization_load()
    empty = not (current.people or current.teams or current.cycles)
    try:
        imported = read_source(files, fmt.value, known=None if empty else current, mapping=mapping)
        notes_print(imported, console)
        base = None if empty else to_document(current)
        return organization_from(imported, base, files[0].name)
    except ImportSourceError as exc:
        raise refused([str(note) for note in exc.notes], files) from None


def notes_print(imported: Imported, console: Console) -> None:
    """What was guessed and dropped, before the plan: the person importing decides on both."""
    for kind, heading in (("guessed", "Guessed"), ("dropped", "Dropped")):
        notes = [n for n in imported.notes if n.kind == kind]
        if notes:
            console.print(f"{heading} ({len(notes)}):", style="bold")
            for note in notes:
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
