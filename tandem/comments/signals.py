"""New comments and mentions, told to whoever listens (the notifications connect here in their
AppConfig.ready: the layers only point down, so this app does not know who listens).

Each signal is sent once the change is committed (never for one rolled back), with
``sender=Comment`` and:

- ``comment_added``: ``comment`` (the new :class:`Comment`), ``mentioned`` (the ids of the
  people and teams it mentions, in their order) and ``actor_id`` (its author);
- ``comment_mentions_added``: an edit that mentions someone new: ``comment``, ``mentioned``
  (only those not mentioned before the edit), ``actor_id``.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from tandem.comments.models import Comment

comment_added = Signal()
comment_mentions_added = Signal()


def send_on_commit(signal: Signal, comment: Comment, mentioned: list[str]) -> None:
    """Send ``signal`` for ``comment`` once the transaction commits. A listener's failure is
    logged and never undoes the comment, which is stored already."""
    transaction.on_commit(
        lambda: signal.send(
            sender=Comment, comment=comment, mentioned=mentioned, actor_id=comment.author_id
        ),
        robust=True,
    )
