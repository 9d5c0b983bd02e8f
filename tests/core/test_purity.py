"""The engine stays pure: it imports only what the allowlist names, and never reads the clock.

An allowlist rather than a list of what is forbidden: a new import into ``tandem/core`` (a
framework, a file or network library, another part of Tandem) fails here until someone decides
it belongs in the engine and adds it below. ``lint-imports`` (pyproject.toml) checks the same
from the other side: no framework and no other Tandem package.
"""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).parents[2] / "tandem" / "core"

# Top-level packages tandem/core may import.
ALLOWED = frozenset(
    {
        # The standard library, pure computation only (no os, pathlib, socket, time, ...).
        "__future__",
        "bisect",
        "collections",
        "dataclasses",
        "datetime",
        "decimal",
        "difflib",
        "enum",
        "math",
        "re",
        "typing",
        # Numerical libraries for the overlap check (similarity.py).
        "numpy",
        "scipy",
        "sklearn",
    }
)


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # A relative import stays in tandem.core only with one dot.
            found.add("." * node.level + (node.module or ""))
    return found


def allowed(module: str) -> bool:
    if module.startswith("."):
        return not module.startswith("..")
    if module == "tandem.core" or module.startswith("tandem.core."):
        return True
    return module.split(".", maxsplit=1)[0] in ALLOWED


def test_core_imports_only_what_the_allowlist_names() -> None:
    offenders = {
        f"{path.relative_to(CORE)}: {module}"
        for path in CORE.rglob("*.py")
        for module in imported_modules(path)
        if not allowed(module)
    }
    assert offenders == set()


def test_the_allowlist_refuses_what_would_make_the_core_impure() -> None:
    for module in (
        "django.db",
        "tandem.okrs.models",
        "tandem.cli",
        "yaml",
        "os",
        "time",
        "..engine",
    ):
        assert not allowed(module), module
    assert allowed("tandem.core.model")
    assert allowed(".model")


def test_core_never_reads_the_clock() -> None:
    sources = "\n".join(path.read_text() for path in CORE.rglob("*.py"))
    for call in ("date.today(", "datetime.now(", "datetime.utcnow(", "time.time("):
        assert call not in sources
