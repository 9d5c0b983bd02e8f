"""The dependencies page's cards: one request each, its history, and the forms of what the
caller may do with it (what the state machine offers, what the caller's side may do)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tandem.comments.selectors import comment_counts
from tandem.core import model as m
from tandem.dependencies.selectors import Records, dependency_records_get
from tandem.dependencies.states import offers
from tandem.organization.cache import View
from tandem.organization.dependencies import (
    ProviderTeams,
    may_answer,
    may_cancel,
    requesting_objective,
)
from tandem.organization.wording import owner_name, person_name
from tandem.web.pages import FormState, WebRequest
from tandem.web.templatetags.tandem_web import HEALTH

METRIC_FORMS = [
    ("numeric", "From a start to a target (numeric)"),
    ("keep_above", "Keep above a threshold"),
    ("keep_below", "Keep below a threshold"),
    ("boolean", "Done or not (yes/no)"),
    ("milestones", "Milestones"),
    ("rollup", "Roll-up of the objectives aligned to it"),
]


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
    comments: int = 0  # how many comments it has (on its own page)

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
        return self.may_answer and offers(self.dependency.state, "accept")

    @property
    def may_decline(self) -> bool:
        return self.may_answer and offers(self.dependency.state, "decline")

    @property
    def may_deliver(self) -> bool:
        return self.may_answer and offers(self.dependency.state, "deliver")

    @property
    def may_withdraw(self) -> bool:
        return self.may_cancel and offers(self.dependency.state, "cancel")


def cards_of(request: WebRequest, view: View, chosen: list[tuple[str, m.Dependency]]) -> list[Card]:
    """The cards of ``chosen`` (each in its listing), with four queries whatever their number."""
    records = dependency_records_get(list({d.id for _listing, d in chosen}))
    counts = comment_counts("dependency", [d.id for _listing, d in chosen]) if chosen else {}
    teams = ProviderTeams(view.org)
    cards = []
    for listing, dependency in chosen:
        card = _card(request, view, records, listing, dependency)
        card.comments = counts.get(dependency.id, 0)
        if card.may_accept and not card.closed:
            _accept_choices(card, view, request, teams, records)
        cards.append(card)
    return cards


def _card(
    request: WebRequest, view: View, records: Records, listing: str, dependency: m.Dependency
) -> Card:
    org, evaluation = view.org, view.evaluation
    audience = request.caller.audience
    objective = requesting_objective(org, dependency)
    key_result = org.key_results.get(dependency.from_id)
    provider_kr = org.key_results.get(dependency.provider_kr or "")
    return Card(
        listing=listing,
        dependency=dependency,
        status=evaluation.dependencies[dependency.id].status.value,
        objective=objective,
        from_title=key_result.title if key_result is not None else objective.title,
        requester=owner_name(org, objective.owner),
        provider=owner_name(org, dependency.provider),
        provider_kr=provider_kr,
        provider_kr_health=(
            evaluation.key_results[provider_kr.id].health.value if provider_kr else None
        ),
        history=_history(org, records, dependency.id),
        version=records.versions.get(dependency.id, 0),
        may_answer=may_answer(audience, dependency),
        may_cancel=may_cancel(audience, org, dependency),
        closed=_closed(objective.cycle) if records.closed(objective.cycle) else "",
    )


def _history(org: m.Organization, records: Records, dependency_id: str) -> list[Event]:
    return [
        Event(
            row.at,
            person_name(org, row.by) if row.by else "someone",
            row.from_state,
            row.to_state,
            row.reason,
        )
        for row in records.events.get(dependency_id, [])
    ]


def _closed(cycle: str) -> str:
    return (
        f"Cycle {cycle} is closed: its dependencies are read-only. Reopen the cycle to change them."
    )


def _accept_choices(
    card: Card, view: View, request: WebRequest, teams: ProviderTeams, records: Records
) -> None:
    """The provider team's key results that may deliver the help (in cycles that overlap the
    requester's), and its objectives the caller may add a new key result to."""
    closed = frozenset(c for c in view.org.cycles if records.closed(c))
    choices = teams.accept_choices(view, card.dependency, request.caller.audience, closed)
    for key_result_id, title, health in choices.key_results:
        words = HEALTH[health][0].lower()
        card.provider_choices.append((key_result_id, f"{key_result_id}: {title} ({words})"))
    for objective in choices.objectives:
        card.objective_choices.append((objective.id, f"{objective.id}: {objective.title}"))
