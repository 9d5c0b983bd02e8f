"""The cycle review: each objective's score (computed, or overridden with a reason), a short
reflection per objective, and closing (or reopening) the cycle.

Scores follow SPEC section 2 ("Grading"): before the cycle ends the engine has none, so the
page shows the projected ones, computed as if the cycle ended with what is recorded today.

The page lists a bounded number of objectives: by default the caller's own (owned by them or
by a team they belong to or lead), a page at a time, then the others they may see — grouped
by owner when they are few, else as figures per team. ``?team=<id>`` lists one team's own
objectives (a page at a time) with its sub-teams' figures. Every figure covers everything the
caller may see in the cycle.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from tandem import clock
from tandem.access.policy import (
    key_result_get_visible,
    may_edit_objective,
    objective_get_visible,
    require,
)
from tandem.core import model as m
from tandem.core.engine import Evaluation, KeyResultResult, ObjectiveResult, round_score
from tandem.core.visibility import Audience
from tandem.errors import ConflictError, InvalidError, NotFoundError, StaleVersionError
from tandem.okrs.models import Cycle, KeyResult, Reflection
from tandem.okrs.reviews import reflection_save
from tandem.okrs.selectors import cycle_closed
from tandem.okrs.services import UNSET, Unset, cycle_state_set, key_result_score_override
from tandem.organization.cache import View
from tandem.web import pages
from tandem.web.pages import WebRequest, owner_name, person_name, signed_in, view_of
from tandem.web.views.dependencies import FormState, may_edit, own_teams
from tandem.web.views.exports import QuickSelect, TeamGroup, team_groups, team_tree

# What an objective needs to count as met (SPEC: committed 1.0, aspirational 0.7).
EXPECTED = {m.Kind.COMMITTED: 1.0, m.Kind.ASPIRATIONAL: 0.7}
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
    level: int = 3
    form: FormState = field(default_factory=FormState)
    notice: str = ""

    @property
    def expected(self) -> float:
        return EXPECTED[self.objective.kind]


# --- the scores as of the cycle's end ----------------------------------------------------


class _EndEvaluations:
    """The evaluation as of a cycle's end, kept with the view it was asked for.

    Before a cycle ends, its (projected) scores come from a second evaluation of everything
    the caller may see, as of the cycle's end: a quarter of a second for 10,000 people. The
    organisation's cache holds a few evaluations shared by every page and day, and lets this
    one go first; here it is kept as long as the view of today it goes with (the same object
    while nothing changes; a new one after any change, which then asks again, and the
    organisation's cache brings its own up to date with the new check-ins only).
    """

    HELD = 8

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.held: OrderedDict[tuple[int, str], tuple[weakref.ref[View], Evaluation]] = (
            OrderedDict()
        )

    def get(self, request: WebRequest, view: View, cycle: m.Cycle) -> Evaluation:
        key = (id(view), cycle.id)
        with self.lock:
            found = self.held.get(key)
            if found is not None and found[0]() is view:
                self.held.move_to_end(key)
                return found[1]
        evaluation = view_of(request, as_of=cycle.end).evaluation
        with self.lock:
            for gone in [k for k, (ref, _e) in self.held.items() if ref() is None]:
                del self.held[gone]
            self.held[key] = (weakref.ref(view), evaluation)
            while len(self.held) > self.HELD:
                self.held.popitem(last=False)
        return evaluation


_end_evaluations = _EndEvaluations()


def _graded(request: WebRequest, view: View, cycle: m.Cycle) -> tuple[Evaluation, bool]:
    """The evaluation that has the cycle's scores, and whether they are projected."""
    if view.evaluation.cycles[cycle.id].ended:
        return view.evaluation, False
    return _end_evaluations.get(request, view, cycle), True


# --- the cards -----------------------------------------------------------------------------


def _cards(
    request: WebRequest, view: View, evaluation: Evaluation, objectives: list[m.Objective]
) -> list[ObjectiveCard]:
    """The cards of ``objectives``, with two queries for what the engine does not hold: who
    overrode a score and when, and the reflections (of those objectives only)."""
    org = view.org
    # Never an empty IN (), which Django answers without a query: the page then makes the
    # same queries whatever it shows.
    ids = [o.id for o in objectives] or [""]
    # Each key result's version (an override is based on it) and who overrode it, when.
    stored = {
        kid: (version, by, at)
        for kid, version, by, at in KeyResult.objects.filter(objective_id__in=ids).values_list(
            "id", "version", "override_by_id", "override_at"
        )
    }
    reflections = {
        oid: (text, person_name(org, by) if by else "someone", at)
        for oid, text, by, at in Reflection.objects.filter(objective_id__in=ids).values_list(
            "objective_id", "text", "by_id", "at"
        )
    }
    audience = request.caller.audience
    cards = []
    for objective in objectives:
        rows = []
        for kid in objective.key_results:
            graded = evaluation.key_results[kid]
            version, by, at = stored.get(kid, (None, None, None))
            rows.append(
                KeyResultRow(
                    org.key_results[kid],
                    _as_today(view.evaluation.key_results[kid], graded),
                    round_score(graded.progress),
                    graded.score,
                    person_name(org, by) if by else "",
                    at,
                    version,
                )
            )
        cards.append(
            ObjectiveCard(
                objective,
                owner_name(org, objective.owner),
                _as_today(
                    view.evaluation.objectives[objective.id], evaluation.objectives[objective.id]
                ),
                rows,
                reflections.get(objective.id),
                may_edit(audience, objective),
            )
        )
    return cards


_Result = TypeVar("_Result", KeyResultResult, ObjectiveResult)


def _as_today(today: _Result, graded: _Result) -> _Result:
    """What the page shows of a key result or objective: its progress, expected progress and
    health as of today, as every other page shows them; its score (projected, before the cycle
    ends) from the evaluation as of the cycle's end."""
    if today is graded:
        return today
    if isinstance(today, ObjectiveResult) and isinstance(graded, ObjectiveResult):
        return replace(today, score=graded.score, met_expectation=graded.met_expectation)
    return replace(today, score=graded.score)


def _is_yours(mine: Audience, objective: m.Objective) -> bool:
    """Owned by the caller, by a team they belong to or lead, or an umbrella they own (the
    objectives of the teams below the ones they lead are reached through those teams)."""
    me = mine.person
    owner = objective.owner
    return me is not None and (
        owner == me
        or owner in mine.teams
        or (objective.umbrella is not None and objective.umbrella.owner == me)
    )


def _summary(
    view: View, evaluation: Evaluation, groups: list[TeamGroup], reflected: set[str], query: str
) -> list[dict[str, Any]]:
    """Each group's figures: objectives, mean score, how many met their expectation, scores
    overridden and reflections written."""
    key_results = view.org.key_results
    rows = []
    for group in groups:
        if not group.whole and not group.objectives:
            continue  # a team with sub-teams but nothing of its own
        results = [evaluation.objectives[o.id] for o in group.objectives]
        scores = [r.score for r in results if r.score is not None]
        judged = [r.met_expectation for r in results if r.met_expectation is not None]
        rows.append(
            {
                "team": group.team,
                "whole": group.whole,
                "sub_teams": group.sub_teams,
                "objectives": len(results),
                "mean_score": sum(scores) / len(scores) if scores else None,
                "met": sum(judged),
                "judged": len(judged),
                "overridden": sum(
                    1
                    for o in group.objectives
                    for kid in o.key_results
                    if key_results[kid].score_override is not None
                ),
                "reflections": sum(1 for o in group.objectives if o.id in reflected),
                "url": f"{query}?{urlencode({'team': group.team.id})}",
            }
        )
    return rows


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


def _page_number(value: str | None) -> str | None:
    return value if value and value.isdigit() else None


def _back_query(team: str | None, page: str | None) -> str:
    """Where a write sends the caller back: the same team and page of the review."""
    params = {"team": team or "", "page": page or ""}
    query = urlencode({k: v for k, v in params.items() if v})
    return f"?{query}" if query else ""


def _page(
    request: WebRequest,
    cycle_id: str,
    *,
    team_id: str | None = None,
    page_number: str | None = None,
    acted: ObjectiveCard | None = None,
    status: int = 200,
) -> HttpResponse:
    view = view_of(request)
    org = view.org
    cycle = org.cycles.get(cycle_id)
    state = Cycle.objects.filter(id=cycle_id).values_list("state", flat=True).first()
    if cycle is None or state is None:
        raise NotFoundError(f"there is no cycle '{cycle_id}'")
    evaluation, projected = _graded(request, view, cycle)
    team = org.teams.get(team_id) if team_id else None
    in_cycle = [o for o in org.objectives.values() if o.cycle == cycle.id]
    here = reverse("web:review", args=[cycle_id])
    context: dict[str, Any] = {
        "nav": "review",
        "cycle": cycle,
        "state": state,
        "closed": state == Cycle.State.CLOSED,
        "ended": view.evaluation.cycles[cycle.id].ended,
        "projected": projected,
        "team": team,
        "team_form": _TeamForm(
            {"cycle": cycle.id, "team": team.id if team else ""}, org=org, as_of=view.as_of
        ),
        "in_cycle": len(in_cycle),
        "may_close": _may_close(request, view),
        "closer": _closer(org),
    }
    summary_groups: list[TeamGroup] = []
    others: list[m.Objective] = []
    if team is not None:
        groups = team_groups(org, in_cycle, team.id)
        listed = groups[0].objectives if groups and not groups[0].whole else []
        summary_groups = [g for g in groups if g.whole]
        context["trail"] = _trail(org, team)
        base = f"?{urlencode({'team': team.id})}&page="
        anchor = "#team-heading"
    else:
        mine = own_teams(request.caller.audience, org)
        listed = [o for o in in_cycle if _is_yours(mine, o)]
        others = [o for o in in_cycle if not _is_yours(mine, o)]
        if len(others) > OTHERS_LISTED:
            summary_groups = team_groups(org, in_cycle)
            others = []
        base, anchor = "?page=", "#yours-heading"
    page: Page[m.Objective] = Paginator(listed, PER_PAGE).get_page(page_number)
    shown = list(page.object_list)
    cards = _cards(request, view, evaluation, shown + others)
    if acted is not None:
        found = False
        for i, card in enumerate(cards):
            if card.objective.id == acted.objective.id:
                cards[i], found = acted, True
        if not found:  # the page moved on since: show it first
            acted.level = 3
            cards.insert(0, acted)
            shown.insert(0, acted.objective)
    main, rest = cards[: len(shown)], cards[len(shown) :]
    grouped: dict[str, list[ObjectiveCard]] = defaultdict(list)
    for card in rest:
        card.level = 4
        grouped[card.owner].append(card)
    # Which objectives have a reflection, counted over all the caller may see in the cycle.
    reflected = {o.id for o in in_cycle}.intersection(
        Reflection.objects.filter(objective__cycle_id=cycle.id).values_list(
            "objective_id", flat=True
        )
    )
    back_team = team.id if team else None
    back_page = str(page.number) if page.number > 1 else None
    context |= {
        "page": page,
        "cards": main,
        "others": list(grouped.items()),
        "others_total": len(in_cycle) - len(listed) if team is None else 0,
        "reflections": len(reflected),
        "open_others": len(rest) <= OTHERS_OPEN,
        "summary": _summary(view, evaluation, summary_groups, reflected, here),
        "pager_base": base,
        "pager_anchor": anchor,
        "back_team": back_team,
        "back_page": back_page,
    }
    return pages.page(request, "web/review.html", context, view=view, status=status)


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


def _may_close(request: WebRequest, view: View) -> bool:
    """Org admins and the company's lead close and reopen cycles."""
    root = view.org.root_team
    caller = request.caller
    return caller.admin or (
        root is not None and caller.person is not None and root.lead == caller.person
    )


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
    return _page(
        request,
        cycle_id,
        team_id=request.GET.get("team") or None,
        page_number=request.GET.get("page"),
    )


# --- grading and reflecting --------------------------------------------------------------------


class _OverrideForm(forms.Form):
    clear = forms.BooleanField(required=False)
    score = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(1),
        # Any score from 0 to 1 with up to two decimals (0.73), as a grade is written.
        decimal_places=2,
        error_messages={
            "invalid": "Write the score as a number between 0.0 and 1.0, such as 0.7.",
            "min_value": "A score is 0.0 or more.",
            "max_value": "A score is 1.0 at most.",
            "max_decimal_places": "Give the score with two decimals at most, such as 0.73.",
        },
    )
    reason = forms.CharField(required=False)
    # The key result's version when the page was drawn (absent: no check).
    version = forms.IntegerField(required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("clear"):
            if data.get("score") is None and "score" not in self.errors:
                self.add_error("score", "Give the score you grade it with, between 0.0 and 1.0.")
            if not data.get("reason"):
                self.add_error(
                    "reason", "Say why the computed score is overridden (a reason is required)."
                )
        return data


class _ReflectionForm(forms.Form):
    text = forms.CharField(
        error_messages={
            "required": "Write a few words: what worked, what did not, what you would change."
        }
    )
    # When the reflection shown was saved ("": there was none; absent: no check).
    based_on = forms.CharField(required=False, strip=True)

    def based_on_time(self) -> datetime | Unset | None:
        if "based_on" not in self.data:
            return UNSET
        text = self.cleaned_data.get("based_on") or ""
        try:
            return datetime.fromisoformat(text) if text else None
        except ValueError:
            return UNSET


def _answer(
    request: WebRequest,
    cycle_id: str,
    objective_id: str,
    *,
    notice: str,
    status: int,
    form_state: FormState | None = None,
    row_id: str | None = None,
) -> HttpResponse:
    """After a write: the objective's card (HTMX), the page again (errors without JavaScript)
    or a redirect with the notice, to the team and page of the review the form was on."""
    view = view_of(request)
    team = request.POST.get("team") or None
    team = team if team in view.org.teams else None
    page_number = _page_number(request.POST.get("page"))
    if status == 200 and not pages.is_htmx(request):
        messages.success(request, notice)
        back = reverse("web:review", args=[cycle_id]) + _back_query(team, page_number)
        return HttpResponseRedirect(f"{back}#objective-{objective_id}", status=303)
    cycle = view.org.cycles[cycle_id]
    evaluation, projected = _graded(request, view, cycle)
    card = _cards(request, view, evaluation, [view.org.objectives[objective_id]])[0]
    card.notice = notice
    if form_state is not None:
        target = next((r for r in card.rows if r.key_result.id == row_id), None)
        if target is not None:
            target.form = form_state
        else:
            card.form = form_state
    if pages.is_htmx(request):
        mine = own_teams(request.caller.audience, view.org)
        card.level = 3 if team or _is_yours(mine, card.objective) else 4
        context = {
            "card": card,
            "closed": _is_closed(cycle_id),
            "projected": projected,
            "back_team": team,
            "back_page": page_number,
        }
        return render(request, "web/_review_objective.html", context, status=status)
    return _page(
        request, cycle_id, team_id=team, page_number=page_number, acted=card, status=status
    )


def _is_closed(cycle_id: str) -> bool:
    return cycle_closed(cycle_id)


def _state_of(request: WebRequest, form: forms.Form) -> FormState:
    state = FormState(values={k: str(v) for k, v in request.POST.items()})
    for name, errors in form.errors.items():
        state.errors[name if name != "__all__" else "all"] = [str(e) for e in errors]
    return state


@signed_in
@require_POST
def review_score(request: WebRequest, cycle_id: str, key_result_id: str) -> HttpResponse:
    audience = request.caller.audience
    key_result = key_result_get_visible(audience, key_result_id)
    objective = key_result.objective
    if objective.cycle_id != cycle_id or key_result_id not in view_of(request).org.key_results:
        raise NotFoundError(f"there is no key result '{key_result_id}' in cycle {cycle_id}")
    require(
        may_edit_objective(audience, objective),
        f"only whoever may change {objective.id} grades its key results",
    )
    form = _OverrideForm(request.POST)
    notice, status = "", 422
    if form.is_valid():
        clear = form.cleaned_data["clear"]
        score = None if clear else float(form.cleaned_data["score"])
        try:
            key_result_score_override(
                key_result_id=key_result_id,
                score=score,
                reason="" if clear else form.cleaned_data["reason"],
                by_id=request.caller.person,
                version=form.cleaned_data.get("version"),
            )
        except InvalidError as exc:
            form.add_error(None, exc.message)
        except StaleVersionError:
            form.add_error(
                None,
                f"Someone changed {key_result_id} since you opened the page: here it is as it "
                "is now; what you typed is kept, save again if it still holds.",
            )
            status = 409
        else:
            status = 200
            notice = (
                f"{key_result_id} is graded with its computed score again."
                if clear
                else f"{key_result_id} is graded {score:.2g} by hand; the reason is kept with it."
            )
    return _answer(
        request,
        cycle_id,
        objective.id,
        notice=notice,
        status=status,
        form_state=_state_of(request, form) if status != 200 else None,
        row_id=key_result_id,
    )


@signed_in
@require_POST
def review_reflection(request: WebRequest, cycle_id: str, objective_id: str) -> HttpResponse:
    audience = request.caller.audience
    objective = objective_get_visible(audience, objective_id)
    if objective.cycle_id != cycle_id or objective_id not in view_of(request).org.objectives:
        raise NotFoundError(f"there is no objective '{objective_id}' in cycle {cycle_id}")
    require(
        may_edit_objective(audience, objective),
        f"only whoever may change {objective.id} writes its reflection",
    )
    form = _ReflectionForm(request.POST)
    notice, status = "", 422
    if form.is_valid():
        try:
            reflection_save(
                objective_id=objective_id,
                text=form.cleaned_data["text"],
                by_id=request.caller.person,
                based_on=form.based_on_time(),
            )
        except InvalidError as exc:
            form.add_error("text" if exc.field == "text" else None, exc.message)
        except StaleVersionError as exc:
            form.add_error(None, exc.message[:1].upper() + exc.message[1:])
            status = 409
        except ConflictError as exc:
            form.add_error(None, exc.message[:1].upper() + exc.message[1:])
            status = 409
        else:
            status, notice = 200, f"Your reflection on {objective_id} is saved."
    return _answer(
        request,
        cycle_id,
        objective_id,
        notice=notice,
        status=status,
        form_state=_state_of(request, form) if status != 200 else None,
    )


@signed_in
@require_POST
def review_state(request: WebRequest, cycle_id: str) -> HttpResponse:
    """Close the cycle (read-only but for grading), or reopen it."""
    view = view_of(request)
    cycle = view.org.cycles.get(cycle_id)
    if cycle is None:
        raise NotFoundError(f"there is no cycle '{cycle_id}'")
    require(
        _may_close(request, view), "only org admins and the company's lead close or reopen a cycle"
    )
    if request.POST.get("state") == "closed":
        cycle_state_set(cycle_id=cycle_id, state=Cycle.State.CLOSED)
        notice = (
            f"{cycle_id} is closed: its OKRs are read-only, and scores may still be overridden."
        )
    else:
        reopened = Cycle.State.PLANNING if clock.today() < cycle.start else Cycle.State.ACTIVE
        cycle_state_set(cycle_id=cycle_id, state=reopened)
        notice = f"{cycle_id} is open again ({reopened.label.lower()})."
    messages.success(request, notice)
    return HttpResponseRedirect(reverse("web:review", args=[cycle_id]), status=303)


urlpatterns = [
    path("cycles/<str:cycle_id>/review", review, name="review"),
    path("cycles/<str:cycle_id>/review/state", review_state, name="review_state"),
    path(
        "cycles/<str:cycle_id>/review/key-results/<str:key_result_id>/score",
        review_score,
        name="review_score",
    ),
    path(
        "cycles/<str:cycle_id>/review/objectives/<str:objective_id>/reflection",
        review_reflection,
        name="review_reflection",
    ),
]
