"""Imports from the page, in the background: an uploaded file is planned by one job, then,
once an administrator confirms the plan, imported by another (:mod:`tandem.jobs.imports`).

An :class:`~tandem.organization.models.ImportRun` holds where each is and what came out (the
plan's rows, the notes, the problems, the count of changes); the page polls it. Its state
moves ``queued → planning → planned → importing → done``, or to ``failed`` with the problems
of the file (never retried: the same file fails the same way). Each move is a conditional
update, so a run is planned once and imported once however often it is confirmed or queued.

Progress is written outside the import's transaction (the import is all or nothing in one):
at each phase's boundary in its own short transaction, and, on PostgreSQL, while the rows are
written too, through a second connection of its own, at most every ``EVERY`` seconds. SQLite
has one writer at a time and the import holds it, so there the page moves at the phases'
boundaries only.

The upload stays in ``DATA_DIR/imports/<token>/`` until it is imported or fails; an upload
whose plan is never confirmed is removed a day later (:func:`uploads_sweep`).
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from tandem import clock
from tandem.importers import ImportSourceError, detect
from tandem.organization.imports import ImportPlan, ImportRefusedError, organization_import
from tandem.organization.models import ImportRun
from tandem.organization.source_imports import source_organization
from tandem.people.models import Person

TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEEP_SECONDS = 24 * 3600  # an upload whose plan was shown and not confirmed
EVERY = 0.5  # seconds between two writes of the progress while the rows are written
WAITING = "Waiting to start"
GONE = "This upload is gone; upload the file again."
KINDS = (
    ("people", "People"),
    ("teams", "Teams"),
    ("cycles", "Cycles"),
    ("objectives", "Objectives"),
    ("key_results", "Key results"),
)
Write = Callable[[uuid.UUID, str, int, int], None]


def uploads_folder() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def uploads_sweep(now: float) -> None:
    """Remove uploads whose plan was shown a day ago and never confirmed."""
    folder = uploads_folder()
    for old in folder.iterdir() if folder.is_dir() else ():
        if TOKEN.match(old.name) and now - old.stat().st_mtime > KEEP_SECONDS:
            shutil.rmtree(old, ignore_errors=True)


def upload_save(name: str, chunks: Iterable[bytes]) -> tuple[str, Path]:
    """Keep an uploaded file under a new random token; returns the token and the file."""
    uploads_sweep(time.time())
    token = secrets.token_hex(16)
    folder = uploads_folder() / token
    folder.mkdir(parents=True)
    # The file's own name (its problems name it), made safe for the file system.
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", Path(name).name).lstrip(".")[-100:]
    target = folder / (safe or f"upload{Path(name).suffix.lower()}")
    with target.open("wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    return token, target


def _upload_of(token: str) -> Path | None:
    folder = uploads_folder() / token
    files = sorted(folder.iterdir()) if TOKEN.match(token) and folder.is_dir() else []
    return files[0] if files else None


def import_run_create(*, by: str, token: str, file_name: str, fmt: str) -> ImportRun:
    """Record an upload to plan; the caller queues its planning."""
    return ImportRun.objects.create(
        by=by, upload=token, file_name=file_name[:200], format=fmt, phase=WAITING
    )


def import_run_confirm(run_id: uuid.UUID) -> bool:
    """Move a planned run on to be imported; False when it was not planned (or is already
    confirmed: only the first of two confirmations queues the import)."""
    moved = ImportRun.objects.filter(id=run_id, state=ImportRun.PLANNED, changes__gt=0)
    return bool(moved.update(state=ImportRun.IMPORTING, phase=WAITING, done=0))


def _set(run_id: uuid.UUID, **fields: Any) -> None:
    ImportRun.objects.filter(id=run_id).update(updated=timezone.now(), **fields)


def _claim(run_id: uuid.UUID, state: str, becomes: str) -> ImportRun | None:
    """The run, now in ``becomes``, if it was waiting in ``state`` (else another has it)."""
    waiting = ImportRun.objects.filter(id=run_id, state=state, phase=WAITING)
    if not waiting.update(state=becomes, phase="Reading the file", updated=timezone.now()):
        return None
    return ImportRun.objects.get(id=run_id)


def _problems(exc: ImportSourceError | ImportRefusedError) -> list[str]:
    if isinstance(exc, ImportSourceError):
        return [str(note) for note in exc.notes]
    return exc.problems


def _rows(plan: ImportPlan) -> list[list[Any]]:
    rows = [
        [label, len(plan.kinds[k].created), len(plan.kinds[k].updated), plan.kinds[k].unchanged]
        for k, label in KINDS
    ]
    return [*rows, ["Check-ins", plan.checkins_added, 0, plan.checkins_kept]]


def _failed(run: ImportRun, problems: list[str]) -> None:
    shutil.rmtree(uploads_folder() / run.upload, ignore_errors=True)
    _set(run.id, state=ImportRun.FAILED, phase="", problems=problems)


def _run(run: ImportRun, *, dry_run: bool, progress: Write | None = None) -> ImportPlan | None:
    """Read and plan (or import) the run's file; None when it failed (recorded so)."""
    target = _upload_of(run.upload)
    if target is None:
        _failed(run, [GONE])
        return None
    try:
        org, notes = source_organization([target], run.format or detect([target]))
        _set(run.id, phase="Comparing with what Tandem holds", notes=[str(n) for n in notes])
        writing = None if progress is None else _Throttled(run.id, progress)
        return organization_import(
            org=org, source=target.name, today=clock.today(), dry_run=dry_run, progress=writing
        )
    except (ImportSourceError, ImportRefusedError) as exc:
        _failed(run, _problems(exc))
        return None


def import_run_plan(run_id: uuid.UUID) -> None:
    """The planning job: read the file, compare it with the database, keep the plan."""
    run = _claim(run_id, ImportRun.QUEUED, ImportRun.PLANNING)
    if run is None:
        return
    with _again_on_error(run_id, ImportRun.QUEUED):
        plan = _run(run, dry_run=True)
    if plan is not None:
        rows = {"rows": _rows(plan)}
        _set(run_id, state=ImportRun.PLANNED, phase="", plan=rows, changes=plan.changes)
        if not plan.changes:  # nothing to confirm: the upload is of no more use
            shutil.rmtree(uploads_folder() / run.upload, ignore_errors=True)


def import_run_execute(run_id: uuid.UUID, write: Write | None = None) -> None:
    """The import job: import the confirmed run's file, all or nothing, and remove it.
    ``write`` records the progress while the rows are written (by default: a second
    connection on PostgreSQL, nothing on SQLite)."""
    run = _claim(run_id, ImportRun.IMPORTING, ImportRun.IMPORTING)
    if run is None:
        return
    own = _OwnConnection() if write is None else None
    try:
        with _again_on_error(run_id, ImportRun.IMPORTING):
            plan = _run(run, dry_run=False, progress=write or own)
    finally:
        if own is not None:
            own.close()
    if plan is not None:
        shutil.rmtree(uploads_folder() / run.upload, ignore_errors=True)
        count = plan.changes
        _set(run_id, state=ImportRun.DONE, phase="", done=count, total=count, changes=count)


def import_run_give_up(run_id: uuid.UUID, error: str) -> None:
    """A run whose job failed its last attempt (not for its file: a fault of Tandem's)."""
    run = ImportRun.objects.filter(id=run_id).first()
    if run is not None and run.state not in (ImportRun.DONE, ImportRun.FAILED):
        _failed(run, [f"The import stopped on an error of Tandem's: {error}. Try again later."])


@contextmanager
def _again_on_error(run_id: uuid.UUID, state: str) -> Iterator[None]:
    """On an error not of the file's, put the run back to wait for the job's retry."""
    try:
        yield
    except Exception:
        _set(run_id, state=state, phase=WAITING)
        raise


class _Throttled:
    """The import's progress callback: passes a step on at most every ``EVERY`` seconds, and
    always a stage's first and last step."""

    def __init__(self, run_id: uuid.UUID, write: Write) -> None:
        self.run_id, self.write = run_id, write
        self.last = 0.0
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.stage and done < total and now - self.last < EVERY:
            return
        self.stage, self.last = stage, now
        self.write(self.run_id, f"Writing {stage.replace('_', ' ')}", done, total)


class _OwnConnection:
    """Writes the progress through a connection of its own (PostgreSQL), committed at once,
    so the page sees it while the import's transaction is open; on SQLite, nothing."""

    def __init__(self) -> None:
        postgresql = connection.vendor == "postgresql"
        self.own = connections.create_connection(connection.alias) if postgresql else None
        self.table = connection.ops.quote_name(ImportRun._meta.db_table)

    def __call__(self, run_id: uuid.UUID, phase: str, done: int, total: int) -> None:
        if self.own is None:
            return
        with self.own.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET phase = %s, done = %s, total = %s, "  # noqa: S608 (names)
                "updated = %s WHERE id = %s",
                [phase, done, total, timezone.now(), run_id],
            )

    def close(self) -> None:
        if self.own is not None:
            self.own.close()


def import_run_get(run_id: uuid.UUID) -> ImportRun | None:
    return ImportRun.objects.filter(id=run_id).first()


RECENT = 10  # the runs the upload page lists


@dataclass(frozen=True)
class RecentRun:
    """One of the latest runs, as the upload page lists it."""

    id: uuid.UUID
    file_name: str
    by: str  # the admin's name (their id when they are gone)
    created: datetime
    state: str
    changes: int


def import_runs_recent(limit: int = RECENT) -> list[RecentRun]:
    """The latest ``limit`` runs, newest first, with who uploaded them: two queries."""
    runs = list(
        ImportRun.objects.order_by("-created", "-id").only(
            "id", "file_name", "by", "created", "state", "changes"
        )[:limit]
    )
    names = dict(Person.objects.filter(id__in={run.by for run in runs}).values_list("id", "name"))
    return [
        RecentRun(
            run.id, run.file_name, names.get(run.by, run.by), run.created, run.state, run.changes
        )
        for run in runs
    ]


def import_run_waiting(run: ImportRun, seconds: float = 10.0) -> bool:
    """Whether the run has waited for a worker longer than a job takes to start."""
    started = run.phase != WAITING
    return not started and (timezone.now() - run.updated).total_seconds() > seconds
