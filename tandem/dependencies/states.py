"""The dependency state machine, one table: which action moves a request from which state to
which, and which side takes it. The services refuse every other change
(:func:`tandem.dependencies.services.dependency_transition`); the pages offer what the table
allows (:func:`offers`); the API and the pages authorise each action by its side
(:mod:`tandem.access.dependencies`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tandem.dependencies.models import State


class Side(StrEnum):
    """Who takes an action: the provider team (its members and the leads above it) answers,
    whoever may change the requesting objective asks and withdraws."""

    PROVIDER = "provider"
    REQUESTER = "requester"


@dataclass(frozen=True, slots=True)
class Move:
    action: str
    from_state: State
    to_state: State
    by: Side


# A request is answered (accepted or declined) or withdrawn; accepted work is delivered, or
# falls through; delivered work may be reopened (accepted again); a declined or withdrawn
# request may be asked again.
MOVES = (
    Move("accept", State.REQUESTED, State.ACCEPTED, Side.PROVIDER),
    Move("decline", State.REQUESTED, State.DECLINED, Side.PROVIDER),
    Move("cancel", State.REQUESTED, State.CANCELLED, Side.REQUESTER),
    Move("deliver", State.ACCEPTED, State.DELIVERED, Side.PROVIDER),
    Move("decline", State.ACCEPTED, State.DECLINED, Side.PROVIDER),
    Move("cancel", State.ACCEPTED, State.CANCELLED, Side.REQUESTER),
    Move("ask again", State.DECLINED, State.REQUESTED, Side.REQUESTER),
    Move("cancel", State.DECLINED, State.CANCELLED, Side.REQUESTER),
    Move("reopen", State.DELIVERED, State.ACCEPTED, Side.PROVIDER),
    Move("ask again", State.CANCELLED, State.REQUESTED, Side.REQUESTER),
)

# What may follow what, whatever the action's name.
TRANSITIONS: dict[str, frozenset[str]] = {
    state: frozenset(move.to_state for move in MOVES if move.from_state == state) for state in State
}


@dataclass(frozen=True, slots=True)
class Action:
    """An action the pages and the API take by name: the state it leads to and its side."""

    name: str
    to_state: State
    by: Side


# The actions of the pages' forms and of the API's endpoints (POST .../<action>); accepting a
# delivered request reopens it.
ACTIONS = {
    name: Action(name, to_state, by)
    for name, to_state, by in (
        ("accept", State.ACCEPTED, Side.PROVIDER),
        ("decline", State.DECLINED, Side.PROVIDER),
        ("deliver", State.DELIVERED, Side.PROVIDER),
        ("cancel", State.CANCELLED, Side.REQUESTER),
    )
}


def offers(state: str, action: str) -> bool:
    """Whether a request in ``state`` offers ``action`` (by its name in :data:`MOVES`)."""
    return any(move.from_state == state and move.action == action for move in MOVES)


def transition_refused(dependency_id: str, state: str, to_state: str) -> str | None:
    """Why ``state`` may not become ``to_state`` (None when it may)."""
    allowed = TRANSITIONS[state]
    if to_state in allowed:
        return None
    return (
        f"{dependency_id} is {state}; it can become {' or '.join(sorted(allowed))}, not {to_state}"
    )
