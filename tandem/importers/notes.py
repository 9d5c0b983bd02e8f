"""What an importer has to say about its source: problems, and what it guessed or dropped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["problem", "guessed", "dropped"]


@dataclass(frozen=True, slots=True)
class Note:
    """One remark, pointing at a row or file and a field."""

    kind: Kind
    where: str
    field: str | None
    message: str

    def __str__(self) -> str:
        subject = f" [{self.field}]" if self.field else ""
        label = {"problem": "error", "guessed": "guessed", "dropped": "dropped"}[self.kind]
        return f"{self.where}{subject}: {label}: {self.message}"


class ImportSourceError(Exception):
    """The source cannot be read; ``notes`` lists every problem found."""

    def __init__(self, notes: list[Note]) -> None:
        self.notes = notes
        super().__init__("\n".join(str(n) for n in notes))


@dataclass(slots=True)
class Notes:
    """Collects notes while a source is read; at most ``limit`` of each kind are kept."""

    items: list[Note] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    limit: int = 200

    def add(self, kind: Kind, where: str, field_: str | None, message: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if self.counts[kind] <= self.limit:
            self.items.append(Note(kind, where, field_, message))
        elif self.counts[kind] == self.limit + 1 and kind != "problem":
            self.items.append(Note(kind, "...", None, f"more than {self.limit}; the rest unlisted"))

    def problem(self, where: str, field_: str | None, message: str) -> None:
        self.add("problem", where, field_, message)

    def guessed(self, where: str, field_: str | None, message: str) -> None:
        self.add("guessed", where, field_, message)

    def dropped(self, where: str, field_: str | None, message: str) -> None:
        self.add("dropped", where, field_, message)

    @property
    def problems(self) -> list[Note]:
        return [n for n in self.items if n.kind == "problem"]

    def raise_if_problems(self) -> None:
        if self.counts.get("problem"):
            notes = self.problems
            extra = self.counts["problem"] - len(notes)
            if extra > 0:
                notes.append(Note("problem", "...", None, f"and {extra} more problems"))
            raise ImportSourceError(notes)


@dataclass(frozen=True, slots=True)
class Imported:
    """A source read into an OKR-file document (``tandem.okrfile``'s shape) with its notes."""

    format: str
    document: dict[str, Any]
    notes: list[Note]
