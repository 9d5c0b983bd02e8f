"""The upgrade that brings in the number constraints repairs what a database stored before them
(a 400-digit check-in the API used to accept), losing nothing, and the reports work after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tandem.checkins.models import CheckIn
from tandem.core import model as m
from tandem.okrs.models import KeyResult
from tests.conftest import TODAY

BEFORE = [("checkins", "0001_initial"), ("okrs", "0004_activity_and_reflections")]
HUGE = "9" * 400


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.fixture
def before_the_rule(demo_organization: m.Organization) -> Iterator[None]:
    """The demo imported, then the schema taken back to before the number constraints."""
    from tandem.organization.imports import organization_import  # noqa: PLC0415

    organization_import(org=demo_organization, source="northwind.yaml", today=TODAY)
    _migrate(BEFORE)
    yield
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


def _store(sql: str, params: list[object]) -> None:
    jsonb = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{json}", jsonb), params)


def _rows(sql: str, params: list[object]) -> list[tuple[object, ...]]:
    """Read with SQL: the models are newer than the schema taken back."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_values_out_of_bounds_move_to_the_note_and_metrics_to_the_bound(before_the_rule) -> None:
    noted = _rows(
        "SELECT id, note FROM checkins_checkin WHERE key_result_id = %s AND note IS NOT NULL "
        "ORDER BY id",
        ["SR-1.1"],
    )
    checkin_id, note = noted[-1]
    _store("UPDATE checkins_checkin SET value = {json} WHERE id = %s", [HUGE, checkin_id])
    _store("UPDATE okrs_keyresult SET start = {json} WHERE id = %s", ["-1e400", "BEN-1.1"])
    _store("UPDATE okrs_keyresult SET target = {json} WHERE id = %s", ['"lots"', "IN-1.1"])
    fine_id = _rows(
        "SELECT id FROM checkins_checkin WHERE key_result_id = %s AND id <> %s ORDER BY id",
        ["SR-1.1", checkin_id],
    )[0][0]

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    checkin = CheckIn.objects.get(pk=checkin_id)
    assert checkin.value is None
    assert checkin.note is not None
    assert checkin.note.startswith(f"{note}\n[Tandem's upgrade took the value 9999")
    assert "(400 characters) out of this check-in" in checkin.note
    ben = KeyResult.objects.get(id="BEN-1.1")
    assert ben.start == -(10**15)
    assert ben.description is not None
    # As stored: PostgreSQL keeps -1e400 written out in full.
    assert "set start to -1000000000000000: it was -1" in ben.description
    infra = KeyResult.objects.get(id="IN-1.1")
    assert infra.target == 0
    assert 'it was "lots"' in (infra.description or "")
    # Nothing else changed.
    fine = CheckIn.objects.get(pk=fine_id)
    assert fine.value is not None
    assert "upgrade" not in (fine.note or "")
