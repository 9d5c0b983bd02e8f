"""Archives that must not be read: missing files, not JSON, ZIP bombs, lying directories."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tandem.importers import ImportSourceError, read_source, safezip
from tests.importers.files import viva_export, write_viva_zip


def problems(path: Path) -> list[str]:
    with pytest.raises(ImportSourceError) as caught:
        read_source([path], "viva")
    return [str(n) for n in caught.value.notes]


def test_a_zip_without_the_users_file_is_refused(tmp_path: Path) -> None:
    export = viva_export()
    del export["Users"]
    assert problems(write_viva_zip(tmp_path / "e.zip", export)) == [
        "e.zip [Users]: error: no Users file in the archive; export the whole organisation"
    ]


def test_a_json_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    export = viva_export()
    del export["Teams"]
    path = write_viva_zip(tmp_path / "e.zip", export, raw={"Export/Teams.json": b"<html>oops"})
    [problem] = problems(path)
    assert problem.startswith("e.zip: Export/Teams.json: error: not JSON (Expecting value")


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "e.zip"
    path.write_bytes(b"PK not really")
    [problem] = problems(path)
    assert "not a readable ZIP file" in problem


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    """One gigabyte of zeros in about a megabyte: refused before a byte is expanded."""
    path = tmp_path / "bomb.zip"
    zeros = b"\0" * (16 * 1024 * 1024)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("objectives.json", "w", force_zip64=True) as member,
    ):
        for _ in range(64):
            member.write(zeros)
    assert path.stat().st_size < 4 * 1024 * 1024
    [problem] = problems(path)
    assert "objectives.json: expands to 1 GiB, over 512 MiB; refused (a ZIP bomb?)" in problem


def test_the_compression_ratio_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "ratio.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Users.json", b"[" + b" " * (8 * 1024 * 1024) + b"]")
    [problem] = problems(path)
    assert "compression ratio" in problem
    assert "refused (a ZIP bomb?)" in problem


def test_bytes_read_are_capped_when_the_directory_lies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The central directory says 100 bytes; the member holds more: reading stops."""
    path = write_viva_zip(tmp_path / "e.zip")
    data = bytearray(path.read_bytes())
    entry = data.find(b"PK\x01\x02")
    data[entry + 24 : entry + 28] = (100).to_bytes(4, "little")  # uncompressed size
    path.write_bytes(bytes(data))
    [problem] = problems(path)
    assert "cannot be read from the archive" in problem


def test_the_bytes_read_are_counted_across_members(tmp_path: Path) -> None:
    """Reading stops once the members read add up past the total, whatever they declare."""
    limits = safezip.ZipLimits(member_bytes=1024 * 1024, total_bytes=3000)
    with zipfile.ZipFile(write_viva_zip(tmp_path / "e.zip")) as archive:
        reader = safezip.CappedReader(archive, limits)
        names = [info.filename for info in archive.infolist()]
        with pytest.raises(safezip.ZipRefusedError, match="while being read"):
            [reader.read(name) for name in names]
