"""The graph helpers: the walk for single-successor graphs finds what Tarjan's pass finds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tandem.core.graph import loops, single_successor_loops

# Graphs of up to twelve nodes in which each node leads to at most one node, some of them to
# nodes outside the list walked (as an aligns_to may name an objective of no interest).
NODES = st.lists(st.integers(0, 14), unique=True, max_size=12)
SUCCESSORS = st.dictionaries(st.integers(0, 14), st.integers(0, 14), max_size=15)


@given(NODES, SUCCESSORS)
def test_single_successor_loops_are_the_loops_tarjan_finds(
    nodes: list[int], successor: dict[int, int]
) -> None:
    def successors(node: int) -> list[int]:
        return [successor[node]] if node in successor else []

    # The same loops, in the same order, each with its members in the same order.
    assert single_successor_loops(nodes, successor.get) == loops(nodes, successors)


def test_a_node_that_leads_to_itself_is_a_loop_and_a_chain_is_not() -> None:
    successor = {"a": "a", "b": "c", "c": "d", "x": "y", "y": "z", "z": "x"}
    assert single_successor_loops(["a", "b", "c", "d", "x"], successor.get) == [
        ["a"],
        ["z", "y", "x"],
    ]
