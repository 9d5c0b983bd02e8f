"""The dependency state machine: one table, read by the services, the pages and the API."""

from __future__ import annotations

import pytest

from tandem.dependencies.models import State
from tandem.dependencies.states import ACTIONS, MOVES, TRANSITIONS, Side, offers, transition_refused


def test_what_may_follow_what() -> None:
    assert {
        State.REQUESTED: {State.ACCEPTED, State.DECLINED, State.CANCELLED},
        State.ACCEPTED: {State.DELIVERED, State.DECLINED, State.CANCELLED},
        State.DECLINED: {State.REQUESTED, State.CANCELLED},
        State.DELIVERED: {State.ACCEPTED},
        State.CANCELLED: {State.REQUESTED},
    } == TRANSITIONS


@pytest.mark.parametrize(
    ("state", "offered"),
    [
        (State.REQUESTED, {"accept", "decline", "cancel"}),
        (State.ACCEPTED, {"decline", "deliver", "cancel"}),
        (State.DECLINED, {"cancel"}),
        # Reopening delivered work is accepting it again (the API's accept), not answering.
        (State.DELIVERED, set()),
        (State.CANCELLED, set()),
    ],
)
def test_the_cards_offer_what_the_table_allows(state: State, offered: set[str]) -> None:
    assert {action for action in ACTIONS if offers(state, action)} == offered


def test_the_provider_answers_and_the_requester_withdraws() -> None:
    assert {name: action.by for name, action in ACTIONS.items()} == {
        "accept": Side.PROVIDER,
        "decline": Side.PROVIDER,
        "deliver": Side.PROVIDER,
        "cancel": Side.REQUESTER,
    }
    # Each action leads where the table's moves of that name lead.
    for name, action in ACTIONS.items():
        assert {move.to_state for move in MOVES if move.action == name} == {action.to_state}


def test_a_refused_change_says_what_the_request_can_become() -> None:
    assert transition_refused("DEP-5", State.DELIVERED, State.DECLINED) == (
        "DEP-5 is delivered; it can become accepted, not declined"
    )
    assert transition_refused("DEP-5", State.DELIVERED, State.ACCEPTED) is None
