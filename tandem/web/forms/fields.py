"""The forms' building blocks: selects that render long lists fast, a number field that
keeps what is typed, the forms' base class and the confidence field."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from tandem.core import model as m
from tandem.core.numbers import NumberTextError, number_from_text, number_problem

Choices = list[tuple[str, Any]]

# A select while it has at most this many options; beyond, a search-as-you-type picker (a page
# listing ten thousand people is megabytes that nobody scrolls).
SELECT_LIMIT = 50


def offered(org: m.Organization, person_id: str, keep: Collection[str] = ()) -> bool:
    """Whether a form offers the person: not archived, or already chosen (``keep``), so an
    archived owner stays on the objectives they own until someone else is chosen."""
    person = org.people.get(person_id)
    return person is not None and (not person.archived or person_id in keep)


def grouped(
    org: m.Organization, *, teams: Iterable[str], people: Iterable[str], keep: Collection[str] = ()
) -> Choices:
    """Teams then people, as two labelled groups of a select (archived people only if kept)."""
    choices: Choices = []
    team_options = [(t, f"{org.teams[t].name} ({t})") for t in teams if t in org.teams]
    person_options = [(p, f"{org.people[p].name} ({p})") for p in people if offered(org, p, keep)]
    if team_options:
        choices.append(("Teams", team_options))
    if person_options:
        choices.append(("People", person_options))
    return choices


def people_choices(org: m.Organization, *, blank: str, keep: Collection[str] = ()) -> Choices:
    """Everyone but the archived (unless kept: see :func:`offered`), and a blank choice."""
    people = (p for p in org.people.values() if not p.archived or p.id in keep)
    return [("", blank), *((p.id, f"{p.name} ({p.id})") for p in people)]


def chosen_people(initial: Mapping[str, Any], *names: str) -> frozenset[str]:
    """The ids a form starts with in ``names`` (single values or lists): what it keeps."""
    found: set[str] = set()
    for name in names:
        value = initial.get(name)
        if isinstance(value, list | tuple):
            found.update(str(v) for v in value)
        elif value:
            found.add(str(value))
    return frozenset(found)


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
