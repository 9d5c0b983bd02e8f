"""Comment threads: adding, editing and removing comments on objectives, key results,
check-ins and requests for help (forms posted with HTMX, answered with the thread; without
JavaScript, answered with a redirect to the comment, or with the thread's own page showing
what was wrong). The thread of a check-in or a request has its own page; an objective's and
its key results' are on the objective's page too. Writes are :mod:`tandem.comments`'."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.comments.selectors import comment_link
from tandem.comments.services import (
    Posted,
    comment_add,
    comment_edit,
    comment_get_visible,
    comment_remove,
)
from tandem.comments.targets import Seen, Target, target_get_visible
from tandem.errors import TandemError
from tandem.web import pages
from tandem.web.pages import FormState, WebRequest, signed_in
from tandem.web.threads import Thread, thread_get, unheard_notice
from tandem.web.views.checkin import see_other


def _attempt(action: Callable[[], Posted | object]) -> tuple[object, TandemError | None]:
    """Run a write: its result, or the mistake to show on the form (a refusal that is a 403
    or a 404 is raised, answered as such)."""
    try:
        return action(), None
    except TandemError as exc:
        if exc.status in (403, 404):
            raise
        return None, exc


def _version(request: WebRequest) -> int | None:
    sent = request.POST.get("version", "")
    return int(sent) if sent.isdigit() and len(sent) < 10 else None


def _text(request: WebRequest) -> str:
    return request.POST.get("text", "").replace("\r\n", "\n")


def _home(seen: Seen) -> str:
    """Where what the thread is on is shown: its objective's page, or the dependencies."""
    if seen.target.kind == "dependency":
        return reverse("web:dependencies")
    return reverse("web:objective", args=[seen.objective.pk])


def _page(request: WebRequest, thread: Thread, status: int = 200) -> HttpResponse:
    """The thread's own page: what it is on, a link to where that is shown, the thread."""
    seen = target_get_visible(request.caller.audience, thread.target)
    context = {"thread": thread, "seen": seen, "home": _home(seen)}
    view = pages.view_of(request)
    return pages.page(request, "web/comments.html", context, view=view, status=status)


def _answer(
    request: WebRequest, thread: Thread, status: int, comment_id: int | None
) -> HttpResponse:
    """HTMX: the thread in place. Else: the comment (after a write that went through), or
    the thread's page with what was wrong."""
    if pages.is_htmx(request):
        return render(request, "web/_comments.html", {"thread": thread}, status=status)
    if status != 200 or comment_id is None:
        return _page(request, thread, status)
    if thread.notice:
        messages.info(request, thread.notice)
    seen = target_get_visible(request.caller.audience, thread.target)
    return see_other(comment_link(seen, comment_id))


@require_http_methods(["GET", "POST"])
@signed_in
def thread(request: WebRequest, kind: str, target_id: str | int) -> HttpResponse:
    """GET: the thread's page. POST: add a comment (``text``)."""
    target = Target(kind, str(target_id))
    audience = request.caller.audience
    if request.method == "GET":
        return _page(request, thread_get(audience, target))
    text = _text(request)
    posted, error = _attempt(lambda: comment_add(audience=audience, target=target, text=text))
    found = thread_get(audience, target)
    if error is not None:
        found.form = FormState(values={"text": text}, errors={"text": [error.message]})
        return _answer(request, found, error.status, None)
    assert isinstance(posted, Posted)
    found.notice = unheard_notice(posted.unheard) or "Comment saved."
    return _answer(request, found, 200, posted.comment.pk)


def _changed(
    request: WebRequest, comment_id: int, action: Callable[[], object], *, typed: str, done: str
) -> HttpResponse:
    """After an edit or a removal: the thread, with the comment's form as sent if refused."""
    audience = request.caller.audience
    comment = comment_get_visible(audience, comment_id)
    result, error = _attempt(action)
    found = thread_get(audience, Target(comment.target_kind, comment.target_id))
    item = found.item(comment_id)
    if error is not None and item is not None:
        item.edit = FormState(values={"text": typed}, errors={"text": [error.message]})
        return _answer(request, found, error.status, None)
    unheard = result.unheard if isinstance(result, Posted) else ()
    found.notice = unheard_notice(unheard) or done
    return _answer(request, found, 200, comment_id)


@require_POST
@signed_in
def edit(request: WebRequest, comment_id: int) -> HttpResponse:
    """Change one's comment (``text``), from the ``version`` read."""
    text, version = _text(request), _version(request)
    return _changed(
        request,
        comment_id,
        lambda: comment_edit(
            audience=request.caller.audience, comment_id=comment_id, text=text, version=version
        ),
        typed=text,
        done="Comment updated.",
    )


@require_POST
@signed_in
def remove(request: WebRequest, comment_id: int) -> HttpResponse:
    """Remove a comment (its author, or an admin); the thread says where it was."""
    audience, version = request.caller.audience, _version(request)
    return _changed(
        request,
        comment_id,
        lambda: comment_remove(audience=audience, comment_id=comment_id, version=version),
        typed="",
        done="Comment removed.",
    )


urlpatterns = [
    path(
        "objectives/<str:target_id>/comments",
        thread,
        {"kind": "objective"},
        name="objective_comments",
    ),
    path(
        "key-results/<str:target_id>/comments",
        thread,
        {"kind": "key_result"},
        name="key_result_comments",
    ),
    path(
        "check-ins/<int:target_id>/comments", thread, {"kind": "checkin"}, name="checkin_comments"
    ),
    path(
        "dependencies/<str:target_id>/comments",
        thread,
        {"kind": "dependency"},
        name="dependency_comments",
    ),
    path("comments/<int:comment_id>/edit", edit, name="comment_edit"),
    path("comments/<int:comment_id>/remove", remove, name="comment_remove"),
]
