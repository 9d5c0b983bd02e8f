"""Graph helpers shared by the engine and the quality rules."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


def strongly_connected(nodes: Iterable[N], successors: Callable[[N], Iterable[N]]) -> list[list[N]]:
    """Tarjan's strongly connected components, without recursion.

    Components come out in dependency order: when edges point from a node to what it needs,
    every component is listed after all the components it needs. Iterative because chains of
    dependencies in a large organisation are deeper than Python's recursion limit.
    """
    index: dict[N, int] = {}
    low: dict[N, int] = {}
    on_stack: set[N] = set()
    stack: list[N] = []
    components: list[list[N]] = []
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors(root)))]
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(successors(target))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def loops(nodes: Iterable[N], successors: Callable[[N], Iterable[N]]) -> list[list[N]]:
    """The components that form a loop: several nodes, or one node that leads to itself."""
    return [
        component
        for component in strongly_connected(nodes, successors)
        if len(component) > 1 or component[0] in successors(component[0])
    ]


def single_successor_loops(nodes: Iterable[N], successor: Callable[[N], N | None]) -> list[list[N]]:
    """:func:`loops` for a graph in which every node leads to at most one node.

    The same loops, in the same order and with their members in the same order, as
    ``loops(nodes, lambda node: [] if successor(node) is None else [successor(node)])``, but
    found by walking each chain once: from every node not yet seen, follow the successors
    until a node seen before; when that node is on the current walk, the walk closed a loop.
    """
    walk_of: dict[N, int] = {}
    found: list[list[N]] = []
    for number, root in enumerate(nodes):
        path: list[N] = []
        node: N | None = root
        while node is not None and node not in walk_of:
            walk_of[node] = number
            path.append(node)
            node = successor(node)
        if node is not None and walk_of[node] == number:
            # Tarjan's algorithm closes the loop at its first node and lists the members
            # from the last one back.
            loop = path[path.index(node) :]
            loop.reverse()
            found.append(loop)
    return found
