"""Dumping an organisation to an OKR file: the organisation as the dict of SPEC section 1, and that
dict as YAML.

``write_yaml`` writes the text directly rather than through PyYAML's representer, which builds
a node for every scalar first and takes minutes and gigabytes for a 100k-person file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TextIO

import yaml

from tandem.core import model as m


def write_yaml(data: Mapping[str, Any], stream: TextIO) -> None:
    """Write an OKR-file-shaped dict as YAML that ``yaml.safe_load`` reads back equal.

    Mappings and sequences are written in block style, except lists of scalars, check-ins,
    milestones, people and flat metrics, which are written in compact flow style.
    """
    _Emitter(stream).document(data)


# Lists whose items are written one per line in flow style, and mapping values written in
# flow style when they are flat: compact, and still easy to read.
_FLOW_ITEMS = frozenset({"people", "checkins", "milestones"})
_FLOW_VALUES = frozenset({"metric", "score_override"})

# Plain (unquoted) scalars: start with a letter or digit and use only characters that never
# act as YAML indicators there. Flow context additionally excludes "," and "?".
_PLAIN_BLOCK = re.compile(r"[^\W_][\w ,.'()/&+%!?;$@-]*")
_PLAIN_FLOW = re.compile(r"[^\W_][\w .'()/&+%!;$@-]*")
_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]')
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# The resolvers PyYAML's safe loader uses to turn plain scalars into numbers, dates, booleans
# and null: a string that matches one must be quoted.
_IMPLICIT: dict[str, list[tuple[str, re.Pattern[str]]]] = (
    yaml.resolver.Resolver.yaml_implicit_resolvers
)


def _is_scalar(value: object) -> bool:
    return not isinstance(value, Mapping | list | tuple)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    known = _ESCAPES.get(char)
    if known is not None:
        return known
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _format_float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "e" in text or "E" in text:
        # PyYAML only reads floats written with a dot and no bare exponent.
        text = format(Decimal(text), "f")
    return text if "." in text else f"{text}.0"


class _Emitter:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lines: list[str] = []
        self._block_cache: dict[str, str] = {}
        self._flow_cache: dict[str, str] = {}
        self._date_cache: dict[date, str] = {}

    def document(self, data: Mapping[str, Any]) -> None:
        self._mapping(data, 0, "")
        self._flush()

    def _emit(self, line: str) -> None:
        self._lines.append(line)
        if len(self._lines) >= 8192:
            self._flush()

    def _flush(self) -> None:
        if self._lines:
            self._stream.write("\n".join(self._lines))
            self._stream.write("\n")
            self._lines.clear()

    def _mapping(self, mapping: Mapping[str, Any], indent: int, first: str) -> None:
        """A block mapping; ``first`` prefixes its first line (``"- "`` in a sequence)."""
        pad = " " * indent
        prefix = first
        if not mapping:
            self._emit(f"{prefix}{{}}")
            return
        for key, value in mapping.items():
            head = f"{prefix}{self._scalar(key, flow=False)}:"
            prefix = pad
            if isinstance(value, Mapping):
                if not value:
                    self._emit(f"{head} {{}}")
                elif key in _FLOW_VALUES and all(map(_is_scalar, value.values())):
                    self._emit(f"{head} {self._flow_mapping(value)}")
                else:
                    self._emit(head)
                    self._mapping(value, indent + 2, " " * (indent + 2))
            elif isinstance(value, list | tuple):
                if not value:
                    self._emit(f"{head} []")
                elif all(map(_is_scalar, value)):
                    self._emit(f"{head} {self._flow_sequence(value)}")
                else:
                    self._emit(head)
                    self._sequence(value, indent, flow_items=key in _FLOW_ITEMS)
            else:
                self._emit(f"{head} {self._scalar(value, flow=False)}")

    def _sequence(self, items: Sequence[Any], indent: int, *, flow_items: bool) -> None:
        prefix = " " * indent + "- "
        for item in items:
            if isinstance(item, Mapping):
                if flow_items and all(map(_is_scalar, item.values())):
                    self._emit(prefix + self._flow_mapping(item))
                else:
                    self._mapping(item, indent + 2, prefix)
            elif isinstance(item, list | tuple):
                if all(map(_is_scalar, item)):
                    self._emit(prefix + self._flow_sequence(item))
                else:
                    self._emit(prefix.rstrip())
                    self._sequence(item, indent + 2, flow_items=False)
            else:
                self._emit(prefix + self._scalar(item, flow=False))

    def _flow_mapping(self, mapping: Mapping[str, Any]) -> str:
        scalar = self._scalar
        inner = ", ".join(
            f"{scalar(k, flow=True)}: {scalar(v, flow=True)}" for k, v in mapping.items()
        )
        return f"{{{inner}}}"

    def _flow_sequence(self, items: Sequence[Any]) -> str:
        return "[" + ", ".join(self._scalar(item, flow=True) for item in items) + "]"

    def _scalar(self, value: object, *, flow: bool) -> str:
        if isinstance(value, str):
            cache = self._flow_cache if flow else self._block_cache
            text = cache.get(value)
            if text is None:
                text = cache[value] = _string(value, flow=flow)
            return text
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return _format_float(value)
        if isinstance(value, date):
            text = self._date_cache.get(value)
            if text is None:
                text = self._date_cache[value] = value.isoformat()
            return text
        if value is None:
            return "null"
        raise TypeError(f"cannot write {type(value).__name__} as YAML: {value!r}")


def _string(value: str, *, flow: bool) -> str:
    pattern = _PLAIN_FLOW if flow else _PLAIN_BLOCK
    if (
        pattern.fullmatch(value)
        and not value.endswith(" ")
        and not any(regexp.match(value) for _tag, regexp in _IMPLICIT.get(value[0], ()))
    ):
        return value
    return '"' + _ESCAPE.sub(_escape, value) + '"'


# --- the organisation as a document -----------------------------------------------------------


def to_document(org: m.Organization) -> dict[str, Any]:
    """The OKR file of ``org``: loading it back gives an equal :class:`Organization`.

    Defaults are left out, so a file written by hand and exported again stays close to how
    it was written; a key result's owner is always written out, as the organisation holds it.
    """
    by_objective: dict[str, list[dict[str, Any]]] = {}
    for kr in org.key_results.values():
        by_objective.setdefault(kr.objective, []).append(_key_result(kr))
    document: dict[str, Any] = {"version": 1, "organization": org.name}
    settings = _changed(org.settings, m.Settings())
    if settings:
        document["settings"] = settings
    document["people"] = [_person(p) for p in org.people.values()]
    document["teams"] = [_team(t) for t in org.teams.values()]
    document["cycles"] = [_cycle(c) for c in org.cycles.values()]
    document["objectives"] = [
        _objective(o, by_objective.get(o.id, [])) for o in org.objectives.values()
    ]
    document["dependencies"] = [_dependency(d) for d in org.dependencies.values()]
    return document


def _changed(value: m.Settings, default: m.Settings) -> dict[str, Any]:
    return {
        name: getattr(value, name)
        for name in m.Settings.__slots__
        if getattr(value, name) != getattr(default, name)
    }


def _number(value: float) -> float | int:
    """Weights are floats in the model; write the whole ones as the integers people type."""
    return int(value) if float(value).is_integer() else value


def _present(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def _person(person: m.Person) -> dict[str, Any]:
    return _present(id=person.id, name=person.name, email=person.email, manager=person.manager)


def _team(team: m.Team) -> dict[str, Any]:
    record = _present(id=team.id, name=team.name, parent=team.parent, lead=team.lead)
    if team.members:
        record["members"] = list(team.members)
    return record


def _cycle(cycle: m.Cycle) -> dict[str, Any]:
    return _present(id=cycle.id, parent=cycle.parent, start=cycle.start, end=cycle.end)


def _objective(objective: m.Objective, key_results: list[dict[str, Any]]) -> dict[str, Any]:
    record = _present(
        id=objective.id,
        title=objective.title,
        description=objective.description,
        cycle=objective.cycle,
        owner=objective.owner,
    )
    if objective.kind is not m.Kind.ASPIRATIONAL:
        record["kind"] = objective.kind.value
    if objective.visibility is not m.Visibility.PUBLIC:
        record["visibility"] = objective.visibility.value
    if objective.aligns_to is not None:
        record["aligns_to"] = objective.aligns_to
    if objective.umbrella is not None:
        record["umbrella"] = _present(owner=objective.umbrella.owner)
        record["umbrella"]["teams"] = list(objective.umbrella.teams)
    record["key_results"] = key_results
    return record


def _metric(metric: m.Metric) -> Any:
    if isinstance(metric, m.NumericMetric):
        return _present(start=metric.start, target=metric.target, unit=metric.unit)
    if isinstance(metric, m.ThresholdMetric):
        key = "keep_above" if metric.above else "keep_below"
        return _present(**{key: metric.threshold}, unit=metric.unit)
    if isinstance(metric, m.MilestonesMetric):
        return {
            "milestones": [
                _present(title=ms.title, weight=_number(ms.weight), done_on=ms.done_on)
                for ms in metric.milestones
            ]
        }
    return "boolean" if isinstance(metric, m.BooleanMetric) else "rollup"


def _key_result(kr: m.KeyResult) -> dict[str, Any]:
    record = _present(id=kr.id, title=kr.title, description=kr.description, owner=kr.owner)
    if kr.contributors:
        record["contributors"] = list(kr.contributors)
    if kr.weight != 1:
        record["weight"] = _number(kr.weight)
    if kr.since is not None:
        record["since"] = kr.since
    record["metric"] = _metric(kr.metric)
    if kr.checkins:
        record["checkins"] = [
            _present(date=c.date, value=c.value, confidence=c.confidence, note=c.note, by=c.by)
            for c in kr.checkins
        ]
    if kr.score_override is not None:
        record["score_override"] = {
            "score": kr.score_override.score,
            "reason": kr.score_override.reason,
        }
    return record


def _dependency(dep: m.Dependency) -> dict[str, Any]:
    record: dict[str, Any] = {"id": dep.id, "from": dep.from_id, "provider": dep.provider}
    record["need"] = dep.need
    if dep.due is not None:
        record["due"] = dep.due
    record["state"] = dep.state.value
    if dep.provider_kr is not None:
        record["provider_kr"] = dep.provider_kr
    return record
