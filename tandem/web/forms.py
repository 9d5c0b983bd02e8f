"""The editing forms: they parse and render what a person types; the services
(:mod:`tandem.okrs.services`) still decide what is allowed, and their refusals land next to
the field they name (:func:`error_place`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from tandem.core import model as m
from tandem.errors import TandemError
from tandem.okrs.models import KeyResult, Objective
from tandem.okrs.services import MAX_NUMBER

Choices = list[tuple[str, Any]]

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
# Which of the key result form's inputs each metric form uses (the services' FORM_FIELDS).
METRIC_INPUTS = {
    "numeric": ("start", "target", "unit"),
    "keep_above": ("threshold", "unit"),
    "keep_below": ("threshold", "unit"),
    "boolean": (),
    "milestones": ("milestones",),
    "rollup": (),
}


def grouped(org: m.Organization, *, teams: Iterable[str], people: Iterable[str]) -> Choices:
    """Teams then people, as two labelled groups of a select."""
    choices: Choices = []
    team_options = [(t, f"{org.teams[t].name} ({t})") for t in teams if t in org.teams]
    person_options = [(p, f"{org.people[p].name} ({p})") for p in people if p in org.people]
    if team_options:
        choices.append(("Teams", team_options))
    if person_options:
        choices.append(("People", person_options))
    return choices


def people_choices(org: m.Organization, *, blank: str) -> Choices:
    return [("", blank), *((p.id, f"{p.name} ({p.id})") for p in org.people.values())]


class LongSelectMixin:
    """A select rendered in one pass rather than one template per option: the people of a
    large organisation are thousands of options, which Django's templates render slowly."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget: Any = self
        chosen = {str(v) for v in widget.format_value(value)}
        final_attrs = widget.build_attrs(widget.attrs, attrs)
        if widget.allow_multiple_selected:
            final_attrs["multiple"] = True

        def options(choices: Iterable[tuple[Any, Any]]) -> str:
            return "".join(
                f'<option value="{escape(v)}"{" selected" if str(v) in chosen else ""}>'
                f"{escape(label)}</option>"
                for v, label in choices
            )

        parts = [
            f'<optgroup label="{escape(key)}">{options(label)}</optgroup>'
            if isinstance(label, list | tuple)
            else options([(key, label)])
            for key, label in widget.choices
        ]
        # Every value and label is escaped above.
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final_attrs),
            mark_safe("".join(parts)),  # noqa: S308
        )


class LongSelect(LongSelectMixin, forms.Select):
    pass


class LongSelectMultiple(LongSelectMixin, forms.SelectMultiple):
    pass


class NumberField(forms.FloatField):
    """A number kept as typed: ``800`` stays an int, ``0.5`` a float (as the services keep it)."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> int | float | None:  # type: ignore[override]
        text = str(value).strip().replace(",", ".") if value is not None else ""
        if not text:
            return None
        try:
            number: int | float | None = int(text)
        except ValueError:
            number = super().to_python(text)
        if number is not None and abs(number) > MAX_NUMBER:
            raise forms.ValidationError(
                f"Enter a number between -{MAX_NUMBER:.0e} and {MAX_NUMBER:.0e}.", code="max_value"
            )
        return number

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # A text input: no min/max/step attributes that would round what is typed.
        return {}


class Form(forms.Form):
    """Labels without a trailing colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


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
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        org: m.Organization,
        cycles: Sequence[str],
        owners: Choices,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [  # type: ignore[attr-defined]
            (c, f"{c} ({org.cycles[c].start} to {org.cycles[c].end})")
            for c in cycles
            if c in org.cycles
        ]
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]
        self.fields["umbrella_owner"].choices = people_choices(  # type: ignore[attr-defined]
            org, blank="— nobody yet —"
        )
        self.fields["umbrella_teams"].choices = [  # type: ignore[attr-defined]
            (t.id, f"{t.name} ({t.id})") for t in org.teams.values()
        ]
        self.fields["umbrella_teams"].widget.attrs["size"] = min(8, max(len(org.teams), 2))


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
        help_text="People and teams who help move it. Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, org: m.Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = people_choices(  # type: ignore[attr-defined]
            org, blank="— the objective's owner, if a person —"
        )
        contributors = self.fields["contributors"]
        contributors.choices = grouped(  # type: ignore[attr-defined]
            org, teams=org.teams, people=org.people
        )
        contributors.widget.attrs["size"] = 8

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
    form.add_error(target, ValidationError(error.message))


def milestone_errors(form: forms.Form) -> list[str]:
    """The refusals about the milestones as a whole ("needs at least one milestone")."""
    found: list[str] | None = getattr(form, "milestone_errors", None)
    if found is None:
        found = []
        form.milestone_errors = found  # type: ignore[attr-defined]
    return found
