"""The cycle review page: the objectives of a cycle with their scores and reflections, and
closing (or reopening) the cycle. The review itself (the scores, projected before the cycle
ends, who may do what) is read by :mod:`tandem.organization.review.selectors`; this module
lists, pages and renders it.

The page lists a bounded number of objectives: by default the caller's own (owned by them or
by a team they belong to or lead), a page at a time, then the others they may see — grouped
by owner when they are few, else as figures per team. ``?team=<id>`` lists one team's own
objectives (a page at a time) with its sub-teams' figures. Every figure covers everything the
caller may see in the cycle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from tandem import clock
from tandem.core import model as m
from tandem.core.engine import KeyResultResult, ObjectiveResult
from tandem.errors import NotFoundError
from tandem.organization.review.selectors import (
    ObjectiveGrade,
    Review,
    figures_of,
    grades_get,
    reflected_get,
    review_get,
    yours,
)
from tandem.organization.team_groups import TeamGroup, team_groups, team_tree
from tandem.organization.wording import owner_name, person_name
from tandem.web import pages
from tandem.web.pages import FormState, WebRequest, signed_in, view_of
from tandem.web.views.scope import QuickSelect

PER_PAGE = 20  # objective cards a page (each with its forms)
OTHERS_LISTED = 40  # other objectives listed by owner at most; beyond, figures per team
OTHERS_OPEN = 12  # listed open at most; beyond, each owner's are folded


@dataclass
class KeyResultRow:
    key_result: m.KeyResult
    result: KeyResultResult
    computed: float
    score: float | None
    override_by: str
    override_at: datetime | None
    version: int | None
    form: FormState = field(default_factory=FormState)


@dataclass
class ObjectiveCard:
    objective: m.Objective
    owner: str
    result: ObjectiveResult
    rows: list[KeyResultRow]
    reflection: tuple[str, str, datetime] | None
    may_edit: bool
    expected: float
    level: int = 3
    form: FormState = field(default_factory=FormState)
    notice: str = ""


# --- the cards -----------------------------------------------------------------------------


def objective_cards(review: Review, objectives: Sequence[m.Objective]) -> list[ObjectiveCard]:
    org = review.view.org
    return [_card(org, grade) for grade in grades_get(review, objectives)]


def _card(org: m.Organization, grade: ObjectiveGrade) -> ObjectiveCard:
    """An objective's grades in the page's words: names rather than ids."""
    rows = [
        KeyResultRow(
            row.key_result,
            row.result,
            row.computed,
            row.score,
            person_name(org, row.override_by) if row.override_by else "",
            row.override_at,
            row.version,
        )
        for row in grade.key_results
    ]
    written = grade.reflection
    reflection = None
    if written is not None:
        reflection = (
            written.text,
            person_name(org, written.by) if written.by else "someone",
            written.at,
        )
    owner = owner_name(org, grade.objective.owner)
    return ObjectiveCard(
        grade.objective, owner, grade.result, rows, reflection, grade.may_edit, grade.expected
    )


def _summary(
    review: Review, groups: list[TeamGroup], reflected: frozenset[str], here: str
) -> list[dict[str, Any]]:
    """Each group's figures: objectives, mean score, how many met their expectation, scores
    overridden and reflections written."""
    return [
        {
            "team": group.team,
            "whole": group.whole,
            "sub_teams": group.sub_teams,
            "url": f"{here}?{urlencode({'team': group.team.id})}",
            **asdict(figures_of(review, group.objectives, reflected)),
        }
        for group in groups
        # Not a team with sub-teams but nothing of its own.
        if group.whole or group.objectives
    ]


# --- the page --------------------------------------------------------------------------------


def _cycle_label(cycle: m.Cycle, as_of: date) -> str:
    """How the cycle switcher lists a cycle: "2026-Q3: 1 Jul to 30 Sep 2026, ended"."""
    if as_of >= cycle.end:
        when = "ended"
    elif as_of >= cycle.start:
        when = "under way"
    else:
        when = "not started"
    start = f"{cycle.start.day} {cycle.start:%b}"
    if cycle.start.year != cycle.end.year:
        start += f" {cycle.start.year}"
    return f"{cycle.id}: {start} to {cycle.end.day} {cycle.end:%b %Y}, {when}"


class _TeamForm(forms.Form):
    """Which cycle to review (every cycle: the year's, the closed quarters…) and whose
    objectives: a GET form that works without scripts."""

    cycle = forms.ChoiceField(label="Cycle", required=False, widget=QuickSelect)
    team = forms.ChoiceField(label="Whose objectives", required=False, widget=QuickSelect)

    def __init__(self, data: Any, *, org: m.Organization, as_of: date) -> None:
        super().__init__(data)
        cycle_field: Any = self.fields["cycle"]
        cycle_field.choices = [(c.id, _cycle_label(c, as_of)) for c in org.cycles.values()]
        field_: Any = self.fields["team"]
        field_.choices = [
            ("", "Your objectives"),
            *((t.id, "\u2003" * depth + t.name) for t, depth in team_tree(org)),
        ]


def page_number_of(value: str | None) -> str | None:
    return value if value and value.isdigit() else None


def back_query(team: str | None, page: str | None) -> str:
    """Where a write sends the caller back: the same team and page of the review."""
    params = {"team": team or "", "page": page or ""}
    query = urlencode({k: v for k, v in params.items() if v})
    return f"?{query}" if query else ""


def _trail(org: m.Organization, team: m.Team) -> list[m.Team]:
    """The team's parents, the company first."""
    trail: list[m.Team] = []
    parent = team.parent
    while parent is not None and parent in org.teams and len(trail) < len(org.teams):
        trail.insert(0, org.teams[parent])
        parent = org.teams[parent].parent
    return trail


def _closer(org: m.Organization) -> str:
    root = org.root_team
    if root is not None and root.lead:
        return f"the lead of {root.name} ({person_name(org, root.lead)})"
    return "the company's lead"


def _head(review: Review, team: m.Team | None) -> dict[str, Any]:
    """The page's head: the cycle, its state, the switcher, who may close it."""
    org, cycle = review.view.org, review.cycle
    return {
        "nav": "review",
        "cycle": cycle,
        "state": review.state,
        "closed": review.closed,
        "ended": review.ended,
        "projected": review.projected,
        "team": team,
        "team_form": _TeamForm(
            {"cycle": cycle.id, "team": team.id if team else ""}, org=org, as_of=review.view.as_of
        ),
        "in_cycle": len(review.objectives),
        "may_close": review.may_close,
        "closer": _closer(org),
        "trail": _trail(org, team) if team is not None else [],
    }


@dataclass
class _Listing:
    """What the page lists: its own objectives (a page at a time), the others by owner, and
    the groups counted as figures."""

    listed: list[m.Objective]
    others: list[m.Objective]
    counted: list[TeamGroup]
    pager_base: str
    pager_anchor: str

    def pager(self) -> dict[str, str]:
        return {"pager_base": self.pager_base, "pager_anchor": self.pager_anchor}


def _listing(review: Review, team: m.Team | None) -> _Listing:
    """A team's own objectives with its sub-teams counted, or the caller's with the others
    (counted by team when there are too many to list)."""
    org = review.view.org
    if team is not None:
        groups = team_groups(org, review.objectives, team.id)
        listed = groups[0].objectives if groups and not groups[0].whole else []
        base = f"?{urlencode({'team': team.id})}&page="
        return _Listing(listed, [], [g for g in groups if g.whole], base, "#team-heading")
    mine = yours(review)
    listed = [o for o in review.objectives if o.id in mine]
    others = [o for o in review.objectives if o.id not in mine]
    if len(others) > OTHERS_LISTED:
        return _Listing(listed, [], team_groups(org, review.objectives), "?page=", "#yours-heading")
    return _Listing(listed, others, [], "?page=", "#yours-heading")


def _put_acted(cards: list[ObjectiveCard], shown: list[m.Objective], acted: ObjectiveCard) -> None:
    """The card a write answers with, in its place; first when the page moved on since."""
    for i, card in enumerate(cards):
        if card.objective.id == acted.objective.id:
            cards[i] = acted
            return
    acted.level = 3
    cards.insert(0, acted)
    shown.insert(0, acted.objective)


def _others(rest: list[ObjectiveCard]) -> dict[str, Any]:
    """The other objectives' cards, by owner."""
    grouped: dict[str, list[ObjectiveCard]] = defaultdict(list)
    for card in rest:
        card.level = 4
        grouped[card.owner].append(card)
    return {"others": list(grouped.items()), "open_others": len(rest) <= OTHERS_OPEN}


def review_page(
    request: WebRequest,
    cycle_id: str,
    *,
    team_id: str | None = None,
    page_number: str | None = None,
    acted: ObjectiveCard | None = None,
    status: int = 200,
) -> HttpResponse:
    review = review_get(audience=request.caller.audience, cycle_id=cycle_id, as_of=clock.today())
    team = review.view.org.teams.get(team_id) if team_id else None
    listing = _listing(review, team)
    page: Page[m.Objective] = Paginator(listing.listed, PER_PAGE).get_page(page_number)
    shown = list(page.object_list)
    cards = objective_cards(review, shown + listing.others)
    if acted is not None:
        _put_acted(cards, shown, acted)
    reflected = reflected_get(review)
    here = reverse("web:review", args=[cycle_id])
    context = _head(review, team) | _others(cards[len(shown) :]) | listing.pager()
    context |= {
        "page": page,
        "cards": cards[: len(shown)],
        "others_total": len(review.objectives) - len(listing.listed) if team is None else 0,
        "reflections": len(reflected),
        "summary": _summary(review, listing.counted, reflected, here),
        "back_team": team.id if team else None,
        "back_page": str(page.number) if page.number > 1 else None,
    }
    return pages.page(request, "web/review.html", context, view=review.view, status=status)


@signed_in
def review(request: WebRequest, cycle_id: str) -> HttpResponse:
    asked = request.GET.get("cycle")
    if asked and asked != cycle_id:
        # The cycle switcher (a GET form): the review of the cycle chosen, for the same team.
        if asked not in view_of(request).org.cycles:
            raise NotFoundError(f"there is no cycle '{asked}'")
        team = request.GET.get("team")
        query = f"?{urlencode({'team': team})}" if team else ""
        return HttpResponseRedirect(reverse("web:review", args=[asked]) + query)
    return review_page(
        request,
        cycle_id,
        team_id=request.GET.get("team") or None,
        page_number=request.GET.get("page"),
    )
