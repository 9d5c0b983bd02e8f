"""Synthetic organisations for demos, tests and benchmarks.

:func:`generate_organization` builds a plain dict in exactly the shape of the OKR file
(SPEC section 1): a company tree of 3 to 5 levels, weekly check-ins up to the as-of date,
dependencies in every state and a sprinkling of the quality problems ``tandem lint`` looks
for. :func:`write_organization` writes it as YAML, fast enough for 100k people.

Everything is derived from one ``random.Random(seed)``; the clock is never read, so the same
arguments always give the same output. The parts: :mod:`.domains` and :mod:`.words` hold the
vocabulary, :mod:`.teams` the tree and its people, :mod:`.objectives` and
:mod:`.key_results` the OKR text and check-ins, :mod:`.dependencies` the requests between
teams; :mod:`.builder` runs them in order.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tandem.generator.base import DEFAULT_AS_OF, MIN_PEOPLE
from tandem.generator.builder import Builder
from tandem.okrfile.dump import write_yaml

__all__ = [
    "DEFAULT_AS_OF",
    "MIN_PEOPLE",
    "generate_organization",
    "write_organization",
    "write_yaml",
]


def generate_organization(*, people: int, seed: int, as_of: date = DEFAULT_AS_OF) -> dict[str, Any]:
    """A synthetic organisation as a plain dict in the shape of the OKR file.

    Cycles are the fiscal year of ``as_of`` and its third and fourth quarters; check-ins run
    from each cycle's start up to ``as_of``. Raises ``ValueError`` below :data:`MIN_PEOPLE`.
    """
    return Builder(people=people, seed=seed, as_of=as_of).build()


def write_organization(*, people: int, seed: int, path: Path, as_of: date = DEFAULT_AS_OF) -> None:
    """Generate an organisation and write it to ``path`` as YAML (UTF-8)."""
    data = generate_organization(people=people, seed=seed, as_of=as_of)
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        write_yaml(data, stream)
