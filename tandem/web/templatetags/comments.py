"""A comment's text on the pages: plain text, escaped, its line breaks kept, with its
mentions and web addresses as links. Nothing the author typed is ever markup."""

from __future__ import annotations

from collections.abc import Mapping

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe

from tandem.comments.selectors import CommentView, MentionView
from tandem.comments.text import Piece

register = template.Library()


def _mention(piece: Piece, mention: MentionView | None) -> SafeString:
    """A team's mention links to its page, a person's to their e-mail address (there is no
    page per person), with the name as the link's title."""
    if mention is None:
        return escape(piece.text)
    if mention.kind == "team":
        href = reverse("web:team", args=[mention.id])
    elif mention.email:
        href = f"mailto:{mention.email}"
    else:
        return format_html('<span class="mention" title="{}">{}</span>', mention.name, piece.text)
    return format_html(
        '<a class="mention" href="{}" title="{}">{}</a>', href, mention.name, piece.text
    )


def _piece(piece: Piece, mentions: Mapping[str, MentionView]) -> SafeString:
    if piece.kind == "mention":
        return _mention(piece, mentions.get(piece.value))
    if piece.kind == "url":
        return format_html(
            '<a href="{}" rel="nofollow noopener noreferrer">{}</a>', piece.value, piece.text
        )
    return escape(piece.text)


@register.filter
def comment_html(comment: CommentView) -> SafeString:
    """The comment's text as paragraphs, escaped, with links (see the module's docstring)."""
    mentions = {mention.id: mention for mention in comment.mentions}
    # Each piece is escaped (or built escaped) first; linebreaks then only adds <p> and <br>.
    body = "".join(_piece(piece, mentions) for piece in comment.pieces)
    return mark_safe(linebreaks(body))  # noqa: S308 (every piece above is escaped)


@register.filter
def count_for(counts: Mapping[str, int], key: object) -> int:
    """``counts[key]`` (0 when missing): how many comments a target has."""
    return counts.get(str(key), 0) if counts else 0


@register.filter
def thread_for(threads: Mapping[str, object], key: str) -> object:
    """The thread of ``key`` among ``threads`` (a key result's, on its objective's page)."""
    return threads.get(key)
