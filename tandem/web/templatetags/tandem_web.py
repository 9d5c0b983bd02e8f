"""How Tandem shows health, status and progress: always in words and a shape as well as a
colour, so that nothing depends on seeing colour."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from tandem.organization import wording
from tandem.web import words
from tandem.web.progress import ProgressFacts, facts_of

register = template.Library()

# value: (words, symbol). The symbol differs in shape, not only in colour.
HEALTH = {
    "on_track": ("On track", "●"),
    "at_risk": ("At risk", "▲"),
    "off_track": ("Off track", "■"),
    None: ("No data yet", "○"),
}
DEPENDENCY_STATUS = {
    "ok": ("On track", "●", "on_track"),
    "at_risk": ("At risk", "▲", "at_risk"),
    "off_track": ("Off track", "■", "off_track"),
    "done": ("Delivered", "✓", "done"),
    "cancelled": ("Cancelled", "–", "none"),
}
DEPENDENCY_STATE = {
    "requested": "Requested",
    "accepted": "Accepted",
    "declined": "Declined",
    "delivered": "Delivered",
    "cancelled": "Cancelled",
}


@register.filter
def health(value: object) -> SafeString:
    """``on_track`` → a badge reading "● On track" (green)."""
    key = str(value) if value else None
    words, symbol = HEALTH.get(key, (str(value), "?"))
    return format_html(
        '<span class="health health-{}"><span aria-hidden="true">{}</span> {}</span>',
        key or "none",
        symbol,
        words,
    )


@register.filter
def health_words(value: object) -> str:
    key = str(value) if value else None
    return HEALTH.get(key, (str(value), ""))[0]


@register.filter
def dependency_status(value: object) -> SafeString:
    words, symbol, css = DEPENDENCY_STATUS.get(str(value), (str(value), "?", "none"))
    return format_html(
        '<span class="health health-{}"><span aria-hidden="true">{}</span> {}</span>',
        css,
        symbol,
        words,
    )


@register.filter
def dependency_state(value: object) -> str:
    return DEPENDENCY_STATE.get(str(value), str(value))


@register.filter
def day(value: object) -> str:
    """A date, or the report's ISO text of one, as every page writes dates: "21 Nov 2026"."""
    return wording.day(value)


@register.filter
def rule_words(rule: object) -> str:
    """``unaligned-objective`` → "Objective aligned to nothing"."""
    return words.rule_words(str(rule))


@register.filter
def plain_message(message: object) -> str:
    """A quality rule's message with the OKR file's field names in the forms' words."""
    return words.plain_message(str(message))


@register.filter
def percent(value: float | None) -> str:
    """0.4945 → "49%"; None → "—"."""
    if value is None:
        return "—"
    return f"{round(value * 100)}%"


# The names under which pages put what a bar measures (a key result's card, an objective's
# summary or row, a node of the alignment map): the tag finds the expected progress and the
# facts behind the health there, so that every bar shows them without each page passing them.
SUBJECT_NAMES = ("card", "summary", "row", "node", "kr")


def _subject_in(context: template.Context, label: str) -> Any:
    for name in SUBJECT_NAMES:
        subject = context.get(name)
        found = subject.get("id") if isinstance(subject, Mapping) else getattr(subject, "id", None)
        if label and found == label:
            return subject
    return None


@register.simple_tag(takes_context=True)
def progress_bar(
    context: template.Context,
    value: Any,
    health_value: object = None,
    label: str = "",
    *,
    expected: float | None = None,
    subject: Any = None,
) -> SafeString:
    """A bar with its percentage written out, a mark at the progress expected by now, and
    where its health comes from ("on track: confidence 8", "off track: 44% of 71% expected");
    the accessible name says what it measures.

    ``value`` is the progress, or a card, row or engine result holding it (then its health,
    id, expected progress and confidence come with it). Otherwise the facts come from
    ``subject``, or from the card, summary, row or node of the context whose id is ``label``.

    The fill and the mark are SVG shapes whose sizes are attributes of their own, not styles:
    the pages' Content Security Policy allows no style attribute.
    """
    if value is not None and not isinstance(value, int | float):
        subject = value
        value = facts_of(subject).progress
        health_value = health_value if health_value is not None else facts_of(subject).health
        label = label or str(getattr(subject, "id", "") or "")
    if value is None:
        return mark_safe('<span class="progress-none">No progress yet</span>')
    if subject is None:
        subject = _subject_in(context, label)
    facts = facts_of(subject) if subject is not None else ProgressFacts(progress=value)
    facts = replace(
        facts,
        progress=value,
        health=str(health_value) if health_value else None,
        expected=expected if expected is not None else facts.expected,
    )
    shown = max(0.0, min(1.0, value))
    key = facts.health or "none"
    source = facts.source
    described = f"{percent(value)}"
    mark = SafeString("")
    if facts.expected is not None:
        described += f", {percent(facts.expected)} expected by now"
        # Kept inside the bar, so that a mark at 0% or 100% still shows whole.
        at = round(min(99.0, max(1.0, facts.expected * 100)), 1)
        mark = format_html(
            '<line class="progress-expected" x1="{}" x2="{}" y1="0" y2="1"/>', at, at
        )
    if source:
        described += f"; {source}"
    return format_html(
        '<span class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" '
        'aria-valuenow="{}" aria-valuetext="{}" aria-label="{}" title="{}">'
        '<svg class="progress-bar" viewBox="0 0 100 1" '
        'preserveAspectRatio="none" aria-hidden="true" focusable="false">'
        '<rect class="progress-fill health-bg-{}" width="{}" height="1"/>{}</svg></span> '
        '<span class="progress-text">{}</span>{}{}',
        round(value * 100),
        described,
        f"Progress of {label}" if label else "Progress",
        described,
        key,
        round(shown * 100, 1),
        mark,
        percent(value),
        format_html(
            '<span class="visually-hidden">, {} expected by now</span>', percent(facts.expected)
        )
        if facts.expected is not None
        else "",
        format_html(' <span class="progress-why">{}</span>', source) if source else "",
    )
