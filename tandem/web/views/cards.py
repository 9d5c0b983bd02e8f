"""The check-in form every key result card carries, and the card with its form, as My OKRs
and the objective page show them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from tandem.checkins.models import CheckIn
from tandem.checkins.services import UNDO_WINDOW, CheckInJumpError
from tandem.web.forms import confidence_field
from tandem.web.pages import WebRequest
from tandem.web.selectors import KeyResultCard


class CheckInForm(forms.Form):
    """A check-in on one key result; which value it asks for depends on the metric."""

    value = forms.CharField(required=False, max_length=40, label="New value")
    # The value the person confirmed, as typed, when Tandem asked ("67 ms? The last check-in
    # was 680 ms."): sent by the "Yes, record 67 ms" button.
    confirm = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    done = forms.BooleanField(required=False, label="Done")
    confidence = confidence_field()
    note = forms.CharField(required=False, max_length=5000, label="Note", widget=forms.Textarea)
    tick = forms.TypedMultipleChoiceField(
        required=False, coerce=int, label="Milestones done", widget=forms.CheckboxSelectMultiple
    )
    # The milestones shown as done when the form was drawn: only what the person changed
    # since is applied, so a tick someone else made meanwhile is not undone.
    shown = forms.TypedMultipleChoiceField(
        required=False, coerce=int, widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args: Any, card: KeyResultCard, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"checkin-{card.id}-%s")
        done = [ms.index for ms in card.milestones if ms.done]
        kwargs.setdefault(
            "initial",
            {
                "confidence": card.confidence,
                "done": card.current == "done",
                "tick": done,
                "shown": done,
            },
        )
        super().__init__(*args, **kwargs)
        self.card = card
        # Set when the value needs confirming: the question the card asks.
        self.jump: CheckInJumpError | None = None
        self._value_fields(card)
        self._milestone_fields(card)
        confidence = self.fields["confidence"].widget
        confidence.attrs.update(
            {
                "min": 0,
                "max": 10,
                "step": 1,
                "aria-describedby": f"checkin-{card.id}-confidence-help",
            }
        )
        self.fields["note"].widget.attrs.update({"rows": 2})

    def _value_fields(self, card: KeyResultCard) -> None:
        """The value the metric takes (:func:`tandem.core.checkin_values.value_kind`): a
        number, done or not, or none."""
        if card.value_kind != "number":
            del self.fields["value"]
        else:
            self.fields["value"].label = f"New value ({card.unit})" if card.unit else "New value"
            # Text, not a number input: the service reads what was typed and says what is
            # wrong with it ("6,70" is ambiguous), where a browser's number input would send
            # nothing, or its own reading, depending on its language.
            self.fields["value"].widget = forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "autocomplete": "off",
                    "aria-describedby": f"checkin-{card.id}-value-help",
                }
            )
        if card.value_kind != "done":
            del self.fields["done"]
        else:
            self.fields["done"].label = "Done: the key result is achieved"

    def _milestone_fields(self, card: KeyResultCard) -> None:
        """The milestones to tick, for whoever may tick them."""
        if not card.may_tick:
            del self.fields["tick"]
            del self.fields["shown"]
            return
        tick = self.fields["tick"]
        assert isinstance(tick, forms.TypedMultipleChoiceField)
        tick.choices = [(ms.index, ms.title) for ms in card.milestones]
        shown = self.fields["shown"]
        assert isinstance(shown, forms.TypedMultipleChoiceField)
        shown.choices = tick.choices

    def clean_value(self) -> str | None:
        # The text as typed: what it is (a number, "6,70"...) is the check-in service's to say.
        return (self.cleaned_data.get("value") or "").strip() or None

    def checkin_value(self) -> str | bool | None:
        if "done" in self.fields:
            return bool(self.cleaned_data.get("done"))
        value: str | None = self.cleaned_data.get("value")
        return value

    def confirmed(self) -> bool:
        """Whether the person confirmed this very value (not one they typed before)."""
        value = self.cleaned_data.get("value")
        return value is not None and (self.cleaned_data.get("confirm") or "").strip() == value


@dataclass(frozen=True)
class CardItem:
    """A key result card with its check-in form (and, on the objective page, its chart)."""

    card: KeyResultCard
    form: CheckInForm | None
    chart: dict[str, Any] | None = None
    # The check-in just saved on it, which the card offers to undo.
    undo: int | None = None


def card_item(
    card: KeyResultCard,
    bound: dict[str, CheckInForm] | None = None,
    chart: dict[str, Any] | None = None,
    undo: dict[str, int] | None = None,
) -> CardItem:
    form = None
    if card.may_check_in:
        form = (bound or {}).get(card.id) or CheckInForm(card=card)
    return CardItem(card, form, chart, (undo or {}).get(card.id))


def undo_offered(request: WebRequest) -> dict[str, int]:
    """After a check-in saved without JavaScript (``?undo=<id>``): its key result and id, while
    its author may still undo it (one query, only then)."""
    text = request.GET.get("undo", "")
    person = request.caller.person
    if not (re.fullmatch(r"[0-9]{1,18}", text) and person):
        return {}
    found = (
        CheckIn.objects.filter(
            pk=int(text),
            author_id=person,
            withdrawn=False,
            created_at__gte=timezone.now() - UNDO_WINDOW,
        )
        .values_list("key_result_id", flat=True)
        .first()
    )
    return {found: int(text)} if found else {}
