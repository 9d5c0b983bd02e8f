"""A comment on an objective, a key result, a check-in or a request for help, and the people
and teams it mentions.

The target is one of four nullable foreign keys, exactly one set (a check constraint), not a
generic ``(kind, id)`` pair: the database keeps every comment pointing at something that
exists (a target deleted by an import takes its comments with it, as it takes its check-ins),
each kind of target has its own index, and loading the threads of an objective and all its key
results is one ``IN`` query on plain columns, with no content types.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tandem.checkins.models import CheckIn
from tandem.dependencies.models import Dependency
from tandem.okrs.models import KeyResult, Objective
from tandem.people.models import Person, Team

# The longest comment, in characters: a few paragraphs, not a document.
TEXT_MAX_LENGTH = 5000


class Comment(models.Model):
    """One comment. Edits replace its text (``edited_at`` set, ``version`` bumped); removal
    empties it and keeps the row, so the thread shows "comment removed" where it was."""

    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    checkin = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    dependency = models.ForeignKey(
        Dependency, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    # None once the author is removed from the organisation: the comment stays.
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every edit and by removal: an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(objective__isnull=False, key_result=None, checkin=None, dependency=None)
                    | Q(objective=None, key_result__isnull=False, checkin=None, dependency=None)
                    | Q(objective=None, key_result=None, checkin__isnull=False, dependency=None)
                    | Q(objective=None, key_result=None, checkin=None, dependency__isnull=False)
                ),
                name="comment_has_one_target",
                violation_error_message="A comment is on exactly one thing.",
            ),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.target_kind} {self.target_id}"

    @property
    def edited(self) -> bool:
        return self.edited_at is not None

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    @property
    def target_kind(self) -> str:
        if self.objective_id is not None:
            return "objective"
        if self.key_result_id is not None:
            return "key_result"
        if self.checkin_id is not None:
            return "checkin"
        return "dependency"

    @property
    def target_id(self) -> str:
        found = self.objective_id or self.key_result_id or self.checkin_id or self.dependency_id
        return str(found)


class Mention(models.Model):
    """A person or a team a comment names with ``@id``, as parsed when it was written."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, team=None) | Q(person=None, team__isnull=False),
                name="mention_of_person_or_team",
            ),
        ]
        indexes = [models.Index(fields=["person"], name="mention_person")]

    def __str__(self) -> str:
        return f"@{self.mentioned_id} in comment {self.comment_id}"

    @property
    def mentioned_id(self) -> str:
        return str(self.person_id or self.team_id)
