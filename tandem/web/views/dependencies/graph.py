"""The dependencies page's risks and links as the page draws them: each risk's chain in
words, the graph's nodes and edges, and the links to the pages of its table."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page
from django.urls import reverse

from tandem.core import model as m
from tandem.core import risk as core_risk
from tandem.organization import dependencies
from tandem.organization.cache import View
from tandem.organization.dependencies import Edge, Graph, Risk
from tandem.organization.wording import owner_name, reason_words
from tandem.web.templatetags.tandem_web import DEPENDENCY_STATUS


def status_words(status: str) -> str:
    return DEPENDENCY_STATUS.get(status, (status,))[0]


# --- what is at risk, and why -------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One link of a risk chain: "<kr> is <health> because <dependency>: <words>"."""

    depth: int
    key_result: m.KeyResult
    health: str
    dependency: m.Dependency
    words: str


@dataclass(frozen=True)
class ShownRisk:
    key_result: m.KeyResult
    objective: m.Objective
    owner: str
    health: str
    steps: list[Step]


def with_chains(view: View, risks: Iterable[Risk]) -> list[ShownRisk]:
    """The risks shown, each with its chain (tandem.core.risk) in the page's words."""
    org = view.org
    return [
        ShownRisk(
            risk.key_result,
            risk.objective,
            owner_name(org, risk.objective.owner),
            risk.health,
            [
                _step(view, step)
                for step in core_risk.risk_chain(org, view.evaluation, risk.key_result.id)
            ],
        )
        for risk in risks
    ]


def _step(view: View, step: core_risk.Step) -> Step:
    org = view.org
    dependency = org.dependencies[step.dependency]
    words = reason_words(
        step.reason,
        provider=owner_name(org, dependency.provider),
        due=dependency.due,
        provider_kr=step.provider_kr,
    )
    key_result = org.key_results[step.key_result]
    return Step(step.depth, key_result, step.health.value, dependency, words)


# --- which teams depend on which ---------------------------------------------------------------


def row_id(edge: Edge) -> str:
    """The DOM id of an edge's row in the table of links (where a click on the edge goes)."""
    return f"link-{edge.requester.id}-{edge.provider.id}"


def graph_data(edges: list[Edge], row_href: Callable[[int, Edge], str]) -> dict[str, Any]:
    """The graph's nodes (each going to its team's page when clicked) and edges (each going to
    its row in the table of links, ``row_href(index, edge)``)."""
    nodes: dict[str, str] = {}
    for edge in edges:
        nodes.setdefault(edge.requester.id, edge.requester.name)
        nodes.setdefault(edge.provider.id, edge.provider.name)
    return {
        "nodes": [
            {"id": team_id, "label": name, "href": reverse("web:team", args=[team_id])}
            for team_id, name in nodes.items()
        ],
        "edges": [
            {
                "id": f"{e.requester.id}->{e.provider.id}",
                "source": e.requester.id,
                "target": e.provider.id,
                "count": len(e.dependencies),
                "status": e.status,
                "label": f"{len(e.dependencies)} · {status_words(e.status)}",
                "href": row_href(index, e),
            }
            for index, e in enumerate(edges)
        ],
    }


class Links:
    """The page's links that keep all else as it is: to another page of a list, and to the
    graph with all links or only the caller's."""

    def __init__(self, state: dict[str, str]) -> None:
        self.state = state
        self.here = reverse("web:dependencies")  # also when the page answers a form's POST

    def base(self, name: str) -> str:
        """The link to another page of list ``name``, all else as it is: end with its number."""
        kept = {k: v for k, v in self.state.items() if v and k != f"{name}_page"}
        return self.here + "?" + urlencode({**kept, f"{name}_page": ""})

    def graph(self, everything: bool) -> str:
        skip = ("graph", "links_page")
        kept = {k: v for k, v in self.state.items() if v and k not in skip}
        query = {**kept, "graph": "all"} if everything else kept
        return self.here + "?" + urlencode(query) + "#graph-heading"


def links_context(
    links: Links, graph: Graph, page: Page[Edge], shown_cards: dict[str, str]
) -> dict[str, Any]:
    """The graph and its table of links (``page``), each row naming the cards shown."""

    def row_href(index: int, edge: Edge) -> str:
        number = index // page.paginator.per_page + 1
        anchor = "#" + row_id(edge)
        return anchor if number == page.number else links.base("links") + str(number) + anchor

    return {
        "graph_of": graph,
        "graph_links": dependencies.GRAPH_LINKS,
        "edges": [
            (edge, row_id(edge), [(d.id, shown_cards.get(d.id)) for d in edge.dependencies])
            for edge in page.object_list
        ],
        "links_page": page,
        "graph": graph_data(graph.edges, row_href),
        "graph_all": links.graph(everything=True),
        "graph_mine": links.graph(everything=False),
        "legend": [(s, status_words(s)) for s in ("ok", "at_risk", "off_track", "done")],
    }
