"""Read an OKR file into a core :class:`~tandem.core.model.Organization`.

Three passes, each collecting every problem it finds before giving up:
1. YAML syntax (with the line of the mistake);
2. the shape of each entry (pydantic; one bad entry does not hide the others);
3. references between entries (unknown ids, duplicates, the team tree, cycle nesting).
Nothing is written anywhere; a file with any problem raises :class:`OkrFileError`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from tandem.core import model as m
from tandem.core.numbers import NumberTextError, number_from_text, number_problem, shown
from tandem.okrfile import schema as s
from tandem.okrfile.yamlio import LineDict, line_of, read_yaml


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        subject = f"{self.id}: " if self.id else ""
        return f"{where}: error: {subject}{self.message}"


class OkrFileError(Exception):
    """The file cannot be loaded; ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.message))
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} problem{'s' if count != 1 else ''}; nothing was loaded.")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class LoadedFile:
    path: str
    organization: m.Organization
    # The line where each id is defined, for messages that point into the file.
    lines: dict[str, int]


def load_path(path: str | Path) -> LoadedFile:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OkrFileError(
            [Problem(str(path), None, None, f"cannot read the file: {exc.strerror}")]
        ) from None
    return load_bytes(data, filename=str(path))


def load_bytes(data: bytes, *, filename: str = "<input>") -> LoadedFile:
    if b"\x00" in data:
        raise OkrFileError([_binary(filename)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OkrFileError([_binary(filename)]) from None
    return load_text(text, filename=filename)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading builds millions of small objects, none of them in reference cycles; Python's
    cyclic collector would rescan them again and again (it made a 10k-person file 3x slower)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_text(text: str, *, filename: str = "<input>") -> LoadedFile:
    with _collector_paused():
        return _load_text(text, filename)


def _load_text(text: str, filename: str) -> LoadedFile:
    try:
        raw = read_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise OkrFileError(
            [Problem(filename, line, None, f"YAML syntax error: {reason}")]
        ) from None
    except yaml.YAMLError as exc:
        raise OkrFileError([Problem(filename, None, None, f"YAML error: {exc}")]) from None
    if raw is None:
        raise OkrFileError(
            [
                Problem(
                    filename,
                    1,
                    None,
                    "the file is empty; an OKR file starts with "
                    "'version: 1' and 'organization: <name>' (see docs/okr-file.md)",
                )
            ]
        )
    if not isinstance(raw, LineDict):
        raise OkrFileError(
            [
                Problem(
                    filename,
                    1,
                    None,
                    "expected a mapping with version, organization, people, "
                    f"teams, cycles and objectives, found {type(raw).__name__}",
                )
            ]
        )
    return _Builder(filename, raw).build()


def _binary(filename: str) -> Problem:
    return Problem(filename, None, None, "this is not a text file; an OKR file is UTF-8 YAML")


_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(list[entry])  # type: ignore[valid-type]
    for name, entry in s.SECTIONS.items()
}
_ENTRY_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(entry) for name, entry in s.SECTIONS.items()
}
_KEY_RESULT_ADAPTER = TypeAdapter(s.KeyResultEntry)
# Pydantic names the member types of a union in an error's location; users never wrote them.
_UNION_MEMBERS = frozenset({"int", "float", "bool", "str", "none"})


def _describe(error: Any) -> str:
    """Pydantic's message, with a hint where its wording alone would puzzle a user."""
    message = str(error["msg"])
    kind = error["type"]
    field = next((p for p in reversed(error["loc"]) if isinstance(p, str)), "")
    if kind == "extra_forbidden":
        return f"unknown field '{field}' (check its spelling; see docs/okr-file.md)"
    if kind == "missing":
        return f"'{field}' is required"
    if kind == "string_pattern_mismatch":
        return (
            f"'{field}' must be an id of letters, digits, '.', '_' and '-' (got {error['input']!r})"
        )
    if kind in ("string_type",) and field in ("id", "owner", "cycle", "parent", "lead"):
        return f"'{field}' must be a text id; quote it (got {error['input']!r})"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return f"'{field}' must be a date written YYYY-MM-DD (got {error['input']!r})"
    if kind == "number_range":
        return str(number_problem(error["input"], what=f"'{field}'"))
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    if message.startswith("Input should") and field:
        got = error.get("input")
        suffix = f" (got {shown(got)})" if isinstance(got, str | int | float) else ""
        return f"'{field}' should{message.removeprefix('Input should')}{suffix}"
    return f"'{field}': {message}" if field else message


def _not_a_number(field: str, got: object) -> str:
    """Why a value is not a number, and how to write it: a text such as "6,70" (YAML reads
    6,70 unquoted as text too) is told what the pages and the API tell it."""
    if isinstance(got, str):
        try:
            number_from_text(got)
        except NumberTextError as exc:
            if exc.separator:
                return f"'{field}' must be a number: {exc}"
        else:
            return f"'{field}' must be a number, not text: write {got.strip()} without quotes"
    return f"'{field}' must be a number (got {shown(got)})"


class _Builder:
    def __init__(self, filename: str, raw: LineDict) -> None:
        self.filename = filename
        self.raw = raw
        self.problems: list[Problem] = []
        self.lines: dict[str, int] = {}
        self.nodes: dict[str, LineDict] = {}
        # Every id found anywhere, even in entries that failed validation: a reference to an
        # entry that is broken for another reason is not reported a second time.
        self.known_ids: set[str] = set()

    # --- problems ----------------------------------------------------------------------------

    def problem(self, line: int | None, id_: str | None, message: str) -> None:
        self.problems.append(Problem(self.filename, line, id_, message))

    def validation_problems(self, exc: ValidationError, prefix: tuple[Any, ...]) -> None:
        seen: set[tuple[Any, ...]] = set()
        for error in exc.errors():
            loc = prefix + tuple(p for p in error["loc"] if p not in _UNION_MEMBERS)
            if len(loc) < len(prefix) + len(error["loc"]):
                # A value matched none of int/float/bool: one message, not one per member.
                if loc in seen:
                    continue
                seen.add(loc)
                field = next((p for p in reversed(loc) if isinstance(p, str)), "value")
                message = _not_a_number(field, error["input"])
            else:
                message = _describe(error)
            line, id_ = line_of(self.raw, loc)
            self.problem(line, id_, message)

    # --- pass 2: shapes -------------------------------------------------------------------------

    def build(self) -> LoadedFile:
        try:
            envelope = s.FileEnvelope.model_validate(self.raw)
        except ValidationError as exc:
            self.validation_problems(exc, ())
            raise OkrFileError(self.problems) from None
        try:
            settings = s.SettingsEntry.model_validate(envelope.settings)
        except ValidationError as exc:
            self.validation_problems(exc, ("settings",))
            settings = s.SettingsEntry()
        entries = {name: self.section(name, getattr(envelope, name)) for name in s.SECTIONS}
        self.collect_ids()
        self.check_references(entries)
        if self.problems:
            raise OkrFileError(self.problems)
        organization = _to_core(envelope.organization, settings, entries)
        return LoadedFile(self.filename, organization, self.lines)

    def section(self, name: str, items: list[Any]) -> list[Any]:
        try:
            return list(_ADAPTERS[name].validate_python(items))
        except ValidationError:
            pass
        # Only on the error path: validate entry by entry to keep the good ones and report
        # every bad one with its own line.
        valid = []
        for index, item in enumerate(items):
            entry = item
            if name == "objectives" and isinstance(item, dict):
                entry = self.objective_with_valid_key_results(item, index)
            try:
                valid.append(_ENTRY_ADAPTERS[name].validate_python(entry))
            except ValidationError as exc:
                self.validation_problems(exc, (name, index))
        return valid

    def objective_with_valid_key_results(self, item: dict[str, Any], index: int) -> dict[str, Any]:
        """Check key results one by one, so a bad one does not hide the objective's problems."""
        krs = item.get("key_results")
        if not isinstance(krs, list):
            return item
        valid = []
        for kr_index, kr in enumerate(krs):
            try:
                valid.append(_KEY_RESULT_ADAPTER.validate_python(kr))
            except ValidationError as exc:
                self.validation_problems(exc, ("objectives", index, "key_results", kr_index))
        return {**item, "key_results": valid}

    # --- pass 3: references --------------------------------------------------------------------

    def collect_ids(self) -> None:
        first_line: dict[str, int] = {}

        def visit(entry: Any) -> None:
            if not isinstance(entry, LineDict) or not isinstance(entry.get("id"), str):
                return
            id_ = entry["id"]
            line = entry.key_lines.get("id", entry.line)
            if id_ in first_line:
                self.problem(
                    line,
                    id_,
                    f"duplicate id '{id_}' (first defined at line "
                    f"{first_line[id_]}); ids must be unique across the whole file",
                )
            else:
                first_line[id_] = line
                self.nodes[id_] = entry
            self.known_ids.add(id_)

        for name in s.SECTIONS:
            section = self.raw.get(name)
            for entry in section if isinstance(section, list) else ():
                visit(entry)
                if name == "objectives" and isinstance(entry, LineDict):
                    krs = entry.get("key_results")
                    for kr in krs if isinstance(krs, list) else ():
                        visit(kr)
        self.lines = first_line

    def ref(
        self, id_: str | None, kinds: dict[str, Any], what: str, *, at: str, field: str
    ) -> None:
        """Report ``id_`` when it names nothing of the expected kind."""
        if id_ is None or id_ in kinds:
            return
        if id_ in self.known_ids and id_ not in self.valid_ids:
            return  # that entry has its own problem already
        node = self.nodes.get(at)
        where = node.key_lines.get(field.split(".", maxsplit=1)[0], node.line) if node else None
        if id_ in self.valid_ids:
            self.problem(where, at, f"'{field}' must name {what}, but '{id_}' is not one")
        else:
            self.problem(where, at, f"'{field}' names '{id_}', which is not {what} in this file")

    def check_references(self, entries: dict[str, list[Any]]) -> None:
        people = _first_by_id(entries["people"])
        teams = _first_by_id(entries["teams"])
        cycles = _first_by_id(entries["cycles"])
        objectives = _first_by_id(entries["objectives"])
        key_results = _first_by_id(kr for o in entries["objectives"] for kr in o.key_results)
        owners = {**people, **teams}
        self.valid_ids = set(owners) | set(cycles) | set(objectives) | set(key_results)
        self.valid_ids |= {d.id for d in entries["dependencies"]}

        for person in people.values():
            self.ref(person.manager, people, "a person", at=person.id, field="manager")
        for team in teams.values():
            self.ref(team.parent, teams, "a team", at=team.id, field="parent")
            self.ref(team.lead, people, "a person", at=team.id, field="lead")
            for member in team.members:
                self.ref(member, people, "a person", at=team.id, field="members")
        self.check_team_tree(teams)
        for cycle in cycles.values():
            self.ref(cycle.parent, cycles, "a cycle", at=cycle.id, field="parent")
        self.check_cycle_tree(cycles)
        for objective in objectives.values():
            self.check_objective(objective, people, teams, cycles, owners)
        objective_or_kr = {**objectives, **key_results}
        for dep in entries["dependencies"]:
            self.ref(
                dep.from_id, objective_or_kr, "an objective or key result", at=dep.id, field="from"
            )
            self.ref(dep.provider, teams, "a team", at=dep.id, field="provider")
            self.ref(dep.provider_kr, key_results, "a key result", at=dep.id, field="provider_kr")

    def check_objective(
        self,
        objective: s.ObjectiveEntry,
        people: dict[str, Any],
        teams: dict[str, Any],
        cycles: dict[str, Any],
        owners: dict[str, Any],
    ) -> None:
        oid = objective.id
        self.ref(objective.cycle, cycles, "a cycle", at=oid, field="cycle")
        cycle = cycles.get(objective.cycle)
        self.ref(objective.owner, owners, "a team or a person", at=oid, field="owner")
        if objective.umbrella:
            self.ref(objective.umbrella.owner, people, "a person", at=oid, field="umbrella.owner")
            for team in objective.umbrella.teams:
                self.ref(team, teams, "a team", at=oid, field="umbrella.teams")
        for kr in objective.key_results:
            if cycle is not None and kr.since is not None and kr.since > cycle.end:
                self.since_after_cycle(kr, cycle)
            self.ref(kr.owner, people, "a person", at=kr.id, field="owner")
            for contributor in kr.contributors:
                self.ref(contributor, owners, "a person or a team", at=kr.id, field="contributors")
            for checkin in kr.checkins:
                self.ref(checkin.by, people, "a person", at=kr.id, field="checkins.by")
                self.check_checkin_value(kr, checkin)

    def since_after_cycle(self, kr: s.KeyResultEntry, cycle: s.CycleEntry) -> None:
        node = self.nodes.get(kr.id)
        self.problem(
            node.key_lines.get("since", node.line) if node else self.lines.get(kr.id),
            kr.id,
            f"'since' is {kr.since}, after the end of its cycle '{cycle.id}' ({cycle.end}); "
            "a key result is added on or before its cycle's last day",
        )

    def check_checkin_value(self, kr: s.KeyResultEntry, checkin: s.CheckInEntry) -> None:
        value = checkin.value
        metric = kr.metric
        if value is None:
            return
        if metric == "boolean":
            ok, expected = isinstance(value, bool), "true or false"
        elif metric in ("rollup",) or isinstance(metric, s.MilestonesEntry):
            ok, expected = False, "no value (milestones and roll-ups take a confidence and note)"
        else:
            ok, expected = not isinstance(value, bool), "a number"
        if not ok:
            self.problem(
                self.lines.get(kr.id),
                kr.id,
                f"the check-in of {checkin.date} has value {shown(value)}; this key result's "
                f"check-ins take {expected}",
            )

    def check_team_tree(self, teams: dict[str, s.TeamEntry]) -> None:
        if not teams:
            self.problem(
                None, None, "there are no teams; list the company as the one team without a parent"
            )
            return
        roots = [t.id for t in teams.values() if t.parent is None]
        if len(roots) > 1:
            for root in roots[1:]:
                self.problem(
                    self.lines.get(root),
                    root,
                    f"a second team without a parent (the company is '{roots[0]}'); "
                    "give it a parent",
                )
        for team_id in _loops(teams, lambda t: t.parent):
            self.problem(
                self.lines.get(team_id),
                team_id,
                "the team's parents form a loop; one of them must have another parent",
            )
        if not roots and teams:
            self.problem(None, None, "no team is without a parent; the company team must have none")

    def check_cycle_tree(self, cycles: dict[str, s.CycleEntry]) -> None:
        for cycle in cycles.values():
            parent = cycles.get(cycle.parent) if cycle.parent else None
            if parent and not (parent.start <= cycle.start and cycle.end <= parent.end):
                self.problem(
                    self.lines.get(cycle.id),
                    cycle.id,
                    f"the cycle ({cycle.start}..{cycle.end}) does not lie inside its "
                    f"parent '{parent.id}' ({parent.start}..{parent.end})",
                )
        for cycle_id in _loops(cycles, lambda c: c.parent):
            self.problem(self.lines.get(cycle_id), cycle_id, "the cycle's parents form a loop")


def _first_by_id(entries: Iterable[Any]) -> dict[str, Any]:
    by_id: dict[str, Any] = {}
    for entry in entries:
        by_id.setdefault(entry.id, entry)
    return by_id


def _loops(entries: dict[str, Any], parent_of: Any) -> list[str]:
    """Ids whose chain of parents comes back to them."""
    on_loop: list[str] = []
    for start, entry in entries.items():
        seen = {start}
        current = parent_of(entry)
        while current in entries:
            if current == start:
                on_loop.append(start)
                break
            if current in seen:
                break
            seen.add(current)
            current = parent_of(entries[current])
    return on_loop


# --- conversion to the core model -------------------------------------------------------------


def _metric(entry: Any) -> m.Metric:
    if entry == "boolean":
        return m.BooleanMetric()
    if entry == "rollup":
        return m.RollupMetric()
    if isinstance(entry, s.NumericMetricEntry):
        return m.NumericMetric(entry.start, entry.target, entry.unit)
    if isinstance(entry, s.KeepAboveEntry):
        return m.ThresholdMetric(entry.keep_above, True, entry.unit)
    if isinstance(entry, s.KeepBelowEntry):
        return m.ThresholdMetric(entry.keep_below, False, entry.unit)
    assert isinstance(entry, s.MilestonesEntry)
    return m.MilestonesMetric(
        tuple(m.Milestone(ms.title, ms.weight, ms.done_on) for ms in entry.milestones)
    )


def _to_core(name: str, settings: s.SettingsEntry, entries: dict[str, list[Any]]) -> m.Organization:
    people = {p.id: m.Person(p.id, p.name, p.email, p.manager) for p in entries["people"]}
    teams = {}
    for t in entries["teams"]:
        members = tuple(dict.fromkeys(([t.lead] if t.lead else []) + list(t.members)))
        teams[t.id] = m.Team(t.id, t.name, t.parent, t.lead, members)
    cycles = {c.id: m.Cycle(c.id, c.start, c.end, c.parent) for c in entries["cycles"]}
    objectives: dict[str, m.Objective] = {}
    key_results: dict[str, m.KeyResult] = {}
    for o in entries["objectives"]:
        default_owner = o.owner if o.owner in people else None
        cycle = cycles[o.cycle]
        for kr in o.key_results:
            checkins = sorted(
                (m.CheckIn(c.date, c.value, c.confidence, c.note, c.by) for c in kr.checkins),
                key=lambda c: c.date,
            )
            override = (
                m.ScoreOverride(float(kr.score_override.score), kr.score_override.reason)
                if kr.score_override
                else None
            )
            key_results[kr.id] = m.KeyResult(
                id=kr.id,
                objective=o.id,
                title=kr.title,
                metric=_metric(kr.metric),
                owner=kr.owner or default_owner,
                contributors=tuple(kr.contributors),
                weight=kr.weight,
                checkins=tuple(checkins),
                score_override=override,
                description=kr.description,
                # Before the cycle's start is the start: held as None (see key_result_since).
                since=m.key_result_since(kr.since, cycle.start),
            )
        umbrella = m.Umbrella(o.umbrella.owner, tuple(o.umbrella.teams)) if o.umbrella else None
        objectives[o.id] = m.Objective(
            id=o.id,
            title=o.title,
            cycle=o.cycle,
            owner=o.owner,
            kind=m.Kind(o.kind),
            visibility=m.Visibility(o.visibility),
            aligns_to=o.aligns_to,
            umbrella=umbrella,
            description=o.description,
            key_results=tuple(kr.id for kr in o.key_results),
        )
    dependencies = {
        d.id: m.Dependency(
            d.id, d.from_id, d.provider, d.need, m.DependencyState(d.state), d.due, d.provider_kr
        )
        for d in entries["dependencies"]
    }
    return m.Organization(
        name=name,
        settings=m.Settings(**settings.model_dump()),
        people=people,
        teams=teams,
        cycles=cycles,
        objectives=objectives,
        key_results=key_results,
        dependencies=dependencies,
    )
