"""The forms that edit objectives, key results and milestones: they parse and render what a
person types; the services (:mod:`tandem.okrs.services`) still decide what is allowed, and
their refusals land next to the field they name (:func:`error_place`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from tandem.core import model as m
from tandem.errors import TandemError
from tandem.okrs.metrics import FORM_FIELDS
from tandem.okrs.models import KeyResult, Objective
from tandem.organization.wording import day
from tandem.web.forms import fields
from tandem.web.forms.fields import (
    Form,
    LongSelect,
    LongSelectMultiple,
    NumberField,
    grouped,
    people_choices,
)
from tandem.web.forms.pickers import Directory, use_picker
from tandem.web.words import plain_message

KIND_HELP = {
    "aspirational": "Aspirational: a stretch; 0.7 at the end counts as success",
    "committed": "Committed: only a score of 1.0 counts as met",
}
VISIBILITY_HELP = {
    "public": "Public: everyone in the organisation",
    "team": "Team: the owning team, the teams above it and the people who work on it",
    "private": "Private: the owning team (or you) and the manager chain above",
}
FORM_HELP = {
    "numeric": "A number from a start to a target (900 → 400 ms)",
    "keep_above": "Keep a number above a threshold (success rate above 99.5%)",
    "keep_below": "Keep a number below a threshold (p99 latency below 1500 ms)",
    "boolean": "Done or not done",
    "milestones": "A short list of milestones, each done on a date",
    "rollup": "The mean progress of the objectives aligned to it",
}
# Which of the key result form's inputs each metric form uses: the fields the services take
# for it (one rule, tandem.okrs.metrics.FORM_FIELDS), in the order the form shows them.
METRIC_INPUTS: dict[str, tuple[str, ...]] = {
    str(form): tuple(
        name for name in ("start", "target", "threshold", "unit", "milestones") if name in fields
    )
    for form, fields in FORM_FIELDS.items()
}


class ObjectiveForm(Form):
    title = forms.CharField(
        max_length=500,
        help_text="The outcome you want, in words a newcomer understands.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Description (optional)"
    )
    cycle = forms.ChoiceField(help_text="The quarter or year the objective is for.")
    owner = forms.ChoiceField(
        help_text="A team, or a person for an individual objective.", widget=LongSelect
    )
    kind = forms.ChoiceField(
        choices=[(k, KIND_HELP[k]) for k in Objective.Kind.values],
        widget=forms.RadioSelect,
        initial="aspirational",
    )
    visibility = forms.ChoiceField(
        choices=[(v, VISIBILITY_HELP[v]) for v in Objective.Visibility.values],
        widget=forms.RadioSelect,
        initial="public",
        label="Who may see it",
    )
    aligns_to = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100)
    is_umbrella = forms.BooleanField(
        required=False,
        label="An umbrella objective: several teams contribute to it",
    )
    umbrella_owner = forms.ChoiceField(
        required=False,
        widget=LongSelect,
        label="Umbrella owner",
        help_text="The one person accountable for the umbrella.",
    )
    umbrella_teams = forms.MultipleChoiceField(
        required=False,
        widget=LongSelectMultiple,
        label="Contributing teams",
        help_text="The teams that contribute to it.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        org: m.Organization,
        cycles: Sequence[str],
        owners: Sequence[str],
        may_own: Callable[[str], bool],
        **kwargs: Any,
    ) -> None:
        """``owners``: the teams and people the caller may create objectives for (and the
        current owner), or the first :data:`SELECT_LIMIT` and more: then the owner is a picker
        of those ``may_own`` says yes to. Other long lists are pickers too. Archived people
        are offered only where already chosen."""
        super().__init__(*args, **kwargs)
        keep = fields.chosen_people(self.initial, "owner", "umbrella_owner")
        self.fields["cycle"].choices = [  # type: ignore[attr-defined]
            (c, f"{c} ({day(org.cycles[c].start)} to {day(org.cycles[c].end)})")
            for c in cycles
            if c in org.cycles
        ]
        if len(owners) <= fields.SELECT_LIMIT:
            self.fields["owner"].choices = grouped(  # type: ignore[attr-defined]
                org, teams=[o for o in owners if o in org.teams], people=owners, keep=keep
            )
        else:
            use_picker(
                self,
                "owner",
                Directory(org, allowed=may_own, keep=keep),
                kind="owners",
                help_text="A team, or a person for an individual objective: type part of its "
                "name, its id or an e-mail, and choose from the matches.",
            )
        if len(org.people) < fields.SELECT_LIMIT:
            self.fields["umbrella_owner"].choices = people_choices(  # type: ignore[attr-defined]
                org, blank="— nobody yet —", keep=keep
            )
        else:
            use_picker(
                self,
                "umbrella_owner",
                Directory(org, teams=False, keep=keep),
                kind="people",
                help_text="The one person accountable for the umbrella (empty: nobody yet): "
                "type part of a name, an id or an e-mail, and choose from the matches.",
            )
        # Always a searchable picker: a multiple select asks for Ctrl-click.
        use_picker(
            self,
            "umbrella_teams",
            Directory(org, people=False),
            kind="teams",
            help_text="Untick a team to remove it. To add one, type part of its name or its "
            "id and choose from the matches (several ids: separate them with commas).",
            add_label="Add a team",
        )


class KeyResultForm(Form):
    title = forms.CharField(
        max_length=500,
        help_text="What will be true when it is achieved, as a number to move if you can.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Description (optional)"
    )
    form = forms.ChoiceField(
        choices=[(f, FORM_HELP[f]) for f in KeyResult.Form.values],
        widget=forms.RadioSelect,
        initial="numeric",
        label="How it is measured",
    )
    start = NumberField(required=False, label="Start")
    target = NumberField(required=False, label="Target")
    threshold = NumberField(required=False, label="Threshold")
    unit = forms.CharField(
        required=False, max_length=500, label="Unit (optional)", help_text="ms, %, users…"
    )
    weight = NumberField(
        min_value=0,
        initial=1,
        help_text="Its share of the objective's progress; 0 leaves it out.",
    )
    owner = forms.ChoiceField(
        required=False, help_text="The person who drives it and checks in.", widget=LongSelect
    )
    contributors = forms.MultipleChoiceField(
        required=False,
        widget=LongSelectMultiple,
        help_text="People and teams who help move it.",
    )
    since = forms.DateField(
        required=False,
        label="Measured since (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day it was added, when after its cycle started: what is expected of it, "
        "and when it goes stale, count from then. Empty: from the cycle's start.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        org: m.Organization,
        owner_required: bool = False,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        """A long list of people is a picker rather than a select (:data:`SELECT_LIMIT`);
        contributors are always a picker. ``owner_required``: the objective is a team's, whose
        key results need a person to own them (blank means the objective's owner only when
        that is a person). ``editing``: an existing key result, whose ``since`` may be
        changed (a new one is measured from the day it is created)."""
        super().__init__(*args, **kwargs)
        keep = fields.chosen_people(self.initial, "owner", "contributors")
        if not editing:
            del self.fields["since"]
        if len(org.people) < fields.SELECT_LIMIT:
            self.fields["owner"].choices = people_choices(  # type: ignore[attr-defined]
                org, blank="— the objective's owner, if a person —", keep=keep
            )
        else:
            use_picker(
                self,
                "owner",
                Directory(org, teams=False, keep=keep),
                kind="people",
                help_text="The person who drives it and checks in (empty: the objective's "
                "owner, if a person): type part of a name, an id or an e-mail, and choose from "
                "the matches.",
            )
        # Always a searchable picker, however short the list: a multiple select asks for
        # Ctrl-click, which few people know and which loses a choice at a slip.
        use_picker(
            self,
            "contributors",
            Directory(org, keep=keep),
            kind="contributors",
            help_text="People and teams who help move it. Untick one to remove it. To add "
            "one, type part of a name, an id or an e-mail and choose from the matches "
            "(several ids or e-mails: separate them with commas).",
            add_label="Add a person or team",
        )
        if owner_required:
            owner = self.fields["owner"]
            owner.required = True
            owner.error_messages["required"] = (
                "Choose the person who owns it: a team's key result needs one."
            )
            owner.help_text = (
                "The person who drives it and checks in: a team's key result needs one."
            )
            if isinstance(owner, forms.ChoiceField):
                owner.choices = people_choices(org, blank="— choose a person —", keep=keep)

    def metric_arguments(self) -> dict[str, Any]:
        """The metric inputs the chosen form takes (the others are ignored, not refused:
        they may hold what was typed before the form changed)."""
        form = self.cleaned_data["form"]
        return {
            name: self.cleaned_data[name]
            for name in ("start", "target", "threshold", "unit")
            if name in METRIC_INPUTS[form]
        }


class MilestoneForm(Form):
    title = forms.CharField(max_length=500, label="Milestone")
    # No initial value: a blank row stays blank (and is left out) until a title is typed.
    weight = NumberField(
        required=False,
        min_value=0,
        label="Weight",
        widget=forms.TextInput(attrs={"placeholder": "1"}),
    )
    done_on = forms.DateField(
        required=False, label="Done on", widget=forms.DateInput(attrs={"type": "date"})
    )


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=1, can_delete=True, max_num=50)


def milestone_rows(formset: forms.BaseFormSet[MilestoneForm]) -> list[dict[str, Any]]:
    """The milestones as the services take them, blank and removed rows left out."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        row: dict[str, Any] = {"title": data["title"], "done_on": data.get("done_on")}
        if data.get("weight") is not None:
            row["weight"] = data["weight"]
        rows.append(row)
    return rows


def error_place(
    form: forms.Form,
    error: TandemError,
    fields: dict[str, str],
    milestones: forms.BaseFormSet[MilestoneForm] | None = None,
) -> None:
    """Put a service's refusal next to the input it is about (``fields`` maps the services'
    argument names to the form's), or at the top of the form when it names none."""
    name = error.field or ""
    if milestones is not None and name.startswith("milestones"):
        parts = name.split(".")
        index = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        kept = [f for f in milestones.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if index is not None and index < len(kept):
            row = kept[index]
            row_field = parts[2] if len(parts) > 2 and parts[2] in row.fields else None
            row.add_error(row_field, error.message)
        else:
            milestone_errors(form).append(error.message)
        form.add_error(None, "A milestone needs attention: see the milestones below.")
        return
    target = fields.get(name, name if name in form.fields else None)
    if target is not None and target not in form.fields:
        target = None
    # The services speak to the API too: the form says their field names and dates its way.
    form.add_error(target, ValidationError(plain_message(error.message)))


def milestone_errors(form: forms.Form) -> list[str]:
    """The refusals about the milestones as a whole ("needs at least one milestone")."""
    found: list[str] | None = getattr(form, "milestone_errors", None)
    if found is None:
        found = []
        form.milestone_errors = found  # type: ignore[attr-defined]
    return found
