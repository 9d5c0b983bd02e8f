"""Other tools' files (spreadsheets, Viva Goals, Betterworks) as the organisation the database
would hold after importing them: :mod:`tandem.importers` reads them, merged into what the
database holds now; :func:`~tandem.organization.imports.organization_import` plans and writes
it as it does an OKR file. The command line and the admins' upload page share this."""

from __future__ import annotations

from pathlib import Path

from tandem.core import model as m
from tandem.importers import Note, organization_from, read_source
from tandem.okrfile.dump import to_document
from tandem.organization.selectors import organization_load

__all__ = ["source_organization"]


def source_organization(
    paths: list[Path], fmt: str, *, mapping: dict[str, str] | None = None
) -> tuple[m.Organization, list[Note]]:
    """The organisation after importing ``paths`` read as ``fmt``, and what was guessed or
    dropped on the way. Raises :class:`tandem.importers.ImportSourceError` with every problem."""
    current = organization_load()
    empty = not (current.people or current.teams or current.cycles)
    known = None if empty else current
    imported = read_source(paths, fmt, known=known, mapping=mapping)
    base = None if known is None else to_document(current)
    return organization_from(imported, base, paths[0].name), imported.notes
