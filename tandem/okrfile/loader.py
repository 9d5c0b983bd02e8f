"""Read an OKR file into a core :class:`~tandem.core.model.Organization`.

Three passes, each collecting every problem it finds before giving up:
1. YAML syntax (with the line of the mistake);
2. the shape of each entry (pydantic; one bad entry does not hide the others);
3. references between entries (unknown ids, duplicates, the team tree, cycle nesting).
Nothing is written anywhere; a file with any problem raises :class:`OkrFileError`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from tandem.core import model as m
from tandem.okrfile.checks import FileChecker
from tandem.okrfile.core_model import to_core
from tandem.okrfile.problems import OkrFileError, Problem
from tandem.okrfile.yamlio import LineDict, read_yaml


@dataclass(frozen=True, slots=True)
class LoadedFile:
    path: str
    organization: m.Organization
    # The line where each id is defined, for messages that point into the file.
    lines: dict[str, int]


def load_path(path: str | Path) -> LoadedFile:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OkrFileError(
            [Problem(str(path), None, None, f"cannot read the file: {exc.strerror}")]
        ) from None
    return load_bytes(data, filename=str(path))


def load_bytes(data: bytes, *, filename: str = "<input>") -> LoadedFile:
    if b"\x00" in data:
        raise OkrFileError([_binary(filename)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OkrFileError([_binary(filename)]) from None
    return load_text(text, filename=filename)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading builds millions of small objects, none of them in reference cycles; Python's
    cyclic collector would rescan them again and again (it made a 10k-person file 3x slower)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_text(text: str, *, filename: str = "<input>") -> LoadedFile:
    with _collector_paused():
        return _load_text(text, filename)


def _load_text(text: str, filename: str) -> LoadedFile:
    try:
        raw = read_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise OkrFileError(
            [Problem(filename, line, None, f"YAML syntax error: {reason}")]
        ) from None
    except yaml.YAMLError as exc:
        raise OkrFileError([Problem(filename, None, None, f"YAML error: {exc}")]) from None
    if raw is None:
        raise OkrFileError(
            [
                Problem(
                    filename,
                    1,
                    None,
                    "the file is empty; an OKR file starts with "
                    "'version: 1' and 'organization: <name>' (see docs/okr-file.md)",
                )
            ]
        )
    if not isinstance(raw, LineDict):
        raise OkrFileError(
            [
                Problem(
                    filename,
                    1,
                    None,
                    "expected a mapping with version, organization, people, "
                    f"teams, cycles and objectives, found {type(raw).__name__}",
                )
            ]
        )
    checker = FileChecker(filename, raw)
    checked = checker.check()
    organization = to_core(checked.organization, checked.settings, checked.entries)
    return LoadedFile(filename, organization, checker.lines)


def _binary(filename: str) -> Problem:
    return Problem(filename, None, None, "this is not a text file; an OKR file is UTF-8 YAML")
