"""Search-as-you-type pickers of people and teams, for lists too long for a select: the
directory they search, their widgets and fields, and :func:`use_picker`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.core import model as m

# The most matches a picker shows at once ("type more to narrow").
PICKER_LIMIT = 20


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
        keep: Collection[str] = (),
    ) -> None:
        self.org, self.people, self.teams, self.allowed = org, people, teams, allowed
        # Archived people are never offered, and taken only if already chosen (``keep``).
        self.keep = keep
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

    def archived(self, key: str) -> bool:
        person = self.org.people.get(key) if self.people and key not in self.org.teams else None
        return person is not None and bool(person.archived)

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
            if (self.allowed is not None and not self.allowed(key)) or self.archived(key):
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
        if self.archived(key) and key not in self.keep:
            raise ValidationError(
                f"{self.label(key)} is archived: choose someone else.", code="archived"
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
