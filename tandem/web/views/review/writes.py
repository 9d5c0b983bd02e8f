"""The cycle review's forms: grading a key result by hand, writing an objective's
reflection, closing and reopening the cycle. Each parses, calls the review's service
(:mod:`tandem.organization.review.services`, which asks the one policy) and answers with the
objective's card (HTMX), the page again (errors without JavaScript) or a redirect.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem import clock
from tandem.errors import ConflictError, InvalidError, StaleVersionError
from tandem.okrs.checks import UNSET, Unset
from tandem.okrs.models import Cycle
from tandem.organization.review.selectors import review_get, yours
from tandem.organization.review.services import (
    key_result_gradable,
    objective_reflectable,
    review_cycle_close,
    review_cycle_reopen,
    review_reflection_save,
    review_score_set,
)
from tandem.web import pages
from tandem.web.pages import FormState, WebRequest, form_state, signed_in, view_of
from tandem.web.views.review.page import (
    ObjectiveCard,
    back_query,
    objective_cards,
    page_number_of,
    review_page,
)


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


def _back(request: WebRequest) -> tuple[str | None, str | None]:
    """The team and page of the review the form was on."""
    team = request.POST.get("team") or None
    team = team if team in view_of(request).org.teams else None
    return team, page_number_of(request.POST.get("page"))


def _put_form(card: ObjectiveCard, state: FormState, row_id: str | None) -> None:
    """What was typed, on the key result's form it was typed in, else the reflection's."""
    target = next((r for r in card.rows if r.key_result.id == row_id), None)
    if target is not None:
        target.form = state
    else:
        card.form = state


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
    team, page_number = _back(request)
    if status == 200 and not pages.is_htmx(request):
        messages.success(request, notice)
        back = reverse("web:review", args=[cycle_id]) + back_query(team, page_number)
        return HttpResponseRedirect(f"{back}#objective-{objective_id}", status=303)
    review = review_get(audience=request.caller.audience, cycle_id=cycle_id, as_of=clock.today())
    card = objective_cards(review, [review.view.org.objectives[objective_id]])[0]
    card.notice = notice
    if form_state is not None:
        _put_form(card, form_state, row_id)
    if not pages.is_htmx(request):
        return review_page(
            request, cycle_id, team_id=team, page_number=page_number, acted=card, status=status
        )
    card.level = 3 if team or objective_id in yours(review) else 4
    context = {"card": card, "closed": review.closed, "projected": review.projected}
    context |= {"back_team": team, "back_page": page_number}
    return render(request, "web/_review_objective.html", context, status=status)


def _score_save(request: WebRequest, form: _OverrideForm, key_result_id: str) -> tuple[int, str]:
    """Grade the key result as the valid ``form`` says: the status and the notice."""
    clear = form.cleaned_data["clear"]
    score = None if clear else float(form.cleaned_data["score"])
    try:
        review_score_set(
            audience=request.caller.audience,
            key_result_id=key_result_id,
            score=score,
            reason="" if clear else form.cleaned_data["reason"],
            version=form.cleaned_data.get("version"),
        )
    except InvalidError as exc:
        form.add_error(None, exc.message)
        return 422, ""
    except StaleVersionError:
        form.add_error(
            None,
            f"Someone changed {key_result_id} since you opened the page: here it is as it "
            "is now; what you typed is kept, save again if it still holds.",
        )
        return 409, ""
    if clear:
        return 200, f"{key_result_id} is graded with its computed score again."
    return 200, f"{key_result_id} is graded {score:.2g} by hand; the reason is kept with it."


@signed_in
@require_POST
def review_score(request: WebRequest, cycle_id: str, key_result_id: str) -> HttpResponse:
    key_result = key_result_gradable(
        audience=request.caller.audience, key_result_id=key_result_id, cycle_id=cycle_id
    )
    form = _OverrideForm(request.POST)
    status, notice = _score_save(request, form, key_result_id) if form.is_valid() else (422, "")
    return _answer(
        request,
        cycle_id,
        key_result.objective_id,
        notice=notice,
        status=status,
        form_state=form_state(request, form) if status != 200 else None,
        row_id=key_result_id,
    )


def _reflection_save(request: WebRequest, form: _ReflectionForm, objective_id: str) -> int:
    """Save the reflection the valid ``form`` holds: the status."""
    try:
        review_reflection_save(
            audience=request.caller.audience,
            objective_id=objective_id,
            text=form.cleaned_data["text"],
            based_on=form.based_on_time(),
        )
    except InvalidError as exc:
        form.add_error("text" if exc.field == "text" else None, exc.message)
        return 422
    except (StaleVersionError, ConflictError) as exc:  # changed meanwhile; a closed cycle
        form.add_error(None, exc.message[:1].upper() + exc.message[1:])
        return 409
    return 200


@signed_in
@require_POST
def review_reflection(request: WebRequest, cycle_id: str, objective_id: str) -> HttpResponse:
    objective_reflectable(
        audience=request.caller.audience, objective_id=objective_id, cycle_id=cycle_id
    )
    form = _ReflectionForm(request.POST)
    status = _reflection_save(request, form, objective_id) if form.is_valid() else 422
    return _answer(
        request,
        cycle_id,
        objective_id,
        notice=f"Your reflection on {objective_id} is saved." if status == 200 else "",
        status=status,
        form_state=form_state(request, form) if status != 200 else None,
    )


@signed_in
@require_POST
def review_state(request: WebRequest, cycle_id: str) -> HttpResponse:
    """Close the cycle (read-only but for grading), or reopen it."""
    audience = request.caller.audience
    if request.POST.get("state") == "closed":
        review_cycle_close(audience=audience, cycle_id=cycle_id)
        notice = (
            f"{cycle_id} is closed: its OKRs are read-only, and scores may still be overridden."
        )
    else:
        cycle = review_cycle_reopen(audience=audience, cycle_id=cycle_id)
        notice = f"{cycle_id} is open again ({Cycle.State(cycle.state).label.lower()})."
    messages.success(request, notice)
    return HttpResponseRedirect(reverse("web:review", args=[cycle_id]), status=303)
