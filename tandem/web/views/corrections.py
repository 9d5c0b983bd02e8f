"""Correcting, withdrawing and undoing a check-in: the objective page's history links here,
and a saved check-in's card offers Undo for a few minutes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tandem.access.policy import (
    checkin_get_correctable,
    checkin_get_visible,
)
from tandem.checkins.models import CheckIn
from tandem.checkins.services import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    UNCHANGED,
    checkin_correct,
    checkin_undo,
    checkin_withdraw,
)
from tandem.core.checkin_values import value_kind
from tandem.errors import TandemError
from tandem.okrs.selectors import closed_cycles_get
from tandem.organization.wording import number
from tandem.web import pages
from tandem.web.forms import confidence_field
from tandem.web.pages import WebRequest, signed_in
from tandem.web.selectors import key_result_card
from tandem.web.views.checkin import Outcome, card_response, see_other

REASON_HELP = "Everyone who sees the key result reads it in the history, with the original."


class CorrectionForm(forms.Form):
    value = forms.CharField(required=False, max_length=40, label="Value")
    done = forms.BooleanField(required=False, label="Done: the key result is achieved")
    confidence = confidence_field()
    note = forms.CharField(
        required=False, max_length=NOTE_MAX_LENGTH, label="Note", widget=forms.Textarea
    )
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label="Why is it corrected?",
        help_text=REASON_HELP,
        error_messages={"required": "Say why it is corrected."},
    )

    def __init__(self, *args: Any, row: CheckIn, **kwargs: Any) -> None:
        value = row.value
        kwargs.setdefault(
            "initial",
            {
                "value": "" if value is None or isinstance(value, bool) else number_text(value),
                "done": value is True,
                "confidence": row.confidence,
                "note": row.note or "",
            },
        )
        super().__init__(*args, **kwargs)
        kind = value_kind(row.key_result.form)
        if kind != "done":
            del self.fields["done"]
        if kind != "number":
            del self.fields["value"]
        else:
            unit = row.key_result.unit
            self.fields["value"].label = f"Value ({unit})" if unit else "Value"
            # Text, not a number input: the server reads what was typed (a browser's number
            # input sends nothing for "6,70" in some locales and "6.7" in others).
            self.fields["value"].widget.attrs.update({"inputmode": "decimal"})
        self.fields["note"].widget.attrs.update({"rows": 2})

    def value_given(self) -> str | bool | None:
        if "done" in self.fields:
            return bool(self.cleaned_data.get("done"))
        if "value" in self.fields:
            return (self.cleaned_data.get("value") or "").strip() or None
        return None


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label="Why is it withdrawn?",
        help_text=REASON_HELP,
        error_messages={"required": "Say why it is withdrawn."},
    )


def number_text(value: float) -> str:
    """A stored number as the form shows it: no thousands spaces, so it reads back as typed."""
    return number(value).replace(" ", "")


def _allowed(request: WebRequest, checkin_id: int) -> CheckIn:
    return checkin_get_correctable(request.caller.audience, checkin_id)


def _history(row: CheckIn) -> str:
    return reverse("web:objective", args=[row.key_result.objective_id]) + "#history-heading"


def _context(row: CheckIn, form: forms.Form, action: str) -> dict[str, Any]:
    unit = row.key_result.unit
    value = row.value
    shown = number(value) if value is not None else "no value"
    return {
        "row": row,
        "form": form,
        "action": action,
        "shown_value": f"{shown} {unit}" if unit and value is not None else shown,
        "back": _history(row),
    }


@signed_in
@require_http_methods(["GET", "POST"])
def correct(request: WebRequest, checkin_id: int) -> HttpResponse:
    """Correct a check-in's value, confidence or note, saying why."""
    row = _allowed(request, checkin_id)
    form = CorrectionForm(request.POST or None, row=row)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            refusal = pages.refused(
                form,
                lambda: checkin_correct(
                    checkin_id=row.pk,
                    by_id=request.caller.person,
                    reason=data["reason"],
                    value=form.value_given() if {"value", "done"} & set(form.fields) else UNCHANGED,
                    confidence=data.get("confidence"),
                    note=data.get("note") or None,
                ),
            )
            if refusal is None:
                messages.success(request, f"The check-in on {row.key_result_id} is corrected.")
                return see_other(_history(row))
            status = refusal
    context = _context(row, form, "correct")
    return pages.page(request, "web/checkin_change.html", context, status=status)


@signed_in
@require_http_methods(["GET", "POST"])
def withdraw(request: WebRequest, checkin_id: int) -> HttpResponse:
    """Withdraw a check-in, saying why: it stays in the history and counts nowhere."""
    row = _allowed(request, checkin_id)
    form = WithdrawForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            refusal = pages.refused(
                form,
                lambda: checkin_withdraw(
                    checkin_id=row.pk,
                    by_id=request.caller.person,
                    reason=form.cleaned_data["reason"],
                ),
            )
            if refusal is None:
                messages.success(request, f"The check-in on {row.key_result_id} is withdrawn.")
                return see_other(_history(row))
            status = refusal
    context = _context(row, form, "withdraw")
    return pages.page(request, "web/checkin_change.html", context, status=status)


@require_POST
@signed_in
def undo(request: WebRequest, checkin_id: int) -> HttpResponse:
    """Undo one's own check-in within minutes of saving it (a withdrawal, reason "undone");
    answered with the key result's card (HTMX) or a redirect back."""
    row = checkin_get_visible(request.caller.audience, checkin_id)
    page_name = "objective" if request.POST.get("page") == "objective" else "home"
    back = (
        reverse("web:objective", args=[row.key_result.objective_id])
        if page_name == "objective"
        else reverse("home")
    ) + f"#kr-{row.key_result_id}"
    problem: str | None = None
    try:
        checkin_undo(checkin_id=row.pk, by_id=request.caller.person, now=timezone.now())
    except TandemError as exc:
        if exc.status in (403, 404):
            raise
        problem = exc.message
    if not pages.is_htmx(request):
        if problem:
            messages.error(request, problem)
        else:
            messages.success(request, f"Check-in on {row.key_result_id} undone.")
        return see_other(back)
    view = pages.view_of(request)
    card = key_result_card(view, row.key_result_id, request.caller.audience, closed_cycles_get())
    outcome = Outcome(undone=problem is None, problem=problem)
    return card_response(request, page_name, card, None, outcome=outcome)


urlpatterns = [
    path("check-ins/<int:checkin_id>/correct", correct, name="checkin_correct"),
    path("check-ins/<int:checkin_id>/withdraw", withdraw, name="checkin_withdraw"),
    path("check-ins/<int:checkin_id>/undo", undo, name="checkin_undo"),
]
