"""The dependencies page: requests made to my teams (to answer) and by them (to follow), what
is at risk because of a dependency and the chain that puts it there, and which teams depend on
which.

Everything is read from the caller's view of the organisation (what they may not see is not
in it) plus a fixed number of bulk queries (versions, histories, cycle states).

Each list shows a page of it, with its count (``?waiting_page=2``, one parameter per list);
the graph draws every link when they are few, else those of the caller's teams (at most
:data:`tandem.organization.dependencies.GRAPH_LINKS`, the worst), unless ``?graph=all``.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpResponse

from tandem.core import model as m
from tandem.core.report import Scope, ScopeError, in_scope_dependencies, resolve_scope
from tandem.errors import NotFoundError
from tandem.organization.cache import View
from tandem.organization.dependencies import (
    CLOSED_STATES,
    dependency_lists,
    edges_get,
    graph_get,
    risks_get,
)
from tandem.organization.insight import critical_providers_get
from tandem.organization.mine import as_person
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in, view_of
from tandem.web.views.dependencies.cards import Card, cards_of
from tandem.web.views.dependencies.graph import Links, links_context, with_chains

PER_PAGE = 10  # cards a page in each list
RISKS_PER_PAGE = 20  # key results at risk a page, each with its chain
LINKS_PER_PAGE = 25  # rows a page in the table of links between teams
# The page's lists: each shows PER_PAGE cards (its page given by "<name>_page").
SECTIONS = {
    "waiting": "incoming",
    "accepted": "incoming",
    "answered": "incoming",
    "open": "outgoing",
    "closed": "outgoing",
}
PAGED = (*SECTIONS, "risks", "links")


@signed_in
def dependencies(request: WebRequest) -> HttpResponse:
    return page(request, view_of(request), request.GET.get("cycle", ""))


def page(
    request: WebRequest, view: View, cycle: str, *, acted: Card | None = None, status: int = 200
) -> HttpResponse:
    """The page for ``cycle`` (an id, "all", or "" for the cycles under way): each list a
    page at a time (``?waiting_page=2``), the graph bounded unless ``?graph=all``."""
    found = context(request, view, cycle, acted=acted)
    found["critical"] = critical_providers_get(
        audience=request.caller.audience, as_of=view.as_of, cycle=cycle or None
    )
    return pages.page(request, "web/dependencies.html", found, view=view, status=status)


def context(
    request: WebRequest, view: View, cycle: str, *, acted: Card | None = None
) -> dict[str, Any]:
    """What the page's sections show (:func:`page`; an answer given with HTMX swaps them all
    out of band with this, so counts, lists, risks and links are never stale)."""
    org, scope = view.org, _scope(view, cycle)
    mine = as_person(request.caller.audience, org)
    asked = {name: request.GET.get(f"{name}_page", "") for name in PAGED}
    in_scope = in_scope_dependencies(org, scope)
    lists = dependency_lists(org, mine, in_scope)
    paged = {n: Paginator(deps, PER_PAGE).get_page(asked[n]) for n, deps in lists.lists.items()}
    cards = _cards(request, view, paged)
    opened = {name for name, value in asked.items() if value}
    if acted is not None:  # the card just answered, or whose form came back with errors
        _place(acted, cards, opened, lists.answering)
    risks = Paginator(risks_get(view, scope.objective_set), RISKS_PER_PAGE).get_page(asked["risks"])
    return {
        "nav": "dependencies",
        "cycle": cycle,
        "cycles": list(org.cycles.values()),
        "scope_cycles": [org.cycles[c] for c in scope.cycles],
        **cards,
        "pages": paged,
        "opened": opened,
        "has_teams": bool(mine.teams or mine.led_teams),
        "between": lists.between,
        "risks": with_chains(view, risks.object_list),
        "risks_page": risks,
        **_links(request, view, in_scope=in_scope, cycle=cycle, asked=asked, cards=cards),
    }


def _scope(view: View, cycle: str) -> Scope:
    try:
        return resolve_scope(view.org, view.as_of, cycle=cycle or None)
    except ScopeError as exc:
        raise NotFoundError(str(exc)) from None


def _cards(
    request: WebRequest, view: View, paged: dict[str, Page[m.Dependency]]
) -> dict[str, list[Card]]:
    """Each list's cards on its page, built together (a fixed number of queries)."""
    chosen = [(SECTIONS[name], d) for name, page in paged.items() for d in page.object_list]
    built = iter(cards_of(request, view, chosen))
    return {name: [next(built) for _ in page.object_list] for name, page in paged.items()}


def section(card: Card) -> str:
    """The list a card is in, by its listing and its request's state."""
    state = card.dependency.state
    if card.listing == "outgoing":
        return "closed" if state in CLOSED_STATES else "open"
    if state == m.DependencyState.REQUESTED:
        return "waiting"
    return "accepted" if state == m.DependencyState.ACCEPTED else "answered"


def _place(
    acted: Card, cards: dict[str, list[Card]], opened: set[str], answering: frozenset[str]
) -> None:
    """Show the card just acted on in its list, open, where it was or first."""
    if acted.listing == "outgoing" and acted.dependency.id in answering:
        acted.listing = "incoming"  # shown once, among those asked of the caller's teams
    opened.add(section(acted))
    shown = cards[section(acted)]
    at = next((i for i, c in enumerate(shown) if c.dom_id == acted.dom_id), None)
    if at is None:
        shown.insert(0, acted)
    else:
        shown[at] = acted


def _links(
    request: WebRequest,
    view: View,
    *,
    in_scope: list[m.Dependency],
    cycle: str,
    asked: dict[str, str],
    cards: dict[str, list[Card]],
) -> dict[str, Any]:
    """The links to the lists' other pages, the graph and its table of links."""
    mine = as_person(request.caller.audience, view.org)
    everything = request.GET.get("graph") == "all"
    edges = edges_get(view, in_scope)
    graph = graph_get(edges, mine.teams | mine.led_teams, everything)
    table = Paginator(graph.edges, LINKS_PER_PAGE).get_page(asked["links"])
    state = {"cycle": cycle, "graph": "all" if everything else ""}
    links = Links(state | {f"{name}_page": number for name, number in asked.items()})
    shown = {c.dependency.id: c.dom_id for listed in cards.values() for c in listed}
    return {
        "bases": {name: links.base(name) for name in PAGED},
        **links_context(links, graph, table, shown),
    }
