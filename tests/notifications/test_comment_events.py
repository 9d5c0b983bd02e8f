"""Comments and mentions reach the right inboxes, once, after the comment is committed: the
mentioned people and teams, whoever answers for what it is on and earlier commenters; never
the author, and never someone who may not see it."""

from __future__ import annotations

import pytest

from tandem.checkins.models import CheckIn
from tandem.comments.services import comment_edit
from tandem.core import model as m
from tandem.notifications.models import Category, Notification
from tests.comments.helpers import Capture, add, who

pytestmark = pytest.mark.usefixtures("demo_in_db")


@pytest.fixture
def committed(demo_in_db: m.Organization, django_capture_on_commit_callbacks: Capture) -> Capture:
    """Run the on-commit callbacks of a block as its commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def inboxes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for recipient, kind in Notification.objects.order_by("id").values_list("recipient_id", "kind"):
        found.setdefault(recipient, []).append(kind)
    return found


def comment(committed: Capture, person: str, kind: str, target: str, text: str) -> int:
    with committed():
        return add(person, kind, target, text).comment.pk


def test_a_mention_reaches_the_person_with_a_link_to_the_comment(committed: Capture) -> None:
    # SR-1 is Search's: ana leads it and answers for it; ana writes, so only ben hears.
    pk = comment(committed, "ana", "objective", "SR-1", "@ben can you look at the EU numbers?")
    assert inboxes() == {"ben": ["comment_mention"]}
    note = Notification.objects.get(recipient_id="ben")
    assert note.category == Category.COMMENT
    assert note.link == f"/objectives/SR-1#comment-{pk}"
    assert (note.object_kind, note.object_id) == ("objective", "SR-1")
    assert note.actor_id == "ana"
    assert note.title == "Ana Lima mentioned you on objective SR-1 (Make answers fast everywhere)"
    assert note.text == "@ben can you look at the EU numbers?"


def test_a_comment_reaches_whoever_answers_for_the_target(committed: Capture) -> None:
    comment(committed, "tom", "objective", "SR-1", "How is it going?")  # owner: search, ana
    # SR-1.1: owner ben, contributors cai (a person) and infra (a team: not told).
    comment(committed, "tom", "key_result", "SR-1.1", "and this one?")
    assert inboxes() == {
        "ana": ["comment_added"],
        "ben": ["comment_added"],
        "cai": ["comment_added"],
    }


def test_a_check_in_comment_reaches_its_author_and_its_key_results_owner(
    committed: Capture,
) -> None:
    checkin = CheckIn.objects.filter(key_result_id="SR-1.2", author_id="cai").get()
    pk = comment(committed, "ana", "checkin", str(checkin.pk), "Nice drop!")
    assert inboxes() == {"cai": ["comment_added"]}  # cai wrote it and owns SR-1.2
    note = Notification.objects.get()
    assert note.link == f"/check-ins/{checkin.pk}/comments#comment-{pk}"
    assert note.title == "Ana Lima commented on the check-in of 20 Nov 2026 on SR-1.2"


def test_a_request_comment_reaches_the_requester_and_the_provider_lead(
    committed: Capture,
) -> None:
    # DEP-1: SR-1.1 asks Infrastructure (omar leads); imported, it has no requester.
    pk = comment(committed, "ben", "dependency", "DEP-1", "Any news on the racks?")
    assert inboxes() == {"omar": ["comment_added"]}
    assert Notification.objects.get().link == f"/dependencies/DEP-1/comments#comment-{pk}"


def test_a_team_mention_reaches_its_lead_and_members_but_not_the_author(
    committed: Capture,
) -> None:
    comment(committed, "dan", "objective", "IN-1", "@search please confirm the cache plans")
    assert inboxes() == {
        "ana": ["comment_mention"],
        "ben": ["comment_mention"],
        "cai": ["comment_mention"],
        "omar": ["comment_added"],  # IN-1 is Infrastructure's: omar leads it
    }
    assert (
        Notification.objects.filter(recipient_id="ben")
        .get()
        .title.startswith("Dan Kowalski mentioned Search on")
    )


def test_a_person_is_told_once_even_when_mentioned_and_answerable(committed: Capture) -> None:
    comment(committed, "tom", "key_result", "SR-1.1", "@ben @search thoughts?")
    assert inboxes()["ben"] == ["comment_mention"]
    assert inboxes()["ana"] == ["comment_mention"]


def test_a_private_objective_mention_tells_no_one_who_may_not_see_it(committed: Capture) -> None:
    # BEN-1 is private to ben and his manager chain (ana, sofia, zoe).
    comment(committed, "ben", "objective", "BEN-1", "@cai @dan @search @ana have a look")
    assert inboxes() == {"ana": ["comment_mention"]}


def test_earlier_commenters_hear_of_replies(committed: Capture) -> None:
    comment(committed, "tom", "objective", "PA-1", "question from tom")  # Payments: priya
    Notification.objects.all().delete()
    comment(committed, "priya", "objective", "PA-1", "answer from priya")
    assert inboxes() == {"tom": ["comment_added"]}


def test_an_edit_tells_only_who_it_newly_mentions(committed: Capture) -> None:
    pk = comment(committed, "ana", "objective", "SR-1", "@ben hello")
    with committed():
        comment_edit(audience=who("ana"), comment_id=pk, text="@ben @cai hello", version=1)
    with committed():
        comment_edit(audience=who("ana"), comment_id=pk, text="@ben @cai hello!", version=2)
    assert inboxes() == {"ben": ["comment_mention"], "cai": ["comment_mention"]}


def test_nothing_is_told_before_the_commit(committed: Capture) -> None:
    with committed():
        add("ana", "objective", "SR-1", "@ben soon")
        assert Notification.objects.count() == 0
    assert Notification.objects.count() == 1
