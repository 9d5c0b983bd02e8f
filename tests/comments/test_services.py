"""Writing comments: who may, what is checked, mentions read at write, edits only from the
version read, removal that keeps the comment's place."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.checkins.models import CheckIn
from tandem.comments.models import TEXT_MAX_LENGTH, Comment, Mention
from tandem.comments.services import comment_add, comment_edit, comment_remove
from tandem.comments.signals import comment_added, comment_mentions_added
from tandem.comments.targets import Target
from tandem.core import model as m
from tandem.core.visibility import Audience
from tandem.errors import (
    ConflictError,
    InvalidError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
)
from tandem.people.models import Person
from tandem.people.services import person_archive
from tests.comments.helpers import Capture, add, who

pytestmark = pytest.mark.usefixtures("demo_in_db")


def mentions(comment: Comment) -> list[str]:
    return [m.mentioned_id for m in Mention.objects.filter(comment=comment)]


def test_a_comment_on_each_kind_of_target_is_stored_with_its_author() -> None:
    checkin = CheckIn.objects.filter(key_result_id="SR-1.1").first()
    assert checkin is not None
    for kind, target_id in [
        ("objective", "SR-1"),
        ("key_result", "SR-1.1"),
        ("checkin", str(checkin.pk)),
        ("dependency", "DEP-1"),
    ]:
        comment = add("ana", kind, target_id, f"  On {target_id}  ").comment
        comment.refresh_from_db()
        assert (comment.target_kind, comment.target_id) == (kind, target_id)
        assert comment.author_id == "ana"
        assert comment.text == f"On {target_id}"  # trimmed
        assert comment.version == 1
        assert not comment.edited
        assert not comment.removed


def test_mentions_of_people_and_teams_are_stored_and_unknown_ids_are_not() -> None:
    comment = add("ana", "objective", "SR-1", "@ben and @infra, see @nobody. Thanks @ben").comment
    assert mentions(comment) == ["ben", "infra"]


def test_an_empty_or_too_long_comment_is_refused_on_its_field() -> None:
    with pytest.raises(InvalidError, match="cannot be empty") as empty:
        add("ana", "objective", "SR-1", "   \n ")
    assert empty.value.field == "text"
    add("ana", "objective", "SR-1", "x" * TEXT_MAX_LENGTH)
    with pytest.raises(InvalidError, match="at most 5,000 characters"):
        add("ana", "objective", "SR-1", "x" * (TEXT_MAX_LENGTH + 1))
    assert Comment.objects.count() == 1


def test_what_may_not_be_seen_answers_as_what_does_not_exist() -> None:
    # BEN-1 is private to ben and his manager chain; tom sees nothing of it.
    for kind, target_id in [("objective", "BEN-1"), ("key_result", "BEN-1.1")]:
        with pytest.raises(NotFoundError) as hidden:
            add("tom", kind, target_id, "hello")
        with pytest.raises(NotFoundError) as missing:
            add("tom", kind, target_id + "9", "hello")
        assert str(hidden.value).replace(target_id, "X") == str(missing.value).replace(
            target_id + "9", "X"
        )
    add("ana", "objective", "BEN-1", "ana, his manager, may")
    with pytest.raises(NotFoundError):
        add("ana", "checkin", "99999999999999999999999", "no such check-in")


def test_an_account_without_a_person_may_not_write_comments() -> None:
    with pytest.raises(PermissionDeniedError, match="not linked to a person"):
        comment_add(
            audience=Audience(None, admin=True), target=Target("objective", "SR-1"), text="hi"
        )


def test_only_the_author_edits_and_the_edit_is_marked() -> None:
    comment = add("ben", "key_result", "SR-1.1", "first words").comment
    with pytest.raises(PermissionDeniedError, match="only its author edits"):
        comment_edit(audience=who("zoe", admin=True), comment_id=comment.pk, text="x", version=1)
    edited = comment_edit(audience=who("ben"), comment_id=comment.pk, text="better", version=1)
    comment.refresh_from_db()
    assert edited.comment.text == comment.text == "better"
    assert comment.edited
    assert comment.version == 2


def test_an_edit_from_an_older_version_is_refused_and_changes_nothing() -> None:
    comment = add("ben", "key_result", "SR-1.1", "first words").comment
    comment_edit(audience=who("ben"), comment_id=comment.pk, text="ben's second", version=1)
    with pytest.raises(StaleVersionError, match="changed since you read it"):
        comment_edit(audience=who("ben"), comment_id=comment.pk, text="from tab two", version=1)
    comment.refresh_from_db()
    assert comment.text == "ben's second"


def test_removal_by_author_or_admin_keeps_the_comment_in_its_place() -> None:
    mine = add("ben", "objective", "SR-1", "oops").comment
    theirs = add("cai", "objective", "SR-1", "rude words").comment
    with pytest.raises(PermissionDeniedError, match="only its author and admins"):
        comment_remove(audience=who("ana"), comment_id=theirs.pk)
    comment_remove(audience=who("ben"), comment_id=mine.pk)
    comment_remove(audience=who("zoe", admin=True), comment_id=theirs.pk)
    comment_remove(audience=who("zoe", admin=True), comment_id=theirs.pk)  # again: no change
    rows = {c.pk: c for c in Comment.objects.all()}
    assert rows[mine.pk].removed
    assert rows[mine.pk].removed_by_id == "ben"
    assert rows[theirs.pk].removed
    assert rows[theirs.pk].removed_by_id == "zoe"
    assert rows[theirs.pk].text == "rude words"  # kept for the admins, shown nowhere
    with pytest.raises(ConflictError, match="was removed"):
        comment_edit(audience=who("ben"), comment_id=mine.pk, text="back", version=None)


def test_a_mention_of_someone_who_may_not_see_the_target_is_told_to_the_author() -> None:
    # BEN-1 is private: ana (his manager) sees it; cai and dan do not; of Search, cai does not.
    posted = add("ben", "objective", "BEN-1", "@ana @cai @dan @search @infra what do you think?")
    assert posted.unheard == ("cai", "dan", "search", "infra")
    assert add("ana", "objective", "SR-1", "@ben @infra public").unheard == ()


def test_a_mention_of_an_archived_person_is_told_to_the_author() -> None:
    person_archive(person_id="cai")
    posted = add("ana", "objective", "SR-1", "@ben @cai @search public")
    assert posted.unheard == ("cai",)  # Search is told (cai's archive leaves the team heard)
    assert mentions(posted.comment) == ["ben", "cai", "search"]


def test_the_signals_are_sent_on_commit_with_the_mentions(committed: Capture) -> None:
    heard: list[tuple[str, list[str]]] = []

    def listen(signal_name: str):  # type: ignore[no-untyped-def]
        return lambda comment, mentioned, **_: heard.append((signal_name, mentioned))

    added, mentioned = listen("added"), listen("mentions")
    comment_added.connect(added)
    comment_mentions_added.connect(mentioned)
    try:
        with committed():
            comment = add("ana", "objective", "SR-1", "@ben hi").comment
            assert heard == []  # not before the commit
        with committed():
            comment_edit(audience=who("ana"), comment_id=comment.pk, text="@ben @cai hi", version=1)
        with committed():
            comment_edit(audience=who("ana"), comment_id=comment.pk, text="@cai hi", version=2)
    finally:
        comment_added.disconnect(added)
        comment_mentions_added.disconnect(mentioned)
    assert heard == [("added", ["ben"]), ("mentions", ["cai"])]


def test_a_comment_outlives_its_author(demo_in_db: m.Organization) -> None:
    comment = add("cai", "objective", "SR-1", "hi").comment
    Person.objects.filter(pk="cai").delete()
    comment.refresh_from_db()
    assert comment.author_id is None


def test_the_admins_read_a_removed_comment_in_the_admin(admin_client: Client) -> None:
    comment = add("ben", "objective", "SR-1", "words taken back").comment
    comment_remove(audience=who("ben"), comment_id=comment.pk)
    page = admin_client.get(f"/admin/comments/comment/{comment.pk}/change/")
    assert page.status_code == 200
    assert "words taken back" in page.content.decode()
