"""Writing comments: add, edit (only from the version read), remove (kept, as "comment
removed"). Whoever may see the target writes on it (:mod:`tandem.comments.targets`); only
the author edits; the author and admins remove (:mod:`tandem.core.permissions`).

Mentions are read when a comment is written (:mod:`tandem.comments.text`): ``@id`` of a
person or a team, stored as :class:`Mention` rows. The signals of
:mod:`tandem.comments.signals` are sent on commit, and the notifications tell whom they tell.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tandem.access.policy import require
from tandem.comments.models import TEXT_MAX_LENGTH, Comment, Mention
from tandem.comments.signals import comment_added, comment_mentions_added, send_on_commit
from tandem.comments.targets import Seen, Target, blind_to, target_get_visible
from tandem.comments.text import mention_candidates, mentions_in
from tandem.core.permissions import comment_refused, may_edit_comment, may_remove_comment
from tandem.core.visibility import Audience
from tandem.errors import ConflictError, InvalidError, NotFoundError
from tandem.okrs.checks import ensure_version
from tandem.people.models import Membership, Person, Team


@dataclass(frozen=True, slots=True)
class Posted:
    """A comment written, and whom it mentions in vain: the people (and teams, some of whose
    people) who may not see what it is on, and so are not told. Nothing more is said of why."""

    comment: Comment
    unheard: tuple[str, ...] = ()


def text_checked(text: object) -> str:
    """A comment's text, trimmed: not empty, at most :data:`TEXT_MAX_LENGTH` characters."""
    cleaned = text.replace("\x00", "").strip() if isinstance(text, str) else ""
    if not cleaned:
        raise InvalidError("a comment cannot be empty: write something first", field="text")
    if len(cleaned) > TEXT_MAX_LENGTH:
        raise InvalidError(
            f"a comment has at most {TEXT_MAX_LENGTH:,} characters (this one has "
            f"{len(cleaned):,}); shorten it, or split it in two",
            field="text",
        )
    return cleaned


def mentions_read(text: str) -> dict[str, str]:
    """The people and teams ``text`` mentions, in order: id -> ``person`` or ``team`` (ids
    are unique across both), in two queries."""
    candidates = mention_candidates(text)
    if not candidates:
        return {}
    people = set(Person.objects.filter(pk__in=candidates).values_list("pk", flat=True))
    teams = set(Team.objects.filter(pk__in=candidates).values_list("pk", flat=True))
    return {
        found: "person" if found in people else "team"
        for found in mentions_in(text, people | teams)
    }


def _mentions_store(comment: Comment, mentions: dict[str, str]) -> None:
    Mention.objects.filter(comment=comment).delete()
    Mention.objects.bulk_create(
        Mention(comment=comment, **{f"{kind}_id": found}) for found, kind in mentions.items()
    )


def _unheard(seen: Seen, mentions: dict[str, str], author: str | None) -> tuple[str, ...]:
    """Those ``mentions`` names who may not see ``seen`` (a team: when some of its people
    may not), and the archived people it names: the author is told so, and they are not."""
    teams = [found for found, kind in mentions.items() if kind == "team"]
    people_of: dict[str, set[str]] = {team: set() for team in teams}
    for team, person in Membership.objects.filter(team_id__in=teams).values_list(
        "team_id", "person_id"
    ):
        people_of[team].add(person)
    for team, lead in Team.objects.filter(pk__in=teams).values_list("pk", "lead_id"):
        if lead is not None:
            people_of[team].add(lead)
    people_of |= {found: {found} for found, kind in mentions.items() if kind == "person"}
    everyone = {p for people in people_of.values() for p in people if p != author}
    rows = list(
        Person.objects.filter(pk__in=everyone).values_list(
            "pk", "user__is_superuser", "archived_at"
        )
    )
    admins = {p: bool(admin) for p, admin, _at in rows}
    blind = blind_to(admins, seen.objective.pk)
    archived = {p for p, _admin, at in rows if at is not None and mentions.get(p) == "person"}
    return tuple(found for found in mentions if people_of[found] & blind or found in archived)


@transaction.atomic
def comment_add(*, audience: Audience, target: Target, text: str) -> Posted:
    """Add a comment on ``target`` as the caller (who must be a person of the organisation
    and may see it; else the same NotFoundError as for a target that does not exist)."""
    seen = target_get_visible(audience, target)
    require(audience.person is not None, comment_refused("write"))
    cleaned = text_checked(text)
    mentions = mentions_read(cleaned)
    comment = Comment(author_id=audience.person, text=cleaned, created_at=timezone.now())
    setattr(comment, target.field, int(target.id) if target.kind == "checkin" else target.id)
    comment.save(force_insert=True)
    _mentions_store(comment, mentions)
    send_on_commit(comment_added, comment, list(mentions))
    return Posted(comment, _unheard(seen, mentions, audience.person))


def comment_get_visible(audience: Audience, comment_id: int, *, lock: bool = False) -> Comment:
    """The comment, if the caller may see what it is on; else NotFoundError."""
    missing = NotFoundError(f"there is no comment {comment_id}")
    if not 0 < comment_id < 2**63:
        raise missing
    rows = Comment.objects.select_for_update() if lock else Comment.objects.all()
    found = rows.filter(pk=comment_id).first()
    if found is None:
        raise missing
    try:
        target_get_visible(audience, Target(found.target_kind, found.target_id))
    except NotFoundError:
        raise missing from None
    return found


def _ensure_open(comment: Comment, version: int | None) -> None:
    if comment.removed:
        raise ConflictError(f"comment {comment.pk} was removed: it can no longer be changed")
    ensure_version(object_id=f"comment {comment.pk}", stored=comment.version, given=version)


@transaction.atomic
def comment_edit(*, audience: Audience, comment_id: int, text: str, version: int | None) -> Posted:
    """Change the text of one of the caller's comments, if no one changed it since
    ``version`` (None: no check). People it newly mentions are told; the others are not
    told again."""
    comment = comment_get_visible(audience, comment_id, lock=True)
    require(may_edit_comment(audience, comment.author_id), comment_refused("edit"))
    _ensure_open(comment, version)
    cleaned = text_checked(text)
    if cleaned == comment.text:
        return Posted(comment)
    before = set(comment.mentions.values_list("person_id", "team_id").distinct())
    known = {p or t for p, t in before}
    mentions = mentions_read(cleaned)
    comment.text = cleaned
    comment.edited_at = timezone.now()
    comment.version += 1
    comment.save(update_fields=["text", "edited_at", "version"])
    _mentions_store(comment, mentions)
    new = {found: kind for found, kind in mentions.items() if found not in known}
    if not new:
        return Posted(comment)
    send_on_commit(comment_mentions_added, comment, list(new))
    seen = target_get_visible(audience, Target(comment.target_kind, comment.target_id))
    return Posted(comment, _unheard(seen, new, audience.person))


@transaction.atomic
def comment_remove(*, audience: Audience, comment_id: int, version: int | None = None) -> Comment:
    """Remove a comment (its author, or an admin): the thread shows "comment removed" where
    it was, with who removed it and when; its words stay in the database for the admins,
    shown nowhere. Removing it again changes nothing."""
    comment = comment_get_visible(audience, comment_id, lock=True)
    require(may_remove_comment(audience, comment.author_id), comment_refused("remove"))
    if comment.removed:
        return comment
    _ensure_open(comment, version)
    comment.removed_at = timezone.now()
    comment.removed_by_id = audience.person
    comment.version += 1
    comment.save(update_fields=["removed_at", "removed_by", "version"])
    return comment
