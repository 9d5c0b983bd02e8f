"""My OKRs (``/``) and the check-in form every key result card carries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tandem import clock
from tandem.access.policy import key_result_get_visible, may_check_in, may_edit_objective, require
from tandem.checkins.models import CheckIn
from tandem.checkins.services import UNDO_WINDOW, CheckInJumpError, checkin_record
from tandem.errors import InvalidError, TandemError
from tandem.okrs.models import Milestone
from tandem.okrs.services import key_result_update
from tandem.web import pages
from tandem.web.forms import confidence_field
from tandem.web.pages import WebRequest, signed_in
from tandem.web.selectors import (
    KeyResultCard,
    chart_data,
    closed_cycles_get,
    key_result_card,
    may_edit,
    my_okrs_get,
    objective_summary,
)


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
        kwargs.setdefault(
            "initial",
            {
                "confidence": card.confidence,
                "done": card.current == "done",
                "tick": [ms.index for ms in card.milestones if ms.done],
                "shown": [ms.index for ms in card.milestones if ms.done],
            },
        )
        super().__init__(*args, **kwargs)
        self.card = card
        # Set when the value needs confirming: the question the card asks.
        self.jump: CheckInJumpError | None = None
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
        if card.may_tick:
            tick = self.fields["tick"]
            assert isinstance(tick, forms.TypedMultipleChoiceField)
            tick.choices = [(ms.index, ms.title) for ms in card.milestones]
            shown = self.fields["shown"]
            assert isinstance(shown, forms.TypedMultipleChoiceField)
            shown.choices = tick.choices
        else:
            del self.fields["tick"]
            del self.fields["shown"]
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


@signed_in
def my_okrs(request: WebRequest) -> HttpResponse:
    return home_page(request)


def home_page(
    request: WebRequest, bound: dict[str, CheckInForm] | None = None, status: int = 200
) -> HttpResponse:
    """The page; ``bound`` holds a check-in form sent without JavaScript that had errors."""
    view = pages.view_of(request)
    context: dict[str, Any] = {"nav": "home", "page_name": "home"}
    if request.caller.person is None:
        return pages.page(request, "web/home_no_person.html", context, view=view, status=status)
    mine = my_okrs_get(view, request.caller.audience, closed_cycles_get())
    undo = undo_offered(request)
    context |= {
        "okrs": mine,
        "objectives": [
            (o, [card_item(card, bound, undo=undo) for card in o.key_results])
            for o in mine.objectives
        ],
        "elsewhere": [card_item(card, bound, undo=undo) for card in mine.elsewhere],
    }
    return pages.page(request, "web/home.html", context, view=view, status=status)


# --- check-in ---------------------------------------------------------------------------------


def _milestone_changes(
    key_result_id: str, ticked: list[int], shown: list[int]
) -> list[dict[str, Any]] | None:
    """The key result's milestones with the person's changes applied (ticked today when newly
    done), or None when nothing changes. A change is a difference between what the form
    showed and what was sent: milestones nobody touched keep what is stored now."""
    today = clock.today()
    rows = Milestone.objects.filter(key_result_id=key_result_id).order_by("position")
    newly_done, newly_undone = set(ticked) - set(shown), set(shown) - set(ticked)
    changed = False
    milestones = []
    for index, row in enumerate(rows):
        done_on = row.done_on
        done = done_on is not None and done_on <= today
        if index in newly_done and not done:
            done_on, changed = today, True
        elif index in newly_undone and done:
            done_on, changed = None, True
        milestones.append({"title": row.title, "weight": row.weight, "done_on": done_on})
    return milestones if changed else None


def _record(request: WebRequest, form: CheckInForm) -> CheckIn:
    """Tick milestones (an edit of the key result) and record the check-in, all or nothing."""
    card = form.card
    audience = request.caller.audience
    with transaction.atomic():
        if "tick" in form.fields:
            milestones = _milestone_changes(
                card.id, form.cleaned_data.get("tick") or [], form.cleaned_data.get("shown") or []
            )
            if milestones is not None:
                key_result = key_result_get_visible(audience, card.id)
                require(
                    may_edit_objective(audience, key_result.objective),
                    f"only whoever may change {card.objective} ticks its milestones",
                )
                key_result_update(
                    key_result_id=card.id,
                    version=None,
                    milestones=milestones,
                    by_id=request.caller.person,
                )
        return checkin_record(
            key_result_id=card.id,
            day=clock.today(),
            value=form.checkin_value(),
            confidence=form.cleaned_data.get("confidence"),
            note=(form.cleaned_data.get("note") or "").strip() or None,
            author_id=request.caller.person,
            confirmed="value" not in form.fields or form.confirmed(),
        )


def see_other(url: str) -> HttpResponseRedirect:
    """After a form post, the page to show next (303: the browser fetches it with GET)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _back(page_name: str, card: KeyResultCard) -> str:
    if page_name == "objective":
        return reverse("web:objective", args=[card.objective]) + f"#kr-{card.id}"
    return reverse("home") + f"#kr-{card.id}"


@require_POST
@signed_in
def checkin(request: WebRequest, key_result_id: str) -> HttpResponse:
    """Record a check-in: as POST /api/v1/key-results/{id}/check-ins (same permission, same
    service), answered with the key result's card (HTMX) or a redirect back."""
    audience = request.caller.audience
    key_result = key_result_get_visible(audience, key_result_id)
    require(
        may_check_in(audience, key_result),
        f"only {key_result_id}'s owner, its contributors and whoever may change "
        f"{key_result.objective_id} record its check-ins",
    )
    page_name = "objective" if request.POST.get("page") == "objective" else "home"
    closed = closed_cycles_get()
    view = pages.view_of(request)
    if key_result_id not in view.org.key_results:  # archived
        messages.error(request, f"{key_result_id} is archived: restore it to check in on it.")
        return see_other(reverse("home"))
    card = key_result_card(view, key_result_id, audience, closed)
    form = CheckInForm(request.POST, card=card)
    status = 422
    if form.is_valid():
        try:
            row = _record(request, form)
        except InvalidError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except CheckInJumpError as exc:  # asked on the card: "67 ms? The last check-in was..."
            form.jump = exc
            status = exc.status
        except TandemError as exc:  # closed cycle, archived meanwhile, changed meanwhile
            if exc.status in (403, 404):
                raise
            form.add_error(None, exc.message)
            status = exc.status
        else:
            return _saved(request, page_name, card, row)
    if pages.is_htmx(request):
        return _card_response(request, page_name, card, form, status=status)
    from tandem.web.views.objectives import objective_page  # noqa: PLC0415 (each imports the other)

    if page_name == "objective":
        return objective_page(request, card.objective, {card.id: form}, status=status)
    return home_page(request, {card.id: form}, status=status)


def _saved(
    request: WebRequest, page_name: str, before: KeyResultCard, row: CheckIn
) -> HttpResponse:
    if not pages.is_htmx(request):
        messages.success(request, f"Check-in on {before.id} saved.")
        page, fragment = _back(page_name, before).split("#")
        return see_other(f"{page}?undo={row.pk}#{fragment}")
    view = pages.view_of(request)
    card = key_result_card(view, before.id, request.caller.audience, closed_cycles_get())
    return _card_response(request, page_name, card, None, saved=True, undo=row.pk)


def _card_response(
    request: WebRequest,
    page_name: str,
    card: KeyResultCard,
    form: CheckInForm | None,
    *,
    status: int = 200,
    saved: bool = False,
    undo: int | None = None,
    undone: bool = False,
    problem: str | None = None,
) -> HttpResponse:
    """The key result's card, and after a save the objective's progress row (and, on My OKRs,
    the key result's line in "needs a check-in") swapped out of band.

    ``undo``: the check-in just saved, which its card offers to undo; ``undone`` after an
    undo (which changes the figures as a save does); ``problem``: why an undo was refused."""
    saved = saved or undone
    view = pages.view_of(request)
    chart = None
    if page_name == "objective":
        chart = chart_data(view, card.id)
    item = card_item(card, {card.id: form} if form is not None else None, chart)
    # Where the card sits: on My OKRs, under one of my objectives (with its summary row) or
    # among the key results I help with elsewhere (with a link to its objective).
    mine = page_name == "objective"
    if page_name == "home" and request.caller.person is not None:
        okrs = my_okrs_get(view, request.caller.audience, closed_cycles_get())
        mine = card.objective in okrs.objective_ids
    context = {
        "item": item,
        "page_name": page_name,
        "saved": saved and not undone,
        "undo": undo,
        "undone": undone,
        "problem": problem,
        "kr_heading": "h4" if page_name == "home" and mine else "h3",
        "show_objective": page_name == "home" and not mine,
        "summary": objective_summary(view, card.objective) if saved and mine else None,
        "due": saved and page_name == "home",
    }
    if page_name == "objective":
        objective = view.org.objectives[card.objective]
        context["editable"] = card.closed is False and may_edit(
            request.caller.audience, view.org, objective
        )
    return render(request, "web/_checkin_response.html", context, status=status)


urlpatterns = [
    path("key-results/<str:key_result_id>/check-in", checkin, name="checkin"),
]
