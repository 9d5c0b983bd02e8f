"""The install depends on nothing a registry publishes after the lock was made.

`make install` (behind `make demo` and `make test`) installs requirements.lock with
``--require-hashes --no-deps`` and builds Tandem with the locked build backend
(``--no-build-isolation``): these tests fail when the lock or the Makefile stop guaranteeing it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PINNED = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def _entries() -> list[tuple[str, str]]:
    """Each requirement of the lock with its continuation lines joined: (first line, whole)."""
    entries: list[tuple[str, str]] = []
    current: list[str] = []
    for raw in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        current.append(line.strip().removesuffix("\\").strip())
        if not line.endswith("\\"):
            entries.append((current[0], " ".join(current)))
            current = []
    assert not current, "the lock ends in a line continuation"
    return entries


def _locked_names() -> set[str]:
    return {canonicalize_name(Requirement(first.split()[0]).name) for first, _ in _entries()}


def test_every_requirement_is_pinned_with_hashes() -> None:
    entries = _entries()
    assert len(entries) > 50
    for first, whole in entries:
        assert PINNED.match(first), f"not pinned with ==: {first}"
        assert "[" not in first.split("==")[0], f"an extra is resolved at install time: {first}"
        assert HASH.search(whole), f"no sha256 hash: {first}"


def test_the_lock_holds_every_dependency_and_the_build_backend() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [
        *project["project"]["dependencies"],
        *project["project"]["optional-dependencies"]["dev"],
        *project["build-system"]["requires"],
    ]
    locked = _locked_names()
    missing = [req for req in wanted if canonicalize_name(Requirement(req).name) not in locked]
    assert missing == []


def test_the_install_resolves_nothing_and_builds_with_the_locked_backend() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    install = [line for line in makefile.splitlines() if "pip install" in line]
    assert any("--require-hashes" in line and "--no-deps" in line for line in install)
    editable = [line for line in install if " -e ." in line]
    assert editable
    assert all("--no-deps" in line and "--no-build-isolation" in line for line in editable)
    assert "pip check" in makefile
