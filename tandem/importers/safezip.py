"""Reading ZIP files (Viva Goals exports, XLSX workbooks) without trusting their sizes.

A ZIP bomb is a small file that expands to gigabytes. The central directory's sizes are checked
first (each member, the total, the compression ratio); then the bytes actually read are capped
too, because the directory can lie.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ZipLimits:
    member_bytes: int = 512 * MiB
    total_bytes: int = 2048 * MiB
    ratio: int = 200
    members: int = 10_000


LIMITS = ZipLimits()


def in_words(count: int) -> str:
    """A number of bytes in words: '512 MiB', '3 KiB', '100 bytes'."""
    for unit, scale in (("GiB", MiB * 1024), ("MiB", MiB), ("KiB", 1024)):
        if count >= scale:
            return f"{count // scale} {unit}"
    return f"{count} bytes"


class ZipRefusedError(Exception):
    """The archive is not read: what is wrong, in words for the person importing it."""


def checked_zip(path: Path, limits: ZipLimits | None = None) -> zipfile.ZipFile:
    """Open ``path`` after checking its central directory against ``limits``."""
    limits = limits or LIMITS
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ZipRefusedError(f"{path.name}: not a readable ZIP file ({exc})") from None
    infos = archive.infolist()
    if len(infos) > limits.members:
        archive.close()
        raise ZipRefusedError(
            f"{path.name}: {len(infos)} files in the archive, over {limits.members}"
        )
    total = 0
    for info in infos:
        total += info.file_size
        problem = _member_problem(info, limits)
        if problem is None and total > limits.total_bytes:
            problem = f"expands to more than {in_words(limits.total_bytes)} in all"
        if problem:
            archive.close()
            raise ZipRefusedError(f"{path.name}: {info.filename}: {problem}; refused (a ZIP bomb?)")
    return archive


def _member_problem(info: zipfile.ZipInfo, limits: ZipLimits) -> str | None:
    if info.file_size > limits.member_bytes:
        return f"expands to {in_words(info.file_size)}, over {in_words(limits.member_bytes)}"
    if (
        info.compress_size
        and info.file_size / info.compress_size > limits.ratio
        and (info.file_size > MiB)
    ):
        ratio = info.file_size // info.compress_size
        return f"compression ratio {ratio}:1, over {limits.ratio}:1"
    return None


class CappedReader:
    """Counts the bytes read from all members of one archive and stops past the limits."""

    def __init__(self, archive: zipfile.ZipFile, limits: ZipLimits | None = None) -> None:
        self.archive = archive
        self.limits = limits or LIMITS
        self.total = 0

    def read(self, name: str) -> bytes:
        try:
            return self._read(name)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ZipRefusedError(f"{name}: cannot be read from the archive ({exc})") from None

    def _read(self, name: str) -> bytes:
        chunks: list[bytes] = []
        size = 0
        with self.archive.open(name) as member:
            while chunk := member.read(MiB):
                size += len(chunk)
                self.total += len(chunk)
                if size > self.limits.member_bytes or self.total > self.limits.total_bytes:
                    raise ZipRefusedError(
                        f"{name}: expands past {in_words(self.limits.member_bytes)} (or "
                        f"{in_words(self.limits.total_bytes)} in all) while being read, more "
                        "than the archive declares; refused (a ZIP bomb?)"
                    )
                chunks.append(chunk)
        return b"".join(chunks)
