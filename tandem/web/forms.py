"""The editing forms: they parse and render what a person types; the services
(:mod:`tandem.okrs.services`) still decide what is allowed, and their refusals land next to
the field they name (:func:`error_place`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from tandem.core import model as m
from tandem.core.numbers import NumberTextError, number_from_text, number_problem
from tandem.errors import TandemError
from tandem.okrs.models import KeyResult, Objective
from tandem.web.words import day, plain_message

Choices = list[tuple[str, Any]]

# A select while it has at most this many options; beyond, a search-as-you-type picker (a page
# listing ten thousand people is megabytes that nobody scrolls).
SELECT_LIMIT = 50
# The most matches a picker shows at once ("type more to narrow").
PICKER_LIMIT = 20

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


# --- pickers of people and teams --------------------------------------------------------------

# "Name (id)", as a picker shows a choice: the id in the last parentheses.
LABELLED = re.compile(r"\(([^()]+)\)\s*$")
# Several values typed into one box: separated by commas (or semicolons, or lines).
SEPARATORS = re.compile(r"[,;\n]")


def _fold(text: str) -> str:
    """Lower case without accents, for searching: "Zoë" is found as "zoe"."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Match:
    """A person or a team a picker offers."""

    id: str
    name: str
    # "team", or the person's e-mail (what tells two people of the same name apart).
    what: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.id})"


class Directory:
    """The people and/or teams a picker takes: the organisation's directory, which every
    signed-in member may read (the API's ``/people`` and ``/teams``), or only those ``allowed``.

    It finds what was typed (an id, "Name (id)", an e-mail, or a name only one has) and searches
    names, ids and e-mails, all in memory: no query, whatever the organisation's size."""

    def __init__(
        self,
        org: m.Organization,
        *,
        people: bool = True,
        teams: bool = True,
        allowed: Callable[[str], bool] | None = None,
    ) -> None:
        self.org, self.people, self.teams, self.allowed = org, people, teams, allowed
        self.noun = "person or team" if people and teams else "person" if people else "team"
        self.plural = "people or teams" if people and teams else "people" if people else "teams"

    def known(self, key: str) -> bool:
        return (self.teams and key in self.org.teams) or (self.people and key in self.org.people)

    def match(self, key: str) -> Match | None:
        if self.teams and key in self.org.teams:
            return Match(key, self.org.teams[key].name, "team")
        if self.people and key in self.org.people:
            person = self.org.people[key]
            return Match(key, person.name, person.email or "person")
        return None

    def label(self, key: str) -> str:
        found = self.match(key)
        return found.label if found is not None else key

    def _rows(self) -> Iterable[tuple[str, str, str]]:
        """(id, name, e-mail) of the teams, then of the people, in the organisation's order."""
        if self.teams:
            yield from ((t.id, t.name, "") for t in self.org.teams.values())
        if self.people:
            yield from ((p.id, p.name, p.email or "") for p in self.org.people.values())

    def search(self, query: str, limit: int = PICKER_LIMIT) -> tuple[list[Match], int]:
        """The first ``limit`` whose name, id or e-mail holds ``query`` (an exact id or e-mail
        first, then names, ids and e-mails that start with it), and how many match in all."""
        needle = _fold(query.strip())
        if not needle:
            return [], 0
        ranked: list[tuple[int, int, str]] = []
        for position, (key, name, email) in enumerate(self._rows()):
            folded_key, folded_email = key.casefold(), email.casefold()
            folded_name = _fold(name)
            if (
                needle not in folded_name
                and needle not in folded_key
                and needle not in folded_email
            ):
                continue
            if self.allowed is not None and not self.allowed(key):
                continue
            if needle in (folded_key, folded_email):
                rank = 0
            elif (
                folded_name.startswith(needle)
                or folded_key.startswith(needle)
                or folded_email.startswith(needle)
                or any(word.startswith(needle) for word in folded_name.split())
            ):
                rank = 1
            else:
                rank = 2
            ranked.append((rank, position, key))
        ranked.sort()
        found = [self.match(key) for _rank, _position, key in ranked[:limit]]
        return [f for f in found if f is not None], len(ranked)

    def find(self, text: str) -> str | None:
        """The id ``text`` names, or None (see :meth:`resolve`)."""
        try:
            return self.resolve(text) or None
        except ValidationError:
            return None

    def resolve(self, text: str) -> str:
        """The id of what was typed: an id, "Name (id)", an e-mail or a name (any case, accents
        optional), else a message naming what was not found and what comes close."""
        typed = text.strip()
        if not typed:
            return ""
        key = self._exact(typed)
        if key is None:
            raise ValidationError(self._not_found(typed), code="invalid_choice")
        if self.allowed is not None and not self.allowed(key):
            raise ValidationError(
                f"{self.label(key)} is not one of the choices here.", code="invalid_choice"
            )
        return key

    def _exact(self, typed: str) -> str | None:
        if self.known(typed):
            return typed
        labelled = LABELLED.search(typed)
        if labelled and self.known(labelled.group(1).strip()):
            return labelled.group(1).strip()
        folded = _fold(typed)
        named = []
        for key, name, email in self._rows():
            if folded in (key.casefold(), email.casefold()):
                return key
            if _fold(name) == folded:
                named.append(key)
        if len(named) > 1:
            listed = ", ".join(self.label(k) for k in named[:5])
            raise ValidationError(
                f"{len(named)} {self.plural} are called '{typed}': type the id or e-mail of the "
                f"one you mean ({listed}{', …' if len(named) > 5 else ''}).",
                code="ambiguous",
            )
        return named[0] if named else None

    def _not_found(self, typed: str) -> str:
        close, _total = self.search(typed, 5)
        if not close and " " in typed.strip():
            # "ana lima" when the name is "Ana Maria Lima": try its first word.
            close, _total = self.search(typed.split(maxsplit=1)[0], 5)
        hint = (
            f"Did you mean {', '.join(c.label for c in close)}?"
            if close
            else "Type part of a name and choose from the matches, or an id or an e-mail."
        )
        return f"No {self.noun} has the id, e-mail or name '{typed}'. {hint}"


class Picked(NamedTuple):
    """What a picker of several posts: the values kept (ticked) and what was typed to add."""

    chosen: list[str]
    typed: str


class PickerMixin:
    """What both pickers know: where to search, and the directory to show labels from."""

    directory: Directory | None = None
    search_url = ""
    add_label = ""

    def picker_context(self, context: dict[str, Any], chosen: list[str], typed: str) -> None:
        widget = context["widget"]
        attrs = widget["attrs"]
        labels = [
            (value, self.directory.label(value) if self.directory else value) for value in chosen
        ]
        field_id = attrs.get("id", "")
        if not attrs.get("aria-describedby"):
            # In a fieldset Django describes nothing: the input is described by the field's
            # help and its error all the same.
            described = [f"{field_id}_helptext"] if getattr(self, "has_help", False) else []
            if attrs.get("aria-invalid"):
                described.append(f"{field_id}_error")
            if described:
                attrs["aria-describedby"] = " ".join(described)
        attrs.update(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "aria-controls": f"{field_id}_results",
                "data-picker-input": True,
            }
        )
        widget["picker"] = {
            "search_url": self.search_url,
            "chosen": labels,
            "typed": typed,
            "add_label": self.add_label,
            "noun": self.directory.plural if self.directory else "",
            "multiple": getattr(self, "use_fieldset", False),
        }


class PickerInput(PickerMixin, forms.TextInput):
    """One person or team: a text input that takes an id, an e-mail or a name, and (with
    editing.js) lists the matches to choose from as you type. Shows "Name (id)"."""

    template_name = "web/_directory_picker.html"

    def format_value(self, value: Any) -> str | None:
        text = "" if value is None else str(value)
        if self.directory is not None and self.directory.known(text):
            return self.directory.label(text)
        return text

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        self.picker_context(context, [], "")
        return context


class PickerMultiple(PickerMixin, forms.Widget):
    """Several people or teams: the chosen ones as ticked boxes (untick to remove) and a text
    input to add more (ids, e-mails or names separated by commas; with editing.js, matches to
    choose from as you type)."""

    template_name = "web/_directory_picker.html"
    use_fieldset = True

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Picked:
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        if isinstance(values, str):
            values = [values]
        return Picked([str(v) for v in values if v], str(data.get(f"{name}_add", "")))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # no box ticked is a value: none

    def format_value(self, value: Any) -> Any:
        return value

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if isinstance(value, Picked):
            chosen, typed = value.chosen, value.typed
        else:
            chosen, typed = [str(v) for v in value or []], ""
        self.picker_context(context, chosen, typed)
        return context


class PickerField(forms.Field):
    """One person or team from a :class:`Directory`; the cleaned value is its id ("" if none)."""

    widget = PickerInput

    def __init__(self, *, directory: Directory, search_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.directory = directory
        widget: Any = self.widget
        widget.directory, widget.search_url = directory, search_url
        widget.has_help = bool(self.help_text)

    def to_python(self, value: Any) -> str:
        return self.directory.resolve("" if value is None else str(value))


class PickerMultipleField(forms.Field):
    """Several people or teams from a :class:`Directory`, in the order chosen; the cleaned
    value is their ids. Each one not found is named in its own message."""

    widget = PickerMultiple

    def __init__(
        self, *, directory: Directory, search_url: str, add_label: str, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.directory = directory
        widget: Any = self.widget
        widget.directory, widget.search_url = directory, search_url
        widget.add_label, widget.has_help = add_label, bool(self.help_text)

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, Picked):
            texts = [*value.chosen, *SEPARATORS.split(value.typed)]
        else:
            texts = [str(v) for v in value or []]
        found: list[str] = []
        errors: list[ValidationError] = []
        for text in texts:
            if not text.strip():
                continue
            try:
                key = self.directory.resolve(text)
            except ValidationError as exc:
                errors.append(exc)
                continue
            if key not in found:
                found.append(key)
        if errors:
            raise ValidationError(errors)
        return found

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return [str(v) for v in initial or []] != self.to_python(data)
        except ValidationError:
            return True


def use_picker(
    form: forms.Form,
    name: str,
    directory: Directory,
    *,
    kind: str,
    help_text: str,
    add_label: str = "",
) -> None:
    """Make ``name`` a picker (its list is too long for a select), keeping its label."""
    old = form.fields[name]
    search_url = f"{reverse('web:directory_picker')}?kind={kind}"
    common: dict[str, Any] = {
        "label": old.label,
        "required": old.required,
        "help_text": help_text,
        "initial": old.initial,
    }
    if isinstance(old, forms.MultipleChoiceField):
        form.fields[name] = PickerMultipleField(
            directory=directory, search_url=search_url, add_label=add_label, **common
        )
    else:
        form.fields[name] = PickerField(directory=directory, search_url=search_url, **common)


class NumberField(forms.FloatField):
    """A number kept as typed: ``800`` stays an int, ``0.5`` a float (as the services keep it)."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> int | float | None:  # type: ignore[override]
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        try:  # the check-ins' one reading of a typed number: "6,70" is refused, not guessed
            number = number_from_text(text)
        except NumberTextError as exc:
            message = str(exc)
            raise forms.ValidationError(f"{message[0].upper()}{message[1:]}.") from None
        problem = number_problem(number, what="the number")
        if problem is not None:
            raise forms.ValidationError(f"{problem[0].upper()}{problem[1:]}.", code="max_value")
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
        of those ``may_own`` says yes to. Other long lists are pickers too."""
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [  # type: ignore[attr-defined]
            (c, f"{c} ({day(org.cycles[c].start)} to {day(org.cycles[c].end)})")
            for c in cycles
            if c in org.cycles
        ]
        if len(owners) <= SELECT_LIMIT:
            self.fields["owner"].choices = grouped(  # type: ignore[attr-defined]
                org, teams=[o for o in owners if o in org.teams], people=owners
            )
        else:
            use_picker(
                self,
                "owner",
                Directory(org, allowed=may_own),
                kind="owners",
                help_text="A team, or a person for an individual objective: type part of its "
                "name, its id or an e-mail, and choose from the matches.",
            )
        if len(org.people) < SELECT_LIMIT:
            self.fields["umbrella_owner"].choices = people_choices(  # type: ignore[attr-defined]
                org, blank="— nobody yet —"
            )
        else:
            use_picker(
                self,
                "umbrella_owner",
                Directory(org, teams=False),
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
        if not editing:
            del self.fields["since"]
        if len(org.people) < SELECT_LIMIT:
            self.fields["owner"].choices = people_choices(  # type: ignore[attr-defined]
                org, blank="— the objective's owner, if a person —"
            )
        else:
            use_picker(
                self,
                "owner",
                Directory(org, teams=False),
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
            Directory(org),
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
                owner.choices = people_choices(org, blank="— choose a person —")

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


def confidence_field() -> forms.IntegerField:
    """A check-in's confidence, as the check-in form and its correction ask for it."""
    return forms.IntegerField(
        required=False,
        min_value=0,
        max_value=10,
        label="Confidence (0–10)",
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"), "Confidence is a whole number from 0 to 10."
        ),
    )
