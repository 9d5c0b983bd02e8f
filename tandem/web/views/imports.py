"""Admins import other tools' files from a page: upload, see the plan, confirm.

The upload is kept in the data folder and planned by a background job; the page of its run
polls (HTMX, or a refresh without JavaScript) until the plan is ready, shows it, and a
confirmation queues the import, whose progress it shows in turn. The plan and the import are
those of ``tandem import`` (:mod:`tandem.organization.import_runs`, :mod:`tandem.jobs.imports`).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from tandem.access.policy import require
from tandem.jobs.imports import IMPORT, PLAN
from tandem.jobs.runner import enqueue
from tandem.organization.import_runs import (
    import_run_confirm,
    import_run_create,
    import_run_get,
    import_run_waiting,
    import_runs_recent,
    upload_save,
)
from tandem.organization.models import ImportRun
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in
from tandem.web.views.checkin import see_other

FORMATS = [
    ("", "Detect from the file"),
    ("csv", "Spreadsheet (CSV)"),
    ("xlsx", "Spreadsheet (XLSX)"),
    ("viva", "Viva Goals organisation export (ZIP)"),
    ("viva-explorer", "Viva Goals Explorer export (CSV or XLSX)"),
    ("betterworks", "Betterworks CSV"),
]
MAX_UPLOAD = 200 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx", ".zip")


class UploadForm(forms.Form):
    file = forms.FileField(label="File")
    format = forms.ChoiceField(label="Format", choices=FORMATS, required=False)

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in SUFFIXES:
            raise forms.ValidationError("Upload a .csv, .xlsx or .zip file.")
        if (upload.size or 0) > MAX_UPLOAD:
            raise forms.ValidationError(f"The file is over {MAX_UPLOAD // 1024 // 1024} MB.")
        return upload


def _page(request: WebRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("form", UploadForm())
    context["runs"] = import_runs_recent()
    return pages.page(request, "web/import.html", context, status=status)


def _upload(request: WebRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, {"form": form}, 422)
    upload = form.cleaned_data["file"]
    token, target = upload_save(upload.name or "", upload.chunks())
    fmt = form.cleaned_data["format"]
    by = request.caller.person or ""
    run = import_run_create(by=by, token=token, file_name=upload.name or target.name, fmt=fmt)
    enqueue(PLAN, str(run.id))
    return see_other(reverse("web:import_run", args=[run.id]))


@require_http_methods(["GET", "POST"])
@signed_in
def import_upload(request: WebRequest) -> HttpResponse:
    """Upload a file to see its plan (administrators only)."""
    require(request.caller.admin, "only administrators import files")
    if request.method == "GET":
        return _page(request, {})
    return _upload(request)


FINAL = (ImportRun.PLANNED, ImportRun.DONE, ImportRun.FAILED)


def _status(run: ImportRun) -> dict[str, Any]:
    return {
        "run": run,
        "polling": run.state not in FINAL,
        "waiting": import_run_waiting(run),
        "status_url": reverse("web:import_run", args=[run.id]),
    }


@require_http_methods(["GET", "POST"])
@signed_in
def import_run(request: WebRequest, run_id: uuid.UUID) -> HttpResponse:
    """An upload's run: its progress, then its plan to confirm, then what came of it."""
    require(request.caller.admin, "only administrators import files")
    run = import_run_get(run_id)
    if run is None:
        raise Http404("No such import; upload the file again.")
    if request.method == "POST":
        if import_run_confirm(run.id):
            enqueue(IMPORT, str(run.id))
        return see_other(reverse("web:import_run", args=[run.id]))
    if pages.is_htmx(request):
        return render(request, "web/_import_status.html", _status(run))
    return pages.page(request, "web/import_run.html", _status(run))


urlpatterns = [
    path("settings/import", import_upload, name="import_upload"),
    path("settings/import/<uuid:run_id>", import_run, name="import_run"),
]
