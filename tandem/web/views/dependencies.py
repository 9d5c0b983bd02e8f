"""The dependencies page: requests made to my teams (to answer) and by them (to follow), what
is at risk because of a dependency and the chain that puts it there, and which teams depend on
which; and the form that asks another team for help.

Everything is read from the caller's view of the organisation (what they may not see is not
in it) plus a fixed number of bulk queries (versions, histories, cycle states). Writes go
through the same policy checks and services as the API (tandem/api/dependencies.py).

Each list shows a page of it, with its count (``?waiting_page=2``, one parameter per list);
the graph draws every link when they are few, else those of the caller's teams (at most
:data:`GRAPH_LINKS`, the worst), unless ``?graph=all``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem import clock
from tandem.access.policy import (
    dependency_get_visible,
    key_result_get_visible,
    may_answer_dependency,
    may_cancel_dependency,
    may_edit_objective,
    objective_get_visible,
    require,
    target_ensure_visible,
)
from tandem.core import model as m
from tandem.core.report import ScopeError, in_scope_dependencies, resolve_scope
from tandem.core.visibility import Audience, audience_of
from tandem.dependencies.models import Dependency, DependencyEvent, State
from tandem.dependencies.services import dependency_create, dependency_transition
from tandem.errors import ConflictError, InvalidError, NotFoundError, StaleVersionError
from tandem.okrs.models import Cycle, KeyResult, Objective
from tandem.organization.cache import View
from tandem.web import pages
from tandem.web.forms import NumberField
from tandem.web.pages import WebRequest, owner_name, person_name, signed_in, view_of
from tandem.web.templatetags.tandem_web import DEPENDENCY_STATUS, HEALTH

# Worst last: an edge of the graph takes the worst status of its requests.
STATUS_RANK = {"cancelled": 0, "done": 1, "ok": 2, "at_risk": 3, "off_track": 4}
ANSWERED = (
    m.DependencyState.DECLINED,
    m.DependencyState.DELIVERED,
    m.DependencyState.CANCELLED,
)
CLOSED_STATES = (m.DependencyState.DELIVERED, m.DependencyState.CANCELLED)
PER_PAGE = 10  # cards a page in each list
RISKS_PER_PAGE = 20  # key results at risk a page, each with its chain
LINKS_PER_PAGE = 25  # rows a page in the table of links between teams
GRAPH_LINKS = 40  # links the graph draws unless asked for all of them
ACTIONS = ("accept", "decline", "deliver", "cancel")
METRIC_FORMS = [
    ("numeric", "From a start to a target (numeric)"),
    ("keep_above", "Keep above a threshold"),
    ("keep_below", "Keep below a threshold"),
    ("boolean", "Done or not (yes/no)"),
    ("milestones", "Milestones"),
    ("rollup", "Roll-up of the objectives aligned to it"),
]


# --- what the caller is and may do, on the engine's plain data ---------------------------------


def own_teams(audience: Audience, org: m.Organization) -> Audience:
    """The caller's own teams: an admin's lists are those of their teams like anyone's (their
    power to act on any request stays with the real audience)."""
    if audience.admin:
        return audience_of(org, audience.person)
    return audience


def may_edit(audience: Audience, objective: m.Objective) -> bool:
    """:func:`tandem.access.policy.may_edit_objective` on the engine's data."""
    if audience.admin:
        return True
    me = audience.person
    if me is None:
        return False
    owner = objective.owner
    return (
        owner in audience.teams
        or owner in audience.led_teams
        or owner == me
        or (objective.umbrella is not None and objective.umbrella.owner == me)
    )


def _may_answer(audience: Audience, dependency: m.Dependency) -> bool:
    """:func:`tandem.access.policy.may_answer_dependency` on the engine's data."""
    provider = dependency.provider
    return audience.admin or provider in audience.teams or provider in audience.led_teams


def _requesting(org: m.Organization, dependency: m.Dependency) -> m.Objective:
    kr = org.key_results.get(dependency.from_id)
    return org.objectives[kr.objective if kr is not None else dependency.from_id]


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _words(status: str) -> str:
    return DEPENDENCY_STATUS.get(status, (status,))[0]


# --- the cards: one request, its history and what the caller may do with it --------------------


@dataclass
class FormState:
    """What was typed into one of a card's forms, and what was wrong with it."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    message: str = ""


@dataclass
class CardForms:
    accept: FormState = field(default_factory=FormState)
    decline: FormState = field(default_factory=FormState)
    deliver: FormState = field(default_factory=FormState)
    cancel: FormState = field(default_factory=FormState)


@dataclass(frozen=True)
class Event:
    at: datetime
    by: str
    from_state: str | None
    to_state: str
    reason: str


@dataclass
class Card:
    listing: str  # "incoming" or "outgoing": which list the card is in (its DOM id)
    dependency: m.Dependency
    status: str
    objective: m.Objective
    from_title: str
    requester: str
    provider: str
    provider_kr: m.KeyResult | None
    provider_kr_health: str | None
    history: list[Event]
    version: int
    may_answer: bool
    may_cancel: bool
    closed: str
    provider_choices: list[tuple[str, str]] = field(default_factory=list)
    objective_choices: list[tuple[str, str]] = field(default_factory=list)
    forms: CardForms = field(default_factory=CardForms)
    notice: str = ""
    focus: bool = False  # the card just answered in place: its heading takes the focus

    @property
    def dom_id(self) -> str:
        return f"{self.listing}-{self.dependency.id}"

    @property
    def metric_forms(self) -> list[tuple[str, str]]:
        return METRIC_FORMS

    @property
    def messages(self) -> list[str]:
        """Messages about the card as a whole: a conflict, a stale read, a refusal."""
        found = []
        for state in (self.forms.accept, self.forms.decline, self.forms.deliver, self.forms.cancel):
            found += [state.message] if state.message else []
            found += state.errors.get("all", [])
        return found

    @property
    def heading_level(self) -> int:
        # Incoming cards sit under "Waiting for your answer" (h3), outgoing ones under h2.
        return 4 if self.listing == "incoming" else 3

    @property
    def may_accept(self) -> bool:
        return self.may_answer and self.dependency.state == m.DependencyState.REQUESTED

    @property
    def may_decline(self) -> bool:
        return self.may_answer and self.dependency.state in (
            m.DependencyState.REQUESTED,
            m.DependencyState.ACCEPTED,
        )

    @property
    def may_deliver(self) -> bool:
        return self.may_answer and self.dependency.state == m.DependencyState.ACCEPTED

    @property
    def may_withdraw(self) -> bool:
        return self.may_cancel and self.dependency.state in (
            m.DependencyState.REQUESTED,
            m.DependencyState.ACCEPTED,
            m.DependencyState.DECLINED,
        )


EventRow = tuple[datetime, str | None, str | None, str, str]


def _records(ids: list[str]) -> tuple[dict[str, int], dict[str, list[EventRow]], dict[str, str]]:
    """Versions and histories of ``ids``, and every cycle's state: three queries."""
    versions = dict(Dependency.objects.filter(id__in=ids).values_list("id", "version"))
    events: dict[str, list[EventRow]] = defaultdict(list)
    rows = DependencyEvent.objects.filter(dependency_id__in=ids).order_by("at", "id")
    for dep_id, at, by, before, after, reason in rows.values_list(
        "dependency_id", "at", "by_id", "from_state", "to_state", "reason"
    ):
        events[dep_id].append((at, by, before, after, reason))
    states = dict(Cycle.objects.values_list("id", "state"))
    return versions, events, states


class _Children:
    """Each team's sub-teams, to find a provider team's whole subtree."""

    def __init__(self, org: m.Organization) -> None:
        self.below: dict[str | None, list[str]] = defaultdict(list)
        self.order = {team_id: index for index, team_id in enumerate(org.teams)}
        for team in org.teams.values():
            self.below[team.parent].append(team.id)

    def subtree(self, team_id: str) -> set[str]:
        found, todo = set(), [team_id]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(self.below.get(current, ()))
        return found


def _cards(
    request: WebRequest, view: View, listing: str, dependencies: Iterable[m.Dependency]
) -> list[Card]:
    return _cards_of(request, view, [(listing, dep) for dep in dependencies])


def _cards_of(
    request: WebRequest, view: View, chosen: list[tuple[str, m.Dependency]]
) -> list[Card]:
    """The cards of ``chosen`` (each in its listing), with three queries whatever their number."""
    org, evaluation = view.org, view.evaluation
    audience = request.caller.audience
    versions, events, cycle_states = _records(list({d.id for _listing, d in chosen}))
    children = _Children(org)
    by_team: dict[str, list[m.Objective]] = defaultdict(list)
    for objective in org.objectives.values():
        by_team[objective.owner].append(objective)
    cards = []
    for listing, dep in chosen:
        objective = _requesting(org, dep)
        kr = org.key_results.get(dep.from_id)
        provider_kr = org.key_results.get(dep.provider_kr or "")
        cycle = objective.cycle
        card = Card(
            listing=listing,
            dependency=dep,
            status=evaluation.dependencies[dep.id].status.value,
            objective=objective,
            from_title=kr.title if kr is not None else objective.title,
            requester=owner_name(org, objective.owner),
            provider=owner_name(org, dep.provider),
            provider_kr=provider_kr,
            provider_kr_health=(
                evaluation.key_results[provider_kr.id].health.value if provider_kr else None
            ),
            history=[
                Event(at, person_name(org, by) if by else "someone", before, after, reason)
                for at, by, before, after, reason in events.get(dep.id, [])
            ],
            version=versions.get(dep.id, 0),
            may_answer=_may_answer(audience, dep),
            may_cancel=may_edit(audience, objective),
            closed=(
                f"Cycle {cycle} is closed: its dependencies are read-only. Reopen the cycle to "
                "change them."
                if cycle_states.get(cycle) == Cycle.State.CLOSED
                else ""
            ),
        )
        if card.may_accept and not card.closed:
            _accept_choices(
                card,
                view=view,
                audience=audience,
                children=children,
                by_team=by_team,
                cycle_states=cycle_states,
            )
        cards.append(card)
    return cards


def _accept_choices(
    card: Card,
    *,
    view: View,
    audience: Audience,
    children: _Children,
    by_team: dict[str, list[m.Objective]],
    cycle_states: dict[str, str],
) -> None:
    """The provider team's key results that may deliver the help (in cycles that overlap the
    requester's), and its objectives the caller may add a new key result to."""
    org, evaluation = view.org, view.evaluation
    needing_cycle = org.cycles[card.objective.cycle]
    for team in sorted(children.subtree(card.dependency.provider), key=children.order.__getitem__):
        for objective in by_team.get(team, ()):
            if not org.cycles[objective.cycle].overlaps(needing_cycle):
                continue
            for kid in objective.key_results:
                if kid != card.dependency.from_id:
                    health = HEALTH[evaluation.key_results[kid].health.value][0].lower()
                    title = org.key_results[kid].title
                    card.provider_choices.append((kid, f"{kid}: {title} ({health})"))
            if cycle_states.get(objective.cycle) != Cycle.State.CLOSED and may_edit(
                audience, objective
            ):
                card.objective_choices.append((objective.id, f"{objective.id}: {objective.title}"))


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
class Risk:
    key_result: m.KeyResult
    objective: m.Objective
    owner: str
    health: str
    steps: list[Step]


def _why(view: View, dep: m.Dependency) -> str:
    """Why a dependency lowers a health, in the order the engine decides its status."""
    provider = owner_name(view.org, dep.provider)
    if dep.state == m.DependencyState.DECLINED:
        return f"{provider} declined it"
    if dep.due is not None and dep.due < view.as_of:
        return f"it was due on {dep.due.day} {dep.due:%B %Y} and {provider} has not delivered it"
    if dep.state == m.DependencyState.REQUESTED:
        return f"{provider} has not answered the request yet"
    provider_kr = dep.provider_kr
    if provider_kr is not None and provider_kr in view.evaluation.key_results:
        health = view.evaluation.key_results[provider_kr].health.value
        return f"{_possessive(provider)} {provider_kr} is {HEALTH[health][0].lower()}"
    return f"it is {_words(view.evaluation.dependencies[dep.id].status.value).lower()}"


def _chain(
    view: View, kr_id: str, depth: int = 0, seen: frozenset[str] = frozenset()
) -> list[Step]:
    """Each dependency that lowers ``kr_id``'s health and, through a provider key result whose
    own health comes from further dependencies, the rest of the chain."""
    org, evaluation = view.org, view.evaluation
    result = evaluation.key_results[kr_id]
    steps = []
    for dep_id in result.at_risk_from:
        dep = org.dependencies[dep_id]
        steps.append(Step(depth, org.key_results[kr_id], result.health.value, dep, _why(view, dep)))
        provider_kr = dep.provider_kr
        follows = (
            dep.state == m.DependencyState.ACCEPTED
            and not (dep.due is not None and dep.due < view.as_of)
            and not evaluation.dependencies[dep_id].in_loop
        )
        if follows and provider_kr in org.key_results and provider_kr not in seen | {kr_id}:
            steps += _chain(view, provider_kr, depth + 1, seen | {kr_id})
    return steps


def _risks(view: View, objectives: frozenset[str]) -> list[Risk]:
    """Every key result of ``objectives`` worse off because of a dependency, worst first,
    without their chains (:func:`_with_chains` adds them to those shown)."""
    org, evaluation = view.org, view.evaluation
    risks = []
    for kid, result in evaluation.key_results.items():
        kr = org.key_results[kid]
        if result.at_risk_from and kr.objective in objectives:
            objective = org.objectives[kr.objective]
            risks.append(
                Risk(kr, objective, owner_name(org, objective.owner), result.health.value, [])
            )
    risks.sort(key=lambda r: -STATUS_RANK[r.health])
    return risks


def _with_chains(view: View, risks: Iterable[Risk]) -> list[Risk]:
    return [
        Risk(r.key_result, r.objective, r.owner, r.health, _chain(view, r.key_result.id))
        for r in risks
    ]


# --- which teams depend on which ---------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    requester: m.Team
    provider: m.Team
    dependencies: list[m.Dependency]
    status: str

    @property
    def words(self) -> str:
        return _words(self.status)


def _primary_teams(org: m.Organization) -> dict[str, str]:
    """A person's team for the graph: the first team they are in, below the company if any."""
    found: dict[str, str] = {}
    ordered = sorted(org.teams.values(), key=lambda t: t.parent is None)
    for team in ordered:
        for person in (team.lead, *team.members):
            if person is not None:
                found.setdefault(person, team.id)
    return found


def _edges(view: View, dependencies: list[m.Dependency]) -> list[Edge]:
    org, evaluation = view.org, view.evaluation
    primary = _primary_teams(org)
    grouped: dict[tuple[str, str], list[m.Dependency]] = defaultdict(list)
    for dep in dependencies:
        if dep.state == m.DependencyState.CANCELLED:
            continue
        owner = _requesting(org, dep).owner
        team = owner if owner in org.teams else primary.get(owner)
        if team is not None:
            grouped[(team, dep.provider)].append(dep)
    return [
        Edge(
            org.teams[requester],
            org.teams[provider],
            deps,
            max((evaluation.dependencies[d.id].status.value for d in deps), key=STATUS_RANK.get),  # type: ignore[arg-type]
        )
        for (requester, provider), deps in grouped.items()
    ]


def _graph_data(edges: list[Edge], row_href: Callable[[int, Edge], str]) -> dict[str, Any]:
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
                "label": f"{len(e.dependencies)} · {e.words}",
                "href": row_href(index, e),
            }
            for index, e in enumerate(edges)
        ],
    }


def _row_id(edge: Edge) -> str:
    """The DOM id of an edge's row in the table of links (where a click on the edge goes)."""
    return f"link-{edge.requester.id}-{edge.provider.id}"


# --- the page -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Graph:
    """The links the graph draws and its table lists, and what they are out of."""

    edges: list[Edge]
    shown: str  # "all": every link; "mine": those of the caller's teams; "worst": the worst
    total: int  # links in these cycles (that the caller may see)
    mine: int  # of them, links of the caller's teams

    @property
    def capped(self) -> bool:
        return self.shown != "all" and len(self.edges) < (
            self.mine if self.shown == "mine" else self.total
        )


def _graph(edges: list[Edge], teams: frozenset[str], everything: bool) -> Graph:
    """Every link when asked or when they are few (:data:`GRAPH_LINKS`); else those of
    ``teams`` (the caller's) and the teams they work with, or, when they have none, the
    links of the whole organisation: at most :data:`GRAPH_LINKS`, the worst (by status,
    then by number of requests), in their order."""
    mine = [e for e in edges if e.requester.id in teams or e.provider.id in teams]
    if everything or len(edges) <= GRAPH_LINKS:
        return Graph(edges, "all", len(edges), len(mine))
    pool, shown = (mine, "mine") if mine else (edges, "worst")
    if len(pool) > GRAPH_LINKS:
        worst = sorted(
            range(len(pool)),
            key=lambda i: (-STATUS_RANK[pool[i].status], -len(pool[i].dependencies)),
        )[:GRAPH_LINKS]
        pool = [pool[i] for i in sorted(worst)]
    return Graph(pool, shown, len(edges), len(mine))


# The page's lists: each shows PER_PAGE cards (its page given by "<name>_page").
SECTIONS = {
    "waiting": "incoming",
    "accepted": "incoming",
    "answered": "incoming",
    "open": "outgoing",
    "closed": "outgoing",
}
PAGED = (*SECTIONS, "risks", "links")


def _section(card: Card) -> str:
    state = card.dependency.state
    if card.listing == "outgoing":
        return "closed" if state in CLOSED_STATES else "open"
    if state == m.DependencyState.REQUESTED:
        return "waiting"
    return "accepted" if state == m.DependencyState.ACCEPTED else "answered"


def _page(
    request: WebRequest,
    view: View,
    cycle: str,
    *,
    acted: Card | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page for ``cycle`` (an id, "all", or "" for the cycles under way): each list a
    page at a time (``?waiting_page=2``), the graph bounded unless ``?graph=all``."""
    context = _context(request, view, cycle, acted=acted)
    return pages.page(request, "web/dependencies.html", context, view=view, status=status)


def _context(
    request: WebRequest, view: View, cycle: str, *, acted: Card | None = None
) -> dict[str, Any]:
    """What the page's sections show (:func:`_page`; an answer given with HTMX swaps them all
    out of band with this, so counts, lists, risks and links are never stale)."""
    org = view.org
    try:
        scope = resolve_scope(org, view.as_of, cycle=cycle or None)
    except ScopeError as exc:
        raise NotFoundError(str(exc)) from None
    in_scope = in_scope_dependencies(org, scope)
    mine = own_teams(request.caller.audience, org)
    incoming = [d for d in in_scope if _may_answer(mine, d)]
    # A request between two of the caller's teams (every request, for the company's lead) is
    # shown once: among those asked of them, where it waits for an answer; its card also
    # offers to withdraw it.
    answering = {d.id for d in incoming}
    ours = [d for d in in_scope if may_edit(mine, _requesting(org, d))]
    outgoing = [d for d in ours if d.id not in answering]
    between = len(ours) - len(outgoing)
    lists = {
        "waiting": [d for d in incoming if d.state == m.DependencyState.REQUESTED],
        "accepted": [d for d in incoming if d.state == m.DependencyState.ACCEPTED],
        "answered": [d for d in incoming if d.state in ANSWERED],
        "open": [d for d in outgoing if d.state not in CLOSED_STATES],
        "closed": [d for d in outgoing if d.state in CLOSED_STATES],
    }
    asked = {name: request.GET.get(f"{name}_page", "") for name in PAGED}
    paged = {name: Paginator(deps, PER_PAGE).get_page(asked[name]) for name, deps in lists.items()}
    built = iter(
        _cards_of(
            request,
            view,
            [(SECTIONS[name], d) for name, page in paged.items() for d in page.object_list],
        )
    )
    cards = {name: [next(built) for _ in page.object_list] for name, page in paged.items()}
    opened = {name for name, value in asked.items() if value}
    if acted is not None:  # the card just answered, or whose form came back with errors
        if acted.listing == "outgoing" and acted.dependency.id in answering:
            acted.listing = "incoming"  # shown once, among those asked of the caller's teams
        opened.add(_section(acted))
        shown = cards[_section(acted)]
        at = next((i for i, c in enumerate(shown) if c.dom_id == acted.dom_id), None)
        if at is None:
            shown.insert(0, acted)
        else:
            shown[at] = acted
    risks = Paginator(_risks(view, scope.objective_set), RISKS_PER_PAGE).get_page(asked["risks"])
    everything = request.GET.get("graph") == "all"
    graph = _graph(_edges(view, in_scope), mine.teams | mine.led_teams, everything)
    links = Paginator(graph.edges, LINKS_PER_PAGE).get_page(asked["links"])
    state = {
        "cycle": cycle,
        "graph": "all" if everything else "",
        **{f"{name}_page": number for name, number in asked.items()},
    }
    here = reverse("web:dependencies")  # also when the page answers a form's POST

    def base(name: str) -> str:
        """The link to another page of list ``name``, all else as it is: end with its number."""
        kept = {k: v for k, v in state.items() if v and k != f"{name}_page"}
        return here + "?" + urlencode({**kept, f"{name}_page": ""})

    graph_state = {k: v for k, v in state.items() if v and k not in ("graph", "links_page")}
    shown_cards = {c.dependency.id: c.dom_id for section in cards.values() for c in section}

    def row_href(index: int, edge: Edge) -> str:
        number = index // LINKS_PER_PAGE + 1
        anchor = "#" + _row_id(edge)
        return anchor if number == links.number else base("links") + str(number) + anchor

    return {
        "nav": "dependencies",
        "cycle": cycle,
        "cycles": list(org.cycles.values()),
        "scope_cycles": [org.cycles[c] for c in scope.cycles],
        **cards,
        "pages": paged,
        "bases": {name: base(name) for name in PAGED},
        "opened": opened,
        "has_teams": bool(mine.teams or mine.led_teams),
        "between": between,
        "risks": _with_chains(view, risks.object_list),
        "risks_page": risks,
        "graph_of": graph,
        "graph_links": GRAPH_LINKS,
        "edges": [
            (edge, _row_id(edge), [(d.id, shown_cards.get(d.id)) for d in edge.dependencies])
            for edge in links.object_list
        ],
        "links_page": links,
        "graph": _graph_data(graph.edges, row_href),
        "graph_all": here + "?" + urlencode({**graph_state, "graph": "all"}) + "#graph-heading",
        "graph_mine": here + "?" + urlencode(graph_state) + "#graph-heading",
        "legend": [(s, _words(s)) for s in ("ok", "at_risk", "off_track", "done")],
    }


@signed_in
def dependencies(request: WebRequest) -> HttpResponse:
    return _page(request, view_of(request), request.GET.get("cycle", ""))


# --- answering and cancelling ----------------------------------------------------------------


class _DeclineForm(forms.Form):
    reason = forms.CharField(
        error_messages={
            "required": "Say why your team declines, so the requester can plan without it."
        }
    )
    version = forms.IntegerField(required=False)


class _NoteForm(forms.Form):
    reason = forms.CharField(required=False)
    version = forms.IntegerField(required=False)


class _AcceptForm(forms.Form):
    mode = forms.ChoiceField(choices=[("existing", "existing"), ("new", "new")], initial="existing")
    provider_kr = forms.CharField(required=False)
    objective = forms.CharField(required=False)
    title = forms.CharField(required=False)
    form = forms.ChoiceField(choices=METRIC_FORMS, required=False)
    start = NumberField(required=False)
    target = NumberField(required=False)
    threshold = NumberField(required=False)
    unit = forms.CharField(required=False)
    milestones = forms.CharField(required=False)
    reason = forms.CharField(required=False)
    version = forms.IntegerField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == "new":
            if not data.get("objective"):
                self.add_error("objective", "Choose which of your objectives the key result joins.")
            if not data.get("title"):
                self.add_error("title", "Give the new key result a title: the outcome it measures.")
            if not data.get("form"):
                self.add_error("form", "Choose how the new key result is measured.")
        return data


FORMS: dict[str, type[forms.Form]] = {
    "accept": _AcceptForm,
    "decline": _DeclineForm,
    "deliver": _NoteForm,
    "cancel": _NoteForm,
}
# The services' field names, as the accept form names them.
FIELDS = {"provider_kr_id": "provider_kr", "provider_objective_id": "objective"}


def _new_key_result(data: dict[str, Any], by_id: str | None) -> dict[str, Any]:
    """The accept form's new key result as key_result_create takes it (only what was given,
    so the service says what a form does not take)."""
    fields: dict[str, Any] = {"title": data["title"], "form": data["form"]}
    for name in ("start", "target", "threshold"):
        if data.get(name) is not None:
            fields[name] = data[name]
    if data.get("unit"):
        fields["unit"] = data["unit"]
    lines = [line.strip() for line in (data.get("milestones") or "").splitlines()]
    if any(lines):
        fields["milestones"] = [{"title": line} for line in lines if line]
    if by_id is not None:
        fields["owner_id"] = by_id  # whoever accepts owns it; the objective's page changes it
    return fields


def _transition(
    request: WebRequest, dependency: Dependency, action: str, data: dict[str, Any]
) -> str:
    """Apply ``action`` as the API does; the notice to show."""
    caller = request.caller
    extra: dict[str, Any] = {}
    if action == "accept" and data["mode"] == "new":
        objective = objective_get_visible(caller.audience, data["objective"])
        require(
            may_edit_objective(caller.audience, objective),
            f"you may not add key results to {objective.id}",
        )
        extra = {
            "provider_kr_new": _new_key_result(data, caller.person),
            "provider_objective_id": objective.id,
        }
    elif action == "accept" and data.get("provider_kr"):
        if target_ensure_visible(caller.audience, data["provider_kr"], field="provider_kr") != (
            "key_result"
        ):
            raise InvalidError(
                f"'{data['provider_kr']}' is an objective; name one of its key results",
                field="provider_kr",
            )
        extra = {"provider_kr_id": data["provider_kr"]}
    to_state = {
        "accept": State.ACCEPTED,
        "decline": State.DECLINED,
        "deliver": State.DELIVERED,
        "cancel": State.CANCELLED,
    }[action]
    done = dependency_transition(
        dependency_id=dependency.id,
        to_state=to_state,
        by_id=caller.person,
        reason=data.get("reason") or "",
        version=data.get("version"),
        **extra,
    )
    if action == "accept" and done.provider_kr_id and extra:
        return (
            f"Accepted. {done.provider_kr_id} delivers it: its health now flows to the requester."
        )
    return {
        "accept": "Accepted.",
        "decline": "Declined; the requester sees your reason.",
        "deliver": "Marked as delivered. Thank you!",
        "cancel": "Request withdrawn.",
    }[action]


def _field(name: str | None, form: forms.Form) -> str | None:
    """Where a service's message goes in ``form`` (None: above the form)."""
    if not name:
        return None
    name = FIELDS.get(name, name).removeprefix("provider_kr_new.").split(".")[0]
    return name if name in form.fields else None


@signed_in
@require_POST
def dependency_action(request: WebRequest, dependency_id: str, action: str) -> HttpResponse:
    caller = request.caller
    dependency = dependency_get_visible(caller.audience, dependency_id)
    if action == "cancel":
        require(
            may_cancel_dependency(caller.audience, dependency),
            f"only whoever may change the requesting objective cancels {dependency_id}",
        )
    else:
        require(
            may_answer_dependency(caller.audience, dependency),
            f"only {dependency.provider_id} (its members and the leads above it) answers "
            f"{dependency_id}",
        )
    if dependency_id not in view_of(request).org.dependencies:
        # Visible, but its objective or key result is archived: out of every plan.
        raise NotFoundError(
            f"{dependency_id} comes from an archived objective or key result; restore it "
            "to answer or cancel the request"
        )
    form = FORMS[action](request.POST)
    state = FormState(values={k: str(v) for k, v in request.POST.items()})
    notice, status = "", 200
    try:
        if form.is_valid():
            notice = _transition(request, dependency, action, form.cleaned_data)
        else:
            status = 422
    except InvalidError as exc:
        form.add_error(_field(exc.field, form), exc.message)
        status = 422
    except StaleVersionError as exc:
        # The card shows the request as it is now (its new version); what was typed stays.
        state.message, status = f"{exc.message}. Here is the request as it is now.", 412
    except ConflictError as exc:
        state.message, status = exc.message[:1].upper() + exc.message[1:], 409
    listing = "outgoing" if request.POST.get("listing") == "outgoing" else "incoming"
    cycle = request.POST.get("cycle", "")
    back = reverse("web:dependencies") + _query(cycle)
    if status == 200 and not pages.is_htmx(request):
        messages.success(request, f"{dependency_id}: {notice}")
        return HttpResponseRedirect(f"{back}#{listing}-{dependency_id}", status=303)
    for name, errors in form.errors.items():
        state.errors[name if name != "__all__" else "all"] = [str(e) for e in errors]
    view = view_of(request)
    card = _cards(request, view, listing, [view.org.dependencies[dependency_id]])[0]
    card.notice = notice
    if status != 200:
        setattr(card.forms, action, state)
    if pages.is_htmx(request) and status != 200:
        context = {"card": card, "cycle": cycle}
        return render(request, "web/_dependency_card.html", context, status=status)
    if pages.is_htmx(request):
        # The answer changes counts, lists, risks and links around the card: every section
        # comes back out of band (the card in its new list, focused by tandem.js).
        card.focus = True
        context = _context(request, view, cycle, acted=card) | {"oob": True}
        response = render(request, "web/_dependency_sections.html", context)
        response["HX-Reswap"] = "none"
        return response
    return _page(request, view, cycle, acted=card, status=status)


def _query(cycle: str) -> str:
    return f"?{urlencode({'cycle': cycle})}" if cycle else ""


# --- asking for help -------------------------------------------------------------------------


class _RequestForm(forms.Form):
    provider = forms.ChoiceField(error_messages={"required": "Choose the team you need help from."})
    need = forms.CharField(
        error_messages={"required": "Say what you need from them, as concretely as you can."}
    )
    due = forms.DateField(
        required=False,
        error_messages={"invalid": "Write the date as YYYY-MM-DD (or pick it in the calendar)."},
    )

    def __init__(self, *args: Any, teams: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Choose a team"), *teams]  # type: ignore[attr-defined]


def _from_choices(request: WebRequest, view: View) -> list[tuple[m.Objective, list[m.KeyResult]]]:
    """What the caller may ask help for when no ``from`` was given: the objectives of their
    own teams and their own, in the cycles under way, with their key results."""
    org = view.org
    mine = own_teams(request.caller.audience, org)
    direct = Audience(person=mine.person, teams=mine.teams)
    cycles = set(resolve_scope(org, view.as_of).cycles)
    return [
        (o, [org.key_results[k] for k in o.key_results])
        for o in org.objectives.values()
        if o.cycle in cycles and may_edit(direct, o)
    ]


def _needer(request: WebRequest, from_id: str) -> tuple[Objective, KeyResult | None]:
    """The objective (and key result) that needs the help: 404 when hidden, 403 when the
    caller may not change it (as POST /api/v1/dependencies)."""
    audience = request.caller.audience
    if Objective.objects.filter(pk=from_id).exists():
        objective, key_result = objective_get_visible(audience, from_id), None
    else:
        key_result = key_result_get_visible(audience, from_id)
        objective = key_result.objective
    require(
        may_edit_objective(audience, objective),
        f"only whoever may change {objective.id} asks for help on its behalf",
    )
    return objective, key_result


@signed_in
@require_http_methods(["GET", "POST"])
def dependency_new(request: WebRequest) -> HttpResponse:
    from_id = (request.POST.get("from") or request.GET.get("from") or "").strip()
    view = view_of(request)
    needer = _needer(request, from_id) if from_id else None
    teams = [(t.id, t.name) for t in view.org.teams.values()]
    form = _RequestForm(request.POST if request.method == "POST" else None, teams=teams)
    status = 200
    if request.method == "POST":
        status = 422
        if not from_id:
            form.add_error(None, "Choose the key result or objective that needs the help.")
        elif form.is_valid():
            try:
                created = dependency_create(
                    from_id=from_id,
                    provider_team_id=form.cleaned_data["provider"],
                    need=form.cleaned_data["need"],
                    due=form.cleaned_data["due"],
                    by_id=request.caller.person,
                )
            except InvalidError as exc:
                target = {"provider_team_id": "provider"}.get(exc.field or "", exc.field)
                form.add_error(target if target in form.fields else None, exc.message)
            except ConflictError as exc:
                form.add_error(None, exc.message)
            else:
                provider = owner_name(view.org, created.provider_id)
                messages.success(
                    request,
                    f"{created.id} sent: {provider} will find it among the requests made to them.",
                )
                # Among those asked of the caller's teams when it is asked of one of them
                # (the page shows each request once).
                mine = own_teams(request.caller.audience, view.org)
                answered_by_us = created.provider_id in mine.teams | mine.led_teams
                listing = "incoming" if answered_by_us else "outgoing"
                return HttpResponseRedirect(
                    reverse("web:dependencies") + f"#{listing}-{created.id}", status=303
                )
    return pages.page(
        request,
        "web/dependency_new.html",
        {
            "nav": "dependencies",
            "form": form,
            "from_id": from_id,
            "needer": needer,
            "choices": [] if needer else _from_choices(request, view),
            "teams": teams,
            "today": clock.today(),
        },
        view=view,
        status=status,
    )


urlpatterns = [
    path("dependencies", dependencies, name="dependencies"),
    path("dependencies/new", dependency_new, name="dependency_new"),
    *[
        path(
            f"dependencies/<str:dependency_id>/{action}",
            dependency_action,
            {"action": action},
            name=f"dependency_{action}",
        )
        for action in ACTIONS
    ],
]
