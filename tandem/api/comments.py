"""Comments on objectives, key results, check-ins and requests for help: the JSON twin of the
pages' threads (:mod:`tandem.comments`). Whoever may see the target reads and writes its
comments (a hidden target is 404, as a missing one); only the author edits; the author and
admins remove. Mentions are ``@id`` of a person or a team, read when the text is written."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from tandem.api.auth import caller_of
from tandem.api.openapi import if_match_declared
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.api.versions import etag, if_match
from tandem.comments.selectors import CommentView, comment_view_get, comments_for
from tandem.comments.services import comment_add, comment_edit, comment_remove
from tandem.comments.targets import Target, target_get_visible

router = Router(tags=["comments"])


class MentionOut(Schema):
    id: str = Field(description="the person's or team's id")
    kind: str = Field(description="`person` or `team`")
    name: str


class CommentOut(Schema):
    id: int
    target_kind: str = Field(description="`objective`, `key_result`, `checkin` or `dependency`")
    target_id: str = Field(description="its id (a check-in's as text)")
    author: str | None = Field(description="the author's id (null once removed from Tandem)")
    author_name: str
    text: str | None = Field(description="plain text; null once the comment is removed")
    mentions: list[MentionOut] = Field(description="the people and teams it mentions")
    created_at: dt.datetime
    edited_at: dt.datetime | None = Field(description="when its text last changed, if ever")
    edited: bool
    removed: bool = Field(description="removed by its author or an admin: its place is kept")
    removed_at: dt.datetime | None
    version: int = Field(description="also the `ETag`: send it as `If-Match` to edit")


class PostedOut(CommentOut):
    not_notified: list[str] = Field(
        description="mentioned people and teams (some of whose people) may not see what the "
        "comment is on: they are not told of it"
    )


class CommentsOut(Schema):
    items: list[CommentOut] = Field(description="oldest first, removed ones in their place")


class CommentIn(Schema):
    text: str = Field(
        description="plain text, 1 to 5,000 characters once trimmed; `@id` mentions a person "
        "or a team and tells them (if they may see the target)",
        examples=["@ben can you check the EU numbers?"],
    )


def comment_out(view: CommentView) -> CommentOut:
    return CommentOut(
        id=view.id,
        target_kind=view.target.kind,
        target_id=view.target.id,
        author=view.author_id,
        author_name=view.author_name,
        text=None if view.removed else view.text,
        mentions=[MentionOut(id=m.id, kind=m.kind, name=m.name) for m in view.mentions],
        created_at=view.created_at,
        edited_at=view.edited_at,
        edited=view.edited,
        removed=view.removed,
        removed_at=view.removed_at,
        version=view.version,
    )


def _list(request: HttpRequest, target: Target) -> CommentsOut:
    target_get_visible(caller_of(request).audience, target)
    return CommentsOut(items=[comment_out(c) for c in comments_for([target])[target]])


def _add(
    request: HttpRequest, response: HttpResponse, target: Target, payload: CommentIn
) -> Status[PostedOut]:
    posted = comment_add(audience=caller_of(request).audience, target=target, text=payload.text)
    view = comment_view_get(posted.comment.pk)
    response["ETag"] = etag(view.version)
    out = PostedOut(**comment_out(view).model_dump(), not_notified=list(posted.unheard))
    return Status(201, out)


_LIST = {200: CommentsOut, ERROR_STATUSES: Problem}
_POSTED = {201: PostedOut, ERROR_STATUSES: Problem}


@router.get("/objectives/{objective_id}/comments", response=_LIST)
def objective_comments(request: HttpRequest, objective_id: str) -> CommentsOut:
    """The comments on an objective, oldest first."""
    return _list(request, Target("objective", objective_id))


@router.post("/objectives/{objective_id}/comments", response=_POSTED)
def objective_comment_add(
    request: HttpRequest, response: HttpResponse, objective_id: str, payload: CommentIn
) -> Status[PostedOut]:
    """Comment on an objective; its owner and the people and teams mentioned are told."""
    return _add(request, response, Target("objective", objective_id), payload)


@router.get("/key-results/{key_result_id}/comments", response=_LIST)
def key_result_comments(request: HttpRequest, key_result_id: str) -> CommentsOut:
    """The comments on a key result, oldest first."""
    return _list(request, Target("key_result", key_result_id))


@router.post("/key-results/{key_result_id}/comments", response=_POSTED)
def key_result_comment_add(
    request: HttpRequest, response: HttpResponse, key_result_id: str, payload: CommentIn
) -> Status[PostedOut]:
    """Comment on a key result; its owner, its contributors and those mentioned are told."""
    return _add(request, response, Target("key_result", key_result_id), payload)


@router.get("/check-ins/{checkin_id}/comments", response=_LIST)
def checkin_comments(request: HttpRequest, checkin_id: int) -> CommentsOut:
    """The comments on a check-in, oldest first."""
    return _list(request, Target("checkin", str(checkin_id)))


@router.post("/check-ins/{checkin_id}/comments", response=_POSTED)
def checkin_comment_add(
    request: HttpRequest, response: HttpResponse, checkin_id: int, payload: CommentIn
) -> Status[PostedOut]:
    """Comment on a check-in; its author, its key result's owner and those mentioned are
    told."""
    return _add(request, response, Target("checkin", str(checkin_id)), payload)


@router.get("/dependencies/{dependency_id}/comments", response=_LIST)
def dependency_comments(request: HttpRequest, dependency_id: str) -> CommentsOut:
    """The comments on a request for help, oldest first."""
    return _list(request, Target("dependency", dependency_id))


@router.post("/dependencies/{dependency_id}/comments", response=_POSTED)
def dependency_comment_add(
    request: HttpRequest, response: HttpResponse, dependency_id: str, payload: CommentIn
) -> Status[PostedOut]:
    """Comment on a request for help; the requester, the provider team's lead and those
    mentioned are told."""
    return _add(request, response, Target("dependency", dependency_id), payload)


@router.patch(
    "/comments/{comment_id}",
    response={200: PostedOut, ERROR_STATUSES: Problem},
    openapi_extra=if_match_declared(required=False),
)
def comment_update(
    request: HttpRequest, response: HttpResponse, comment_id: int, payload: CommentIn
) -> PostedOut:
    """Change the text of your comment; people it newly mentions are told. With `If-Match`,
    only if no one changed it since (else 412)."""
    posted = comment_edit(
        audience=caller_of(request).audience,
        comment_id=comment_id,
        text=payload.text,
        version=if_match(request, required=False),
    )
    view = comment_view_get(posted.comment.pk)
    response["ETag"] = etag(view.version)
    return PostedOut(**comment_out(view).model_dump(), not_notified=list(posted.unheard))


@router.delete(
    "/comments/{comment_id}",
    response={200: CommentOut, ERROR_STATUSES: Problem},
    openapi_extra=if_match_declared(required=False),
)
def comment_delete(request: HttpRequest, comment_id: int) -> CommentOut:
    """Remove a comment (its author, or an admin): it stays in its thread as removed, without
    its text. Removing it again changes nothing."""
    removed = comment_remove(
        audience=caller_of(request).audience,
        comment_id=comment_id,
        version=if_match(request, required=False),
    )
    return comment_out(comment_view_get(removed.pk))
