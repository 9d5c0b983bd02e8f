"""Requests for help and their answers reach the right inboxes, once, after the change is
committed, and never someone who may not see the objective that asks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest

from tandem.core import model as m
from tandem.dependencies.models import Dependency, DependencyEvent, State
from tandem.dependencies.services import dependency_create, dependency_transition
from tandem.errors import InvalidError
from tandem.notifications.models import Notification

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def committed(
    demo_in_db: m.Organization, django_capture_on_commit_callbacks: Capture
) -> Iterator[Capture]:
    """Run the callbacks of a block as its commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def inboxes(dependency_id: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    rows = Notification.objects.filter(object_id=dependency_id).order_by("id")
    for recipient, kind in rows.values_list("recipient_id", "kind"):
        found.setdefault(recipient, []).append(kind)
    return found


def ask(committed: Capture, from_id: str, provider: str, by: str) -> Dependency:
    with committed():
        return dependency_create(
            from_id=from_id, provider_team_id=provider, need="a faster EU edge", by_id=by
        )


def answer(committed: Capture, dependency_id: str, to_state: State, by: str, **kw: Any) -> None:
    with committed():
        dependency_transition(dependency_id=dependency_id, to_state=to_state, by_id=by, **kw)


def test_a_request_reaches_the_provider_teams_lead_and_members_but_not_the_asker(
    committed: Capture,
) -> None:
    dependency = ask(committed, "SR-1.1", "infra", by="ben")  # infra: omar leads, dan
    assert inboxes(dependency.id) == {
        "omar": ["dependency_requested"],
        "dan": ["dependency_requested"],
    }
    note = Notification.objects.get(object_id=dependency.id, recipient_id="dan")
    assert note.category == "dependency"
    assert note.object_kind == "dependency"
    assert note.link == "/dependencies"
    assert note.actor_id == "ben"
    assert note.read_at is None
    assert dependency.id in note.title
    assert "Ben" in note.title
    assert "Infrastructure" in note.title
    assert "SR-1.1" in note.text
    assert "a faster EU edge" in note.text


def test_the_asker_in_the_provider_team_does_not_hear_of_their_own_request(
    committed: Capture,
) -> None:
    dependency = ask(committed, "SR-1.1", "search", by="ana")  # search: ana leads, ben, cai
    assert inboxes(dependency.id) == {
        "ben": ["dependency_requested"],
        "cai": ["dependency_requested"],
    }


def test_a_private_objectives_request_reaches_only_who_may_see_it(committed: Capture) -> None:
    # BEN-1 is private to ben and his manager chain (ana, sofia, zoe): of Search, only ana
    # sees it; cai, a member of the team asked, does not hear of it.
    dependency = ask(committed, "BEN-1.1", "search", by="ben")
    assert inboxes(dependency.id) == {"ana": ["dependency_requested"]}
    # Infrastructure sees nothing of BEN-1: no one there hears of the request.
    hidden = ask(committed, "BEN-1.1", "infra", by="ben")
    assert inboxes(hidden.id) == {}


def test_answers_reach_the_requester_and_the_requesting_objectives_owner(
    committed: Capture,
) -> None:
    dependency = ask(committed, "SR-1.1", "infra", by="ben")  # SR-1 is Search's: ana leads
    Notification.objects.all().delete()
    answer(committed, dependency.id, State.ACCEPTED, "omar", provider_kr_id="IN-1.1")
    answer(committed, dependency.id, State.DELIVERED, "dan")
    assert inboxes(dependency.id) == {
        "ben": ["dependency_accepted", "dependency_delivered"],
        "ana": ["dependency_accepted", "dependency_delivered"],
    }
    accepted = Notification.objects.get(recipient_id="ben", kind="dependency_accepted")
    assert "IN-1.1" in accepted.text
    assert accepted.actor_id == "omar"


def test_a_decline_carries_its_reason(committed: Capture) -> None:
    dependency = ask(committed, "PA-1.1", "infra", by="tom")  # PA-1 is Payments': priya leads
    answer(committed, dependency.id, State.DECLINED, "omar", reason="no capacity this quarter")
    declined = Notification.objects.filter(kind="dependency_declined")
    assert sorted(declined.values_list("recipient_id", flat=True)) == ["priya", "tom"]
    assert all("no capacity this quarter" in n.text for n in declined)


def test_a_request_asked_again_reaches_the_provider_again(committed: Capture) -> None:
    dependency = ask(committed, "PA-1.1", "infra", by="tom")
    answer(committed, dependency.id, State.DECLINED, "omar", reason="not now")
    answer(committed, dependency.id, State.REQUESTED, "priya")
    assert inboxes(dependency.id)["dan"] == ["dependency_requested", "dependency_requested"]
    assert inboxes(dependency.id)["tom"] == ["dependency_declined"]  # asked again: the provider


def test_an_imported_requests_answer_reaches_the_requesting_objectives_owner(
    committed: Capture,
) -> None:
    # DEP-3 (from CS-1.1, to Search) came from the file: no one is recorded as asking.
    answer(committed, "DEP-3", State.ACCEPTED, "ana")
    assert inboxes("DEP-3") == {"maya": ["dependency_accepted"]}  # maya leads CS, CS-1's owner


def test_a_cancellation_is_told_to_no_one(committed: Capture) -> None:
    dependency = ask(committed, "SR-1.1", "infra", by="ben")
    Notification.objects.all().delete()
    answer(committed, dependency.id, State.CANCELLED, "ben")
    assert inboxes(dependency.id) == {}


def test_nothing_is_sent_before_the_change_is_committed(
    demo_in_db: m.Organization, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dependency = dependency_create(
            from_id="SR-1.1", provider_team_id="infra", need="help", by_id="ben"
        )
        assert not Notification.objects.exists()
    assert len(callbacks) == 1
    callbacks[0]()  # the commit
    assert set(inboxes(dependency.id)) == {"omar", "dan"}


def test_a_refused_change_sends_nothing(committed: Capture) -> None:
    with committed() as callbacks, pytest.raises(InvalidError):
        dependency_create(from_id="SR-1.1", provider_team_id="infra", need=" ", by_id="ben")
    assert callbacks == []
    assert not Notification.objects.exists()


def test_a_second_sender_of_the_same_event_adds_nothing(committed: Capture) -> None:
    dependency = ask(committed, "SR-1.1", "infra", by="ben")
    event = DependencyEvent.objects.get(dependency=dependency)
    from tandem.dependencies.signals import dependency_requested  # noqa: PLC0415

    dependency_requested.send(sender=Dependency, dependency=dependency, event=event, actor_id="ben")
    assert inboxes(dependency.id) == {
        "omar": ["dependency_requested"],
        "dan": ["dependency_requested"],
    }


def test_an_individual_objectives_owner_hears_of_the_answer(committed: Capture) -> None:
    # LEO-1 is leo's own; maya (who leads his team) asks for him.
    dependency = ask(committed, "LEO-1.1", "infra", by="maya")
    answer(committed, dependency.id, State.DECLINED, "omar", reason="ask Support Tools")
    declined = Notification.objects.filter(object_id=dependency.id, kind="dependency_declined")
    assert sorted(declined.values_list("recipient_id", flat=True)) == ["leo", "maya"]


def test_a_team_objectives_request_skips_provider_members_outside_that_team(
    committed: Capture,
) -> None:
    # MO-1 is visible to the Mobile team only (and the company's lead): Search hears nothing.
    dependency = ask(committed, "MO-1.1", "search", by="kenji")
    assert inboxes(dependency.id) == {}
    # Asked of Mobile itself, its members hear of it.
    inside = ask(committed, "MO-1.1", "mobile", by="kenji")
    assert inboxes(inside.id) == {"ines": ["dependency_requested"]}
