"""Reading comments: the threads of any number of targets in two queries, how many comments
each of a list of targets has in one, and where a comment is seen.

These read what they are asked for: the caller has checked that the targets may be seen
(:func:`tandem.comments.targets.target_get_visible`, or a page built from the organisation as
the viewer sees it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.urls import reverse

from tandem.comments.models import Comment, Mention
from tandem.comments.targets import Seen, Target, targets_q
from tandem.comments.text import Piece, pieces


@dataclass(frozen=True, slots=True)
class MentionView:
    """A person or team a comment mentions: its id, ``person`` or ``team``, its name and
    (a person's) e-mail address."""

    id: str
    kind: str
    name: str
    email: str = ""


@dataclass(frozen=True, slots=True)
class CommentView:
    """One comment as the pages and the API show it. A removed one has no text (nor pieces
    nor mentions): only who wrote it, who removed it and when."""

    id: int
    target: Target
    author_id: str | None
    author_name: str
    text: str
    pieces: tuple[Piece, ...]
    mentions: tuple[MentionView, ...]
    created_at: dt.datetime
    edited_at: dt.datetime | None
    removed_at: dt.datetime | None
    removed_by_name: str
    version: int

    @property
    def edited(self) -> bool:
        return self.edited_at is not None

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


def _mentions_of(comment_ids: list[int]) -> dict[int, list[MentionView]]:
    """The mentions of the comments, by comment (one query)."""
    found: dict[int, list[MentionView]] = {}
    rows = Mention.objects.filter(comment_id__in=comment_ids).select_related("person", "team")
    for mention in rows:
        if mention.person is not None:
            view = MentionView(
                mention.person.id, "person", mention.person.name, mention.person.email or ""
            )
        else:
            assert mention.team is not None
            view = MentionView(mention.team.id, "team", mention.team.name)
        found.setdefault(mention.comment_id, []).append(view)
    return found


def _view(comment: Comment, mentions: list[MentionView]) -> CommentView:
    removed = comment.removed_at is not None
    author = comment.author
    remover = comment.removed_by
    return CommentView(
        id=comment.pk,
        target=Target(comment.target_kind, comment.target_id),
        author_id=comment.author_id,
        author_name=author.name if author is not None else "Someone",
        text="" if removed else comment.text,
        pieces=() if removed else tuple(pieces(comment.text, {m.id for m in mentions})),
        mentions=() if removed else tuple(mentions),
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        removed_at=comment.removed_at,
        removed_by_name=remover.name if remover is not None else ("Someone" if removed else ""),
        version=comment.version,
    )


def _views(rows: QuerySet[Comment]) -> list[CommentView]:
    comments = list(rows.select_related("author", "removed_by"))
    mentions = _mentions_of([c.pk for c in comments]) if comments else {}
    return [_view(comment, mentions.get(comment.pk, [])) for comment in comments]


def comments_for(targets: Iterable[Target]) -> dict[Target, list[CommentView]]:
    """The comments on each of ``targets``, oldest first (every target has a list, empty
    when no one commented), in two queries whatever their number."""
    wanted = list(dict.fromkeys(targets))
    found: dict[Target, list[CommentView]] = {target: [] for target in wanted}
    if not wanted:
        return found
    for view in _views(Comment.objects.filter(targets_q(wanted)).order_by("created_at", "id")):
        found.setdefault(view.target, []).append(view)
    return found


def comment_view_get(comment_id: int) -> CommentView:
    """One comment as the pages and the API show it (two queries)."""
    return _views(Comment.objects.filter(pk=comment_id))[0]


def comment_counts(kind: str, ids: Iterable[str | int]) -> dict[str, int]:
    """How many comments (not removed) each of the targets of ``kind`` with ``ids`` has, in
    one query; those without any are left out."""
    column = f"{kind}_id"
    rows = (
        Comment.objects.filter(**{f"{column}__in": list(ids)}, removed_at__isnull=True)
        .order_by()
        .values(column)
        .annotate(count=Count("id"))
        .values_list(column, "count")
    )
    return {str(target_id): count for target_id, count in rows}


def thread_link(seen: Seen) -> str:
    """The page that shows the comments on ``seen``: an objective's and its key results' on
    the objective's page, a check-in's and a request's on their own thread page."""
    target = seen.target
    if target.kind in ("objective", "key_result"):
        return reverse("web:objective", args=[seen.objective.pk]) + f"#comments-{target.id}"
    if target.kind == "checkin":
        return reverse("web:checkin_comments", args=[int(target.id)])
    return reverse("web:dependency_comments", args=[target.id])


def comment_link(seen: Seen, comment_id: int) -> str:
    """Where comment ``comment_id`` on ``seen`` is shown, with the anchor of the comment."""
    return thread_link(seen).split("#")[0] + f"#comment-{comment_id}"
