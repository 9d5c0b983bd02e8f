"""Fixtures shared by the database tests: the demo organisation and generated ones, imported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tandem import DEMO_FILE
from tandem.core import model as m
from tandem.generator import write_organization
from tandem.okrfile import load_path

# The demo's "today": its Q4 is under way, its Q3 has ended.
TODAY = date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _fresh_organization_cache() -> None:
    """Each test's database starts again, revision numbers too: forget what was cached."""
    from tandem.organization.cache import cache_clear  # noqa: PLC0415

    cache_clear()


@pytest.fixture(scope="session")
def demo_organization() -> m.Organization:
    return load_path(DEMO_FILE).organization


@pytest.fixture(scope="session")
def generated_file(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """``generated_file(people)``: the path of a generated organisation, made once a session."""
    folder = tmp_path_factory.mktemp("generated")
    made: dict[int, Path] = {}

    def make(people: int) -> Path:
        if people not in made:
            made[people] = folder / f"org-{people}.yaml"
            write_organization(people=people, seed=7, path=made[people])
        return made[people]

    return make


@pytest.fixture
def demo_in_db(db: None, demo_organization: m.Organization) -> m.Organization:
    """The demo organisation imported into the (empty) test database."""
    from tandem.organization.imports import organization_import  # noqa: PLC0415

    organization_import(org=demo_organization, source="northwind.yaml", today=TODAY)
    return demo_organization
