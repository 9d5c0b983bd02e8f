"""The engine stays pure: no Django, no I/O libraries, no clock."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).parents[2] / "tandem" / "core"
FORBIDDEN = (
    "django",
    "tandem.okrfile",
    "tandem.cli",
    "yaml",
    "os",
    "pathlib",
    "socket",
    "subprocess",
    "time",
)


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_core_imports_no_django_and_no_io() -> None:
    offenders = {
        f"{path.name}: {module}"
        for path in CORE.rglob("*.py")
        for module in imported_modules(path)
        if any(module == bad or module.startswith(bad + ".") for bad in FORBIDDEN)
    }
    assert offenders == set()


def test_core_never_reads_the_clock() -> None:
    sources = "\n".join(path.read_text() for path in CORE.rglob("*.py"))
    for call in ("date.today(", "datetime.now(", "datetime.utcnow(", "time.time("):
        assert call not in sources
