"""Spreadsheets (CSV, XLSX): people, teams and OKRs, one table each, into an OKR-file document.

A table's kind comes from its headers (or its sheet's name); headers are recognised by common
names without regard to case or spaces, and others through a mapping file (``--map``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tandem.importers.ids import slug
from tandem.importers.notes import Notes
from tandem.importers.refs import Refs
from tandem.importers.tables import Row, Table, normal, text

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "people": {
        "id": ("id", "personid", "userid", "employeeid", "username"),
        "email": ("email", "emailaddress", "mail", "workemail", "e-mail"),
        "name": ("name", "fullname", "displayname", "person", "employee"),
        "manager": ("manager", "managerid", "manageremail", "reportsto"),
        "team": ("team", "teamid", "teamname", "department"),
    },
    "teams": {
        "id": ("id", "teamid"),
        "name": ("name", "team", "teamname"),
        "parent": ("parent", "parentteam", "parentid", "parentteamid", "parentteamname"),
        "lead": ("lead", "teamlead", "leader", "leademail", "teamowner"),
    },
    "okrs": {
        "id": ("id", "okrid", "key", "ref", "reference", "okrreference"),
        "type": ("type", "kind", "level", "okrtype", "objecttype"),
        "title": ("title", "name", "okr", "objective", "keyresult", "goal"),
        "parent": ("parent", "parentid", "parentokr", "alignsto", "alignedto", "objectiveid"),
        "owner": ("owner", "owneremail", "ownerid", "assignee"),
        "cycle": ("cycle", "period", "timeperiod", "quarter"),
        "start": ("start", "startvalue", "baseline", "from"),
        "target": ("target", "targetvalue", "to"),
        "unit": ("unit", "metricunit"),
        "weight": ("weight",),
        "description": ("description", "details", "notes"),
        "commitment": ("commitment", "goaltype", "okrkind"),
    },
}
SHEET_NAMES = {
    "people": ("people", "persons", "users", "employees", "staff"),
    "teams": ("teams", "team", "departments"),
    "okrs": ("okrs", "okr", "objectives", "goals"),
}
_OBJECTIVE = {"objective", "o", "obj", "goal", "bigrock"}
_KEY_RESULT = {"keyresult", "kr", "key", "kpi", "metric", "result"}


def columns(kind: str, headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Our field -> the table's header, from the mapping file first, then the synonyms."""
    found: dict[str, str] = {}
    for header in headers:
        field = mapping.get(normal(header))
        if field in SYNONYMS[kind] and field not in found:
            found[field] = header
    for header in headers:
        for field, names in SYNONYMS[kind].items():
            if field not in found and normal(header) in {normal(n) for n in names}:
                found[field] = header
    return found


def table_kind(table: Table, mapping: dict[str, str]) -> str | None:
    name = normal(table.name.rsplit(".", 1)[0])
    for kind, names in SHEET_NAMES.items():
        if name in names:
            return kind
    okr = columns("okrs", table.headers, mapping)
    if "cycle" in okr or "type" in okr or "target" in okr:
        return "okrs"
    people = columns("people", table.headers, mapping)
    if "email" in people or "manager" in people:
        return "people"
    teams = columns("teams", table.headers, mapping)
    if "lead" in teams or "parent" in teams:
        return "teams"
    return None


class SpreadsheetReader:
    def __init__(self, refs: Refs, notes: Notes, mapping: dict[str, str], *, xlsx: bool) -> None:
        self.refs = refs
        self.notes = notes
        self.mapping = {normal(k): v for k, v in mapping.items()}
        self.xlsx = xlsx
        self.memberships: list[tuple[str, str, str]] = []  # (person, team, where)
        self.okr_rows: list[tuple[Row, dict[str, str]]] = []

    def read(self, tables: Iterable[Table]) -> None:
        for table in tables:
            kind = table_kind(table, self.mapping)
            if kind is None:
                self.notes.problem(
                    table.name,
                    None,
                    "cannot tell whether this table holds people, teams or OKRs from its headers "
                    f"({', '.join(table.headers)}); rename the columns to headers Tandem "
                    "recognises (docs/import.md lists them), or map yours with "
                    "`tandem import --map FILE`",
                )
                continue
            cols = columns(kind, table.headers, self.mapping)
            for header in table.headers:
                if header and header not in cols.values():
                    self.notes.dropped(table.name, header, "column not recognised; ignored")
            if kind == "okrs":
                self.okr_rows.extend((row, cols) for row in table.rows)
            else:
                reader = self._person if kind == "people" else self._team
                for row in table.rows:
                    reader(row, cols)

    def _get(self, row: Row, cols: dict[str, str], field: str) -> Any:
        header = cols.get(field)
        return row.values.get(header) if header else None

    def _person(self, row: Row, cols: dict[str, str]) -> None:
        given, email = text(self._get(row, cols, "id")), text(self._get(row, cols, "email"))
        name = text(self._get(row, cols, "name"))
        if not given and not email:
            self.notes.problem(row.where, "id", "a person needs an id or an e-mail")
            return
        if not name:
            self.notes.problem(row.where, "name", "a person needs a name")
            return
        entry: dict[str, Any] = {"id": self.refs.person_id(given=given, email=email), "name": name}
        if email:
            entry["email"] = email
        if manager := text(self._get(row, cols, "manager")):
            entry["_manager"] = (manager, row.where)
        if team := text(self._get(row, cols, "team")):
            self.memberships.append((entry["id"], team, row.where))
        self.refs.add_person(entry)

    def _team(self, row: Row, cols: dict[str, str]) -> None:
        given, name = text(self._get(row, cols, "id")), text(self._get(row, cols, "name"))
        if not name:
            self.notes.problem(row.where, "name", "a team needs a name")
            return
        entry: dict[str, Any] = {"id": slug(given) if given else self.refs.team_id(name)}
        entry["name"] = name
        entry["_parent"] = (text(self._get(row, cols, "parent")), row.where)
        entry["_lead"] = (text(self._get(row, cols, "lead")), row.where)
        self.refs.add_team(entry)

    def finish(self, organization: str) -> None:
        """Resolve the references once every table is read."""
        for person in self.refs.people.values():
            manager, where = person.pop("_manager", (None, ""))
            if manager:
                person["manager"] = self._person_ref(manager, where, "manager")
        for team in self.refs.teams.values():
            parent, where = team.pop("_parent", (None, ""))
            if parent:
                team["parent"] = self.refs.team(parent)
                if team["parent"] is None:
                    self._missing(where, "parent", parent)
            lead, where = team.pop("_lead", (None, ""))
            if lead:
                team["lead"] = self._person_ref(lead, where, "lead")
        for person_id, team_name, where in self.memberships:
            team_id = self.refs.team(team_name)
            if team_id is None:
                team_id = self.refs.team_id(team_name)
                self.refs.add_team({"id": team_id, "name": team_name})
                self.notes.guessed(where, "team", f"team '{team_name}' created (no such team)")
            entry = self.refs.teams.get(team_id)
            if entry is None:  # a team already in Tandem: its entry comes from there
                entry = {"id": team_id, "_partial": True, "members": []}
                self.refs.teams[team_id] = entry
            entry.setdefault("members", []).append(person_id)
        self.refs.ensure_root(organization, self.notes, "teams")

    def _person_ref(self, key: str, where: str, field: str) -> str | None:
        found = self.refs.person(key)
        if found is None:
            self.notes.problem(where, field, f"'{key}' is no person in the file or in Tandem")
        return found

    def _missing(self, where: str, field: str, key: str) -> None:
        self.notes.problem(where, field, f"'{key}' is no team in the file or in Tandem")
