"""Admins import other tools' files from a page: upload, see the plan, confirm.

The upload is kept in the data folder under a random token until it is confirmed (then
imported, all or nothing, and removed) or replaced by another upload. The plan and the import
are those of ``tandem import`` (:mod:`tandem.organization.source_imports`)."""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from tandem import clock
from tandem.access.policy import require
from tandem.importers import ImportSourceError, detect
from tandem.organization.imports import ImportPlan, ImportRefusedError, organization_import
from tandem.organization.source_imports import source_organization
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
TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEEP_SECONDS = 24 * 3600  # an upload whose plan was shown and not confirmed
KINDS = (
    ("people", "People"),
    ("teams", "Teams"),
    ("cycles", "Cycles"),
    ("objectives", "Objectives"),
    ("key_results", "Key results"),
)


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


class ConfirmForm(forms.Form):
    token = forms.RegexField(regex=TOKEN)
    format = forms.ChoiceField(choices=FORMATS, required=False)


def _folder() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def _sweep(now: float) -> None:
    """Remove uploads whose plan was shown a day ago and never confirmed."""
    folder = _folder()
    for old in folder.iterdir() if folder.is_dir() else ():
        if TOKEN.match(old.name) and now - old.stat().st_mtime > KEEP_SECONDS:
            shutil.rmtree(old, ignore_errors=True)


def _saved(upload: UploadedFile[bytes]) -> tuple[str, Path]:
    _sweep(time.time())
    token = secrets.token_hex(16)
    folder = _folder() / token
    folder.mkdir(parents=True)
    # The file's own name (its problems name it), made safe for the file system.
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(upload.name or "").name).lstrip(".")[-100:]
    target = folder / (name or f"upload{Path(upload.name or '').suffix.lower()}")
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return token, target


def _upload_of(token: str) -> Path | None:
    folder = _folder() / token
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    return files[0] if files else None


def _plan(target: Path, fmt: str, *, dry_run: bool) -> tuple[ImportPlan, list[str]]:
    """Plan (or run) the import; raises ImportSourceError or ImportRefusedError."""
    org, notes = source_organization([target], fmt or detect([target]))
    plan = organization_import(org=org, source=target.name, today=clock.today(), dry_run=dry_run)
    return plan, [str(n) for n in notes]


def _rows(plan: ImportPlan) -> list[tuple[str, int, int, int]]:
    rows = [
        (label, len(plan.kinds[k].created), len(plan.kinds[k].updated), plan.kinds[k].unchanged)
        for k, label in KINDS
    ]
    return [*rows, ("Check-ins", plan.checkins_added, 0, plan.checkins_kept)]


def _page(request: WebRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("form", UploadForm())
    return pages.page(request, "web/import.html", context, status=status)


def _problems(exc: ImportSourceError | ImportRefusedError) -> list[str]:
    if isinstance(exc, ImportSourceError):
        return [str(note) for note in exc.notes]
    return exc.problems


def _upload(request: WebRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, {"form": form}, 422)
    token, target = _saved(form.cleaned_data["file"])
    fmt = form.cleaned_data["format"]
    try:
        plan, notes = _plan(target, fmt, dry_run=True)
    except (ImportSourceError, ImportRefusedError) as exc:
        shutil.rmtree(target.parent, ignore_errors=True)
        return _page(request, {"problems": _problems(exc)}, 422)
    context = {"plan_rows": _rows(plan), "notes": notes, "changes": plan.changes}
    context |= {"token": token, "format": fmt, "name": form.cleaned_data["file"].name}
    return _page(request, context)


def _confirm(request: WebRequest) -> HttpResponse:
    form = ConfirmForm(request.POST)
    target = _upload_of(form.cleaned_data["token"]) if form.is_valid() else None
    if target is None:
        return _page(request, {"problems": ["This upload is gone; upload the file again."]}, 410)
    try:
        plan, _notes = _plan(target, form.cleaned_data["format"], dry_run=False)
    except (ImportSourceError, ImportRefusedError) as exc:
        return _page(request, {"problems": _problems(exc)}, 422)
    finally:
        shutil.rmtree(target.parent, ignore_errors=True)
    count = plan.changes
    messages.success(request, f"Imported: {count} change{'s' if count != 1 else ''}.")
    return see_other(reverse("web:import_upload"))


@require_http_methods(["GET", "POST"])
@signed_in
def import_upload(request: WebRequest) -> HttpResponse:
    """Upload a file and see its plan; confirm to import it (administrators only)."""
    require(request.caller.admin, "only administrators import files")
    if request.method == "GET":
        return _page(request, {})
    if "token" in request.POST:
        return _confirm(request)
    return _upload(request)


urlpatterns = [path("settings/import", import_upload, name="import_upload")]
