"""Comments and mentions (see :mod:`tandem.comments.signals`), and who hears of them.

- A new comment reaches the people it mentions (``@ben``), the lead and members of the teams
  it mentions (``@search``), whoever answers for what it is on (an objective's owner, its
  umbrella owner or its owning team's lead; a key result's owner and contributing people; a
  check-in's author and its key result's owner; a request's requester and the provider
  team's lead) and those who commented on it before.
- An edit that mentions someone new reaches only the newly mentioned.

Never the author, and nobody who may not see what the comment is on
(:func:`tandem.notifications.recipients.who_may_see`): a mention of someone who may not see a
private objective tells them nothing.
"""

from __future__ import annotations

from typing import Any

from tandem.checkins.models import CheckIn
from tandem.comments.models import Comment
from tandem.comments.selectors import comment_link
from tandem.comments.signals import comment_added, comment_mentions_added
from tandem.comments.targets import Seen, Target, target_get_visible, targets_q
from tandem.core.visibility import Audience
from tandem.dependencies.models import Dependency
from tandem.notifications.events.dependencies import owner_of, requester_of
from tandem.notifications.models import Category
from tandem.notifications.recipients import who_may_see
from tandem.notifications.services import Message, notifications_send
from tandem.okrs.models import Contributor, KeyResult
from tandem.people.models import Membership, Person, Team

_UID = "tandem.notifications.events.comments"
# Everything may be looked at by the notifications: each recipient is then checked.
_SYSTEM = Audience(person=None, admin=True)
EXCERPT_LENGTH = 280


def connect() -> None:
    comment_added.connect(on_added, sender=Comment, dispatch_uid=f"{_UID}.added")
    comment_mentions_added.connect(on_mentions, sender=Comment, dispatch_uid=f"{_UID}.mentions")


def _key_result_people(key_result_id: str) -> list[str | None]:
    owner = KeyResult.objects.filter(pk=key_result_id).values_list("owner_id", flat=True)
    contributors = Contributor.objects.filter(
        key_result_id=key_result_id, person_id__isnull=False
    ).order_by("position")
    return [owner.first(), *contributors.values_list("person_id", flat=True)]


def answerable_for(seen: Seen) -> list[str | None]:
    """Who answers for what a comment is on (see the module's docstring)."""
    kind, target_id = seen.target.kind, seen.target.id
    if kind == "objective":
        return [owner_of(seen.objective)]
    if kind == "key_result":
        return _key_result_people(target_id)
    if kind == "checkin":
        assert seen.key_result_id is not None
        author = CheckIn.objects.filter(pk=int(target_id)).values_list("author_id", flat=True)
        return [author.first(), _key_result_people(seen.key_result_id)[0]]
    dependency = Dependency.objects.select_related("provider").get(pk=target_id)
    return [requester_of(dependency), dependency.provider.lead_id]


def _earlier(comment: Comment, target: Target) -> list[str | None]:
    """Those who commented on the same target before."""
    rows = Comment.objects.filter(targets_q([target]), pk__lt=comment.pk).order_by("id")
    return list(dict.fromkeys(rows.values_list("author_id", flat=True)))


def _team_people(ids: list[str]) -> dict[str, list[str]]:
    """The teams among ``ids``, each with its lead and members."""
    found: dict[str, list[str]] = {}
    for team, lead in Team.objects.filter(pk__in=ids).values_list("pk", "lead_id"):
        found[team] = [lead] if lead is not None else []
    team_ids = list(found)
    members = Membership.objects.filter(team_id__in=team_ids).order_by("team_id", "position")
    for team, person in members.values_list("team_id", "person_id"):
        found[team].append(person)
    return found


def _team_names(ids: list[str]) -> dict[str, str]:
    return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))


def _person_name(person_id: str | None) -> str:
    found = Person.objects.filter(pk=person_id).values_list("name", flat=True).first()
    return found or "Someone"


def _message(comment: Comment, seen: Seen, kind: str, title: str) -> Message:
    text = comment.text if len(comment.text) <= EXCERPT_LENGTH else comment.text[:279] + "…"
    return Message(
        category=Category.COMMENT,
        kind=kind,
        object_kind=seen.target.kind,
        object_id=seen.target.id,
        link=comment_link(seen, comment.pk),
        title=title,
        text=text,
        event_id=f"comment:{comment.pk}:v{comment.version}",
        actor_id=comment.author_id,
    )


def _groups(
    author: str, on: str, mentioned: list[str], others: list[str | None]
) -> list[tuple[str, str, list[str | None]]]:
    """(kind, title, people) for each group told, in the order they are told: a person
    mentioned directly, then each mentioned team's people, then ``others``."""
    teams = _team_people(mentioned)
    names = _team_names(list(teams))
    people: list[str | None] = [found for found in mentioned if found not in teams]
    groups = [("comment_mention", f"{author} mentioned you on {on}", people)]
    groups += [
        ("comment_mention", f"{author} mentioned {names.get(team, team)} on {on}", [*members])
        for team, members in teams.items()
    ]
    groups.append(("comment_added", f"{author} commented on {on}", others))
    return groups


def _tell(comment: Comment, seen: Seen, mentioned: list[str], others: list[str | None]) -> None:
    """Tell each group once each, only what they may see, never the author."""
    author = _person_name(comment.author_id)
    on = seen.words
    told: set[str | None] = {comment.author_id}
    for kind, title, wanted in _groups(author, on, mentioned, others):
        recipients = [p for p in who_may_see(wanted, seen.objective.pk) if p not in told]
        told.update(recipients)
        if recipients:
            notifications_send(_message(comment, seen, kind, title), recipients)


def _seen(comment: Comment) -> Seen:
    return target_get_visible(_SYSTEM, Target(comment.target_kind, comment.target_id))


def on_added(*, comment: Comment, mentioned: list[str], **_: Any) -> None:
    """A new comment: the mentioned, then whoever answers for the target and earlier
    commenters."""
    seen = _seen(comment)
    _tell(comment, seen, mentioned, [*answerable_for(seen), *_earlier(comment, seen.target)])


def on_mentions(*, comment: Comment, mentioned: list[str], **_: Any) -> None:
    """An edit that mentions someone new: only they are told."""
    _tell(comment, _seen(comment), mentioned, [])
