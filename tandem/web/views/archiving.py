"""Archiving and restoring objectives and key results: a page to confirm, then the service;
back to the objective's editing page with what happened. Who may is the editing pages' rule
(whoever may change the objective), asked of the policy."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from tandem.access.policy import (
    key_result_get_editable,
    objective_get_editable,
)
from tandem.errors import ConflictError, StaleVersionError
from tandem.okrs import key_results, services
from tandem.okrs.models import KeyResult, Objective
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in

ARCHIVE_SERVICES: dict[tuple[str, str], Callable[..., Any]] = {
    ("objective", "archive"): services.objective_archive,
    ("objective", "restore"): services.objective_restore,
    ("key_result", "archive"): key_results.key_result_archive,
    ("key_result", "restore"): key_results.key_result_restore,
}


def _version_of(subject_id: str, is_objective: bool) -> int | None:
    model: type[Objective | KeyResult] = Objective if is_objective else KeyResult
    version: int | None = (
        model.objects.filter(id=subject_id).values_list("version", flat=True).first()
    )
    return version


def _posted_version(request: WebRequest) -> int | None:
    version_text = request.POST.get("version", "")
    if not version_text:
        return None
    # What cannot be a version (not ASCII digits, or more of them than a version has: Python
    # reads no more than 4,300) matches none, and is told it changed: no 500.
    return int(version_text) if re.fullmatch(r"[0-9]{1,10}", version_text) else 0


def _confirm(
    request: WebRequest, subject_id: str, objective: Objective, action: str
) -> HttpResponse:
    is_objective = subject_id == objective.id
    context = {
        "objective": objective,
        "subject_id": subject_id,
        "is_objective": is_objective,
        "action": action,
        "version": _version_of(subject_id, is_objective),
    }
    return pages.page(request, "web/edit_confirm.html", context, view=pages.view_of(request))


def _apply(request: WebRequest, subject_id: str, is_objective: bool, action: str) -> bool:
    """Call the service; say what happened. Whether it was done."""
    call = ARCHIVE_SERVICES["objective" if is_objective else "key_result", action]
    subject = {"objective_id" if is_objective else "key_result_id": subject_id}
    try:
        call(**subject, version=_posted_version(request), by_id=request.caller.person)
    except StaleVersionError:
        messages.error(
            request,
            f"{subject_id} changed since you opened the page; look at it again, then "
            f"{action} it if you still want to.",
        )
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        done = "archived" if action == "archive" else "restored"
        messages.success(request, f"{subject_id} is {done}.")
        return True
    return False


def _archive_action(
    request: WebRequest, *, subject_id: str, objective: Objective, action: str
) -> HttpResponse:
    """Archive or restore (an objective or a key result) after confirming; back to the
    objective's editing page with what happened (a restored objective: to its page)."""
    if request.method == "GET":
        return _confirm(request, subject_id, objective, action)
    is_objective = subject_id == objective.id
    done = _apply(request, subject_id, is_objective, action)
    if done and is_objective and action == "restore":
        return redirect("web:objective", objective.id)
    return redirect("web:objective_edit", objective.id)


def _objective_action(request: WebRequest, objective_id: str, action: str) -> HttpResponse:
    objective = objective_get_editable(request.caller.audience, objective_id)
    return _archive_action(request, subject_id=objective_id, objective=objective, action=action)


def _key_result_action(request: WebRequest, key_result_id: str, action: str) -> HttpResponse:
    audience = request.caller.audience
    key_result = key_result_get_editable(audience, key_result_id)
    return _archive_action(
        request, subject_id=key_result.id, objective=key_result.objective, action=action
    )


@signed_in
@require_http_methods(["GET", "POST"])
def objective_archive(request: WebRequest, objective_id: str) -> HttpResponse:
    return _objective_action(request, objective_id, "archive")


@signed_in
@require_http_methods(["GET", "POST"])
def objective_restore(request: WebRequest, objective_id: str) -> HttpResponse:
    return _objective_action(request, objective_id, "restore")


@signed_in
@require_http_methods(["GET", "POST"])
def key_result_archive(request: WebRequest, key_result_id: str) -> HttpResponse:
    return _key_result_action(request, key_result_id, "archive")


@signed_in
@require_http_methods(["GET", "POST"])
def key_result_restore(request: WebRequest, key_result_id: str) -> HttpResponse:
    return _key_result_action(request, key_result_id, "restore")
