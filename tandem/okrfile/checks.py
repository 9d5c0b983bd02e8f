"""Passes 2 and 3 of reading an OKR file: the shape of each entry and the references between
entries, each pass collecting every problem before giving up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from tandem.core.numbers import shown
from tandem.okrfile import schema as s
from tandem.okrfile.messages import UNION_MEMBERS, describe, not_a_number
from tandem.okrfile.problems import OkrFileError, Problem
from tandem.okrfile.yamlio import LineDict, line_of

_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(list[entry])  # type: ignore[valid-type]
    for name, entry in s.SECTIONS.items()
}
_ENTRY_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(entry) for name, entry in s.SECTIONS.items()
}
_KEY_RESULT_ADAPTER = TypeAdapter(s.KeyResultEntry)


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """An OKR file that passed every check, as validated entries."""

    organization: str
    settings: s.SettingsEntry
    entries: dict[str, list[Any]]


class FileChecker:
    """Collects the problems of one file; ``lines`` maps each id to where it is defined."""

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
            loc = prefix + tuple(p for p in error["loc"] if p not in UNION_MEMBERS)
            if len(loc) < len(prefix) + len(error["loc"]):
                # A value matched none of int/float/bool: one message, not one per member.
                if loc in seen:
                    continue
                seen.add(loc)
                field = next((p for p in reversed(loc) if isinstance(p, str)), "value")
                message = not_a_number(field, error["input"])
            else:
                message = describe(error)
            line, id_ = line_of(self.raw, loc)
            self.problem(line, id_, message)

    # --- pass 2: shapes -------------------------------------------------------------------------

    def check(self) -> CheckedFile:
        """The valid entries of every section; raises :class:`OkrFileError` with every problem."""
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
        return CheckedFile(envelope.organization, settings, entries)

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
        people = first_by_id(entries["people"])
        teams = first_by_id(entries["teams"])
        cycles = first_by_id(entries["cycles"])
        objectives = first_by_id(entries["objectives"])
        key_results = first_by_id(kr for o in entries["objectives"] for kr in o.key_results)
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
        objective_id = objective.id
        self.ref(objective.cycle, cycles, "a cycle", at=objective_id, field="cycle")
        cycle = cycles.get(objective.cycle)
        self.ref(objective.owner, owners, "a team or a person", at=objective_id, field="owner")
        if objective.umbrella:
            self.ref(
                objective.umbrella.owner,
                people,
                "a person",
                at=objective_id,
                field="umbrella.owner",
            )
            for team in objective.umbrella.teams:
                self.ref(team, teams, "a team", at=objective_id, field="umbrella.teams")
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
        for team_id in loops(teams, lambda t: t.parent):
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
        for cycle_id in loops(cycles, lambda c: c.parent):
            self.problem(self.lines.get(cycle_id), cycle_id, "the cycle's parents form a loop")


def first_by_id(entries: Iterable[Any]) -> dict[str, Any]:
    by_id: dict[str, Any] = {}
    for entry in entries:
        by_id.setdefault(entry.id, entry)
    return by_id


def loops(entries: dict[str, Any], parent_of: Any) -> list[str]:
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
