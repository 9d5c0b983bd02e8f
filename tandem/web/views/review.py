"""The cycle review: each objective's score (computed, or overridden with a reason), a short
reflection per objective, and closing (or reopening) the cycle.

Scores follow SPEC section 2 ("Grading"): before the cycle ends the engine has none, so the
page shows the projected ones, computed as if the cycle ended with what is recorded today.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from tandem.access.policy import (
    key_result_get_visible,
    may_edit_objective,
    objective_get_visible,
    require,
)
from tandem.core import model as m
from tandem.core.engine import Evaluation, KeyResultResult, ObjectiveResult, round_score
from tandem.errors import ConflictError, InvalidError, NotFoundError, StaleVersionError
from tandem.okrs.models import Cycle, KeyResult, Reflection
from tandem.okrs.reviews import reflection_save
from tandem.okrs.services import UNSET, Unset, cycle_state_set, key_result_score_override
from tandem.organization.reporting import View
from tandem.web import pages
from tandem.web.pages import WebRequest, owner_name, person_name, signed_in, view_of
from tandem.web.views.dependencies import FormState, may_edit, own_teams

# What an objective needs to count as met (SPEC: committed 1.0, aspirational 0.7).
EXPECTED = {m.Kind.COMMITTED: 1.0, m.Kind.ASPIRATIONAL: 0.7}


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


def _graded(request: WebRequest, view: View, cycle: m.Cycle) -> tuple[Evaluation, bool]:
    """The evaluation that has the cycle's scores, and whether they are projected."""
    if view.evaluation.cycles[cycle.id].ended:
        return view.evaluation, False
    return view_of(request, as_of=cycle.end).evaluation, True


def _cards(
    request: WebRequest, view: View, cycle: m.Cycle, only: str | None = None
) -> tuple[list[ObjectiveCard], bool]:
    """The cycle's objectives the caller may see (or just ``only``), with two bulk queries for
    what the engine does not hold: who overrode a score and when, and the reflections."""
    org = view.org
    evaluation, projected = _graded(request, view, cycle)
    objectives = [
        o for o in org.objectives.values() if o.cycle == cycle.id and only in (None, o.id)
    ]
    # Each key result's version (an override is based on it) and who overrode it, when.
    stored = {
        kid: (version, by, at)
        for kid, version, by, at in KeyResult.objects.filter(
            objective__cycle_id=cycle.id
        ).values_list("id", "version", "override_by_id", "override_at")
    }
    reflections = {
        oid: (text, person_name(org, by) if by else "someone", at)
        for oid, text, by, at in Reflection.objects.filter(
            objective__cycle_id=cycle.id
        ).values_list("objective_id", "text", "by_id", "at")
    }
    audience = request.caller.audience
    cards = []
    for objective in objectives:
        rows = []
        for kid in objective.key_results:
            result = evaluation.key_results[kid]
            version, by, at = stored.get(kid, (None, None, None))
            rows.append(
                KeyResultRow(
                    org.key_results[kid],
                    result,
                    round_score(result.progress),
                    result.score,
                    person_name(org, by) if by else "",
                    at,
                    version,
                )
            )
        cards.append(
            ObjectiveCard(
                objective,
                owner_name(org, objective.owner),
                evaluation.objectives[objective.id],
                rows,
                reflections.get(objective.id),
                may_edit(audience, objective),
            )
        )
    return cards, projected


def _may_close(request: WebRequest, view: View) -> bool:
    """Org admins and the company's lead close and reopen cycles."""
    root = view.org.root_team
    caller = request.caller
    return caller.admin or (
        root is not None and caller.person is not None and root.lead == caller.person
    )


def _page(
    request: WebRequest,
    cycle_id: str,
    *,
    acted: ObjectiveCard | None = None,
    status: int = 200,
) -> HttpResponse:
    view = view_of(request)
    cycle = view.org.cycles.get(cycle_id)
    state = Cycle.objects.filter(id=cycle_id).values_list("state", flat=True).first()
    if cycle is None or state is None:
        raise NotFoundError(f"there is no cycle '{cycle_id}'")
    cards, projected = _cards(request, view, cycle)
    if acted is not None:
        cards = [acted if c.objective.id == acted.objective.id else c for c in cards]
    mine = own_teams(request.caller.audience, view.org)
    yours: list[ObjectiveCard] = []
    others: dict[str, list[ObjectiveCard]] = defaultdict(list)
    for card in cards:
        if may_edit(mine, card.objective):
            yours.append(card)
        else:
            card.level = 4
            others[card.owner].append(card)
    root = view.org.root_team
    return pages.page(
        request,
        "web/review.html",
        {
            "nav": "review",
            "cycle": cycle,
            "state": state,
            "closed": state == Cycle.State.CLOSED,
            "ended": view.evaluation.cycles[cycle.id].ended,
            "projected": projected,
            "yours": yours,
            "others": list(others.items()),
            "open_others": sum(len(c) for c in others.values()) <= 12,
            "may_close": _may_close(request, view),
            "closer": (
                f"the lead of {root.name} ({person_name(view.org, root.lead)})"
                if root is not None and root.lead
                else "the company's lead"
            ),
        },
        view=view,
        status=status,
    )


@signed_in
def review(request: WebRequest, cycle_id: str) -> HttpResponse:
    return _page(request, cycle_id)


# --- grading and reflecting --------------------------------------------------------------------


class _OverrideForm(forms.Form):
    clear = forms.BooleanField(required=False)
    score = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(1),
        error_messages={
            "invalid": "Write the score as a number between 0.0 and 1.0, such as 0.7.",
            "min_value": "A score is 0.0 or more.",
            "max_value": "A score is 1.0 at most.",
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
    or a redirect with the notice."""
    if status == 200 and not pages.is_htmx(request):
        messages.success(request, notice)
        back = reverse("web:review", args=[cycle_id])
        return HttpResponseRedirect(f"{back}#objective-{objective_id}", status=303)
    view = view_of(request)
    card = _cards(request, view, view.org.cycles[cycle_id], only=objective_id)[0][0]
    card.notice = notice
    if form_state is not None:
        target = next((r for r in card.rows if r.key_result.id == row_id), None)
        if target is not None:
            target.form = form_state
        else:
            card.form = form_state
    if pages.is_htmx(request):
        mine = own_teams(request.caller.audience, view.org)
        card.level = 3 if may_edit(mine, card.objective) else 4
        context = {
            "card": card,
            "closed": _is_closed(cycle_id),
            "projected": _projected(view, cycle_id),
        }
        return render(request, "web/_review_objective.html", context, status=status)
    return _page(request, cycle_id, acted=card, status=status)


def _is_closed(cycle_id: str) -> bool:
    return Cycle.objects.filter(id=cycle_id, state=Cycle.State.CLOSED).exists()


def _projected(view: View, cycle_id: str) -> bool:
    return not view.evaluation.cycles[cycle_id].ended


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
        reopened = Cycle.State.PLANNING if pages.today() < cycle.start else Cycle.State.ACTIVE
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
