"""List and report endpoints take the same number of queries for a 10x larger organisation,
whether the organisation is read afresh or served from the process's cache."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.access.tokens import token_create
from tandem.okrfile import load_path
from tandem.okrs.models import KeyResult, Objective
from tandem.organization.cache import cache_clear
from tandem.organization.imports import organization_import
from tandem.people.models import Team


def counts(people: int, generated_file) -> dict[str, int]:  # type: ignore[no-untyped-def]
    organization = load_path(generated_file(people)).organization
    organization_import(org=organization, source="f", today=date(2026, 9, 1), prune=True)
    root = Team.objects.get(is_root=True)
    team = Team.objects.filter(parent=root).order_by("position").first()
    assert team is not None
    assert root.lead_id is not None
    _token, raw = token_create(person_id=root.lead_id, scope="read")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    objective = Objective.objects.order_by("position", "id").first()
    # One with check-ins, named in full: positions repeat across objectives, and a key result
    # without check-ins skips their revisions' query (PostgreSQL may return either of a tie).
    key_result = KeyResult.objects.filter(checkins__isnull=False).order_by("position", "id").first()
    assert objective is not None
    assert key_result is not None
    paths = {
        "objectives": "/api/v1/objectives?cycle=all",
        "objectives of a team": f"/api/v1/objectives?team={team.id}",
        "report of a team": f"/api/v1/report?team={team.id}",
        "report": "/api/v1/report?cycle=all",
        "lint": "/api/v1/lint",
        "alignment": "/api/v1/alignment",
        "objective": f"/api/v1/objectives/{objective.id}",
        "key result": f"/api/v1/key-results/{key_result.id}",
        "check-ins": f"/api/v1/key-results/{key_result.id}/check-ins",
        "incoming": f"/api/v1/teams/{team.id}/dependencies/incoming",
        "outgoing": f"/api/v1/teams/{team.id}/dependencies/outgoing",
        "people": "/api/v1/people?limit=100",
        "teams": "/api/v1/teams",
    }
    found = {}
    for name, path in paths.items():
        for cache in ("cold", "warm"):
            if cache == "cold":
                cache_clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (path, response.content[:300])
            found[f"{name} ({cache})"] = len(queries)
    return found


def test_endpoints_take_the_same_queries_at_ten_times_the_size(db: None, generated_file) -> None:  # type: ignore[no-untyped-def]
    small = counts(100, generated_file)
    large = counts(1000, generated_file)
    assert small == large
    # A warm cache costs one query for the revision instead of reading everything.
    assert small["report (warm)"] < small["report (cold)"]
