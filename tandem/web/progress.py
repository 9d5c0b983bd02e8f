"""Where a health comes from, in words, so that a bar's colour and its position read together.

The engine (SPEC section 2) decides a key result's health from confidence first: a key result
whose progress is 1 is on track; otherwise its latest confidence, when it has one, decides;
otherwise its pace against the time elapsed. A dependency or its aligned objectives can make
it worse. An objective's health comes from its key results'. A bar showing 60% in green
beside 71% expected reads as a contradiction unless the page says which of these it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

HEALTH_WORDS = {
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
}


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


@dataclass(frozen=True, slots=True)
class ProgressFacts:
    """What a progress bar knows: the progress, the progress expected by now (the share of
    the cycle elapsed), the health and, for a key result, the facts its health comes from."""

    progress: float | None
    expected: float | None = None
    health: str | None = None
    confidence: int | None = None
    own_health: str | None = None
    # A key result's health is its own; an objective's comes from its key results.
    is_key_result: bool = True

    @property
    def source(self) -> str:
        """ "on track: confidence 8", "off track: 44% of 71% expected"…, or "" when there is
        no health to explain."""
        words = HEALTH_WORDS.get(self.health or "")
        if words is None or self.progress is None:
            return ""
        if not self.is_key_result:
            return f"{words}: from its key results"
        if self.own_health and self.own_health != self.health:
            return f"{words}: because of a dependency"
        if self.progress >= 1.0:
            return f"{words}: done"
        if self.confidence is not None:
            return f"{words}: confidence {self.confidence}"
        if self.expected is not None:
            return f"{words}: {_percent(self.progress)} of {_percent(self.expected)} expected"
        return words


def _get(subject: Any, name: str) -> Any:
    if isinstance(subject, Mapping):
        return subject.get(name)
    return getattr(subject, name, None)


def facts_of(subject: Any, *, is_key_result: bool | None = None) -> ProgressFacts:
    """The facts of a card, a row or an engine result (an object or a dict) that has
    ``progress`` and, where known, ``expected_progress``, ``health``, ``confidence`` and
    ``own_health`` (health as the engine's value or its code)."""

    def code(value: Any) -> str | None:
        value = getattr(value, "value", value)
        return str(value) if value else None

    own = code(_get(subject, "own_health"))
    if is_key_result is None:
        # Key results have their own health (or a confidence); objectives neither.
        is_key_result = own is not None or _get(subject, "confidence") is not None
    return ProgressFacts(
        progress=_get(subject, "progress"),
        expected=_get(subject, "expected_progress"),
        health=code(_get(subject, "health")),
        confidence=_get(subject, "confidence"),
        own_health=own,
        is_key_result=is_key_result,
    )
