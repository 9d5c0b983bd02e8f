"""How Tandem shows health, status and progress: always in words and a shape as well as a
colour, so that nothing depends on seeing colour."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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
def percent(value: float | None) -> str:
    """0.4945 → "49%"; None → "—"."""
    if value is None:
        return "—"
    return f"{round(value * 100)}%"


@register.simple_tag
def progress_bar(value: float | None, health_value: object = None, label: str = "") -> SafeString:
    """A bar with its percentage written out; the accessible name says what it measures.

    The fill is an SVG rectangle whose ``width`` is an attribute of its own, not a style: the
    pages' Content Security Policy allows no style attribute.
    """
    if value is None:
        return mark_safe('<span class="progress-none">No progress yet</span>')
    shown = max(0.0, min(1.0, value))
    key = str(health_value) if health_value else "none"
    return format_html(
        '<span class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" '
        'aria-valuenow="{}" aria-label="{}"><svg class="progress-bar" viewBox="0 0 100 1" '
        'preserveAspectRatio="none" aria-hidden="true" focusable="false">'
        '<rect class="progress-fill health-bg-{}" width="{}" height="1"/></svg></span> '
        '<span class="progress-text">{}</span>',
        round(value * 100),
        f"Progress of {label}" if label else "Progress",
        key,
        round(shown * 100, 1),
        percent(value),
    )
