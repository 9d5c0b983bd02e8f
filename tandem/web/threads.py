"""The comment threads of the pages, shaped for their template (``web/_comments.html``): the
comments with what the viewer may do to each, the new comment's form as it was typed, and
what to tell the viewer (whom a mention did not reach). Reads are :mod:`tandem.comments`'."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from tandem.comments.selectors import CommentView, comments_for
from tandem.comments.targets import Target
from tandem.core.permissions import may_edit_comment, may_remove_comment
from tandem.core.visibility import Audience
from tandem.web.pages import FormState

# The URL names of the forms adding a comment, by kind of target.
ADD_URLS = {
    "objective": "web:objective_comments",
    "key_result": "web:key_result_comments",
    "checkin": "web:checkin_comments",
    "dependency": "web:dependency_comments",
}


@dataclass
class ThreadItem:
    comment: CommentView
    may_edit: bool
    may_remove: bool
    edit: FormState = field(default_factory=FormState)


@dataclass
class Thread:
    """One target's comments on a page, and its form."""

    target: Target
    items: list[ThreadItem]
    may_write: bool
    form: FormState = field(default_factory=FormState)
    notice: str = ""
    # The heading's level: h2 for a page's own thread, h3 under a key result's card.
    level: int = 2

    @property
    def count(self) -> int:
        return sum(1 for item in self.items if not item.comment.removed)

    @property
    def url(self) -> str:
        target_id: str | int = self.target.id
        if self.target.kind == "checkin":
            target_id = int(self.target.id)
        return reverse(ADD_URLS[self.target.kind], args=[target_id])

    @property
    def dom_id(self) -> str:
        return f"comments-{self.target.id}"

    def item(self, comment_id: int) -> ThreadItem | None:
        return next((i for i in self.items if i.comment.id == comment_id), None)


def _thread(audience: Audience, target: Target, comments: list[CommentView]) -> Thread:
    items = [
        ThreadItem(
            comment,
            may_edit=not comment.removed and may_edit_comment(audience, comment.author_id),
            may_remove=not comment.removed and may_remove_comment(audience, comment.author_id),
        )
        for comment in comments
    ]
    return Thread(target, items, may_write=audience.person is not None)


def threads_get(audience: Audience, targets: list[Target]) -> dict[Target, Thread]:
    """The threads of ``targets`` (which the viewer may see), in two queries."""
    found = comments_for(targets)
    return {target: _thread(audience, target, found[target]) for target in targets}


def thread_get(audience: Audience, target: Target) -> Thread:
    return threads_get(audience, [target])[target]


def unheard_notice(unheard: tuple[str, ...]) -> str:
    """What the author is told of the mentions that reached no one: only that those named
    may not see it or are archived, nothing more of why."""
    if not unheard:
        return ""
    names = ", ".join(f"@{found}" for found in unheard)
    return (
        f"Comment saved. Not told: {names} (they may not see this or are archived, or some "
        "of the team may not see it), so no notification was sent to them."
    )
