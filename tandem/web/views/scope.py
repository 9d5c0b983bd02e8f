"""The scope filter (cycle and team) that the report pages share: the report, its files, the
dashboard, the alignment map and the team page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from tandem.core.report import current_cycles
from tandem.organization.cache import View
from tandem.organization.reports import report_get
from tandem.organization.team_groups import team_tree
from tandem.web import pages
from tandem.web.pages import WebRequest


class QuickSelect(forms.Select):
    """Django's select, written in Python rather than with a template per option: the team
    menu has an option per team (1,333 for 10,000 people), and the templates took 80 ms."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = self.format_value(value)
        options = []
        found = False
        for option, label in self.choices:
            key = "" if option is None else str(option)
            selected = not found and key in chosen
            found = found or selected
            options.append(
                f'<option value="{escape(key)}"{" selected" if selected else ""}>'
                f"{escape(label)}</option>"
            )
        final = self.build_attrs(self.attrs, attrs)
        body = "\n".join(options)
        return mark_safe(  # noqa: S308 (every value above is escaped)
            f'<select name="{escape(name)}"{flatatt(final)}>\n{body}\n</select>'
        )


class ScopeForm(forms.Form):
    """Which cycles (and, where offered, which team) a report page covers.

    Blank cycle: the cycles under way, as ``tandem report`` without ``--cycle``.
    """

    cycle = forms.ChoiceField(label="Cycle", required=False, widget=QuickSelect)
    team = forms.ChoiceField(label="Team", required=False, widget=QuickSelect)

    def __init__(self, data: Any, *, view: View, with_team: bool = True) -> None:
        super().__init__(data)
        org = view.org
        under_way = ", ".join(current_cycles(org, view.as_of)) or "none"
        cycle_field: Any = self.fields["cycle"]
        cycle_field.choices = [
            ("", f"Under way ({under_way})"),
            ("all", "All cycles"),
            *((c.id, c.id) for c in org.cycles.values()),
        ]
        if with_team:
            team_field: Any = self.fields["team"]
            team_field.choices = [
                ("", "All teams"),
                *((t.id, "\u2003" * depth + t.name) for t, depth in team_tree(org)),
            ]
        else:
            del self.fields["team"]

    def scope(self) -> tuple[str | None, str | None]:
        """The cycle and team asked for; what is not valid falls back to the default."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("cycle") or None, cleaned.get("team") or None


def export_query(cycle: str | None, team: str | None) -> str:
    """The query string of the export links ("" for the default scope)."""
    params = {name: value for name, value in (("cycle", cycle), ("team", team)) if value}
    return "?" + urlencode(params) if params else ""


def report_data(request: WebRequest) -> tuple[View, ScopeForm, dict[str, Any]]:
    view = pages.view_of(request)
    form = ScopeForm(request.GET, view=view)
    cycle, team = form.scope()
    data = report_get(audience=request.caller.audience, as_of=view.as_of, cycle=cycle, team=team)
    return view, form, data


def file_data(request: WebRequest) -> tuple[View, str | None, dict[str, Any]]:
    """:func:`report_data` for the files, which show no form: the same scope (what is not a
    choice of :class:`ScopeForm` falls back to the default) without building its menus."""
    view = pages.view_of(request)
    org = view.org
    cycle = request.GET.get("cycle") or None
    team = request.GET.get("team") or None
    if cycle is not None and cycle != "all" and cycle not in org.cycles:
        cycle = None
    if team is not None and team not in org.teams:
        team = None
    data = report_get(audience=request.caller.audience, as_of=view.as_of, cycle=cycle, team=team)
    return view, team, data
