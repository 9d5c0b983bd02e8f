"""The admins' import page, driven as a browser would with its background jobs run here:
upload, the run's page, its plan, confirm, its result."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_q.models import OrmQ

from tandem.jobs.runner import run

URL = "/settings/import"


def run_import_jobs() -> list[str]:
    """Run the queued import jobs (the worker's part), in the order they were queued."""
    results = []
    for task in OrmQ.objects.order_by("id"):
        args = task.task["args"]
        if str(args[0]).startswith("import-"):
            task.delete()
            results.append(run(*args))
    return results


def upload(client: Client, name: str, data: bytes, fmt: str = "") -> str:
    """Upload a file and let it be planned; returns the run's page (its URL is in it)."""
    response = client.post(URL, {"file": SimpleUploadedFile(name, data), "format": fmt})
    assert response.status_code == 303, response.content.decode()
    run_import_jobs()
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


def run_url(page: str) -> str:
    marker = "/settings/import/"
    start = page.index(marker)
    return page[start : page.index('"', start)]


def confirm(client: Client, page: str) -> str:
    """Confirm the plan shown on ``page`` and let it be imported; returns the run's page."""
    url = run_url(page)
    assert client.post(url).status_code == 303
    run_import_jobs()
    return client.get(url).content.decode()


def upload_and_confirm(client: Client, name: str, data: bytes) -> str:
    return confirm(client, upload(client, name, data))
