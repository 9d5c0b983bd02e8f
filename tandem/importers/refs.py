"""Who and what a source names (by id, e-mail or name), resolved against the document being
built and the organisation already in Tandem (so a re-import reuses the same ids)."""

from __future__ import annotations

from typing import Any

from tandem.core import model as m
from tandem.importers.ids import person_id_for_email, slug
from tandem.importers.periods import cycle_dates, cycle_id_for


class Refs:
    def __init__(self, known: m.Organization | None) -> None:
        self.known = known
        self.people: dict[str, dict[str, Any]] = {}
        self.teams: dict[str, dict[str, Any]] = {}
        self.cycles: dict[str, dict[str, Any]] = {}
        self.person_keys: dict[str, str] = {}
        self.team_keys: dict[str, str] = {}
        if known is not None:
            for person in known.people.values():
                self._person_key(person.id, person.id, person.email, person.name)
            for team in known.teams.values():
                self.team_keys[team.id.lower()] = team.id
                self.team_keys.setdefault(team.name.lower(), team.id)

    def _person_key(self, person_id: str, *keys: str | None) -> None:
        for key in keys:
            if key:
                self.person_keys.setdefault(key.strip().lower(), person_id)

    def person_id(self, *, given: str | None, email: str | None) -> str:
        """The id of a person the source defines: an existing one with that id or e-mail, else
        one derived from the source."""
        for key in (given, email):
            if key and key.lower() in self.person_keys:
                return self.person_keys[key.lower()]
        if given:
            return slug(given)
        assert email is not None
        return person_id_for_email(email)

    def add_person(self, entry: dict[str, Any]) -> None:
        self.people[entry["id"]] = entry
        self._person_key(entry["id"], entry["id"], entry.get("email"), entry.get("name"))

    def person(self, key: str | None) -> str | None:
        return self.person_keys.get(key.strip().lower()) if key else None

    def team_id(self, name: str) -> str:
        return self.team_keys.get(name.strip().lower()) or slug(name.lower(), prefix="team-")

    def add_team(self, entry: dict[str, Any]) -> None:
        self.teams[entry["id"]] = entry
        self.team_keys[entry["id"].lower()] = entry["id"]
        self.team_keys.setdefault(entry["name"].lower(), entry["id"])

    def team(self, key: str | None) -> str | None:
        return self.team_keys.get(key.strip().lower()) if key else None

    def known_root(self) -> str | None:
        root = self.known.root_team if self.known is not None else None
        return root.id if root is not None else None

    def has_cycle(self, cycle_id: str) -> bool:
        return cycle_id in self.cycles or (self.known is not None and cycle_id in self.known.cycles)

    def cycle(self, name: str) -> tuple[str | None, str | None]:
        """(cycle id, what was guessed) for a cycle named in a row; (None, None) when unknown."""
        if self.has_cycle(name):
            return name, None
        cycle_id = cycle_id_for(name)
        if cycle_id is None:
            return None, None
        if self.has_cycle(cycle_id):
            return cycle_id, None
        dates = cycle_dates(cycle_id)
        if dates is None:
            return None, None
        self.cycles[cycle_id] = {"id": cycle_id, "start": dates[0], "end": dates[1]}
        return cycle_id, f"cycle '{cycle_id}' ({dates[0]}..{dates[1]}) created for '{name}'"

    def nest_cycles(self) -> None:
        """Each cycle's parent: the shortest other cycle that holds it (Q1 inside 2025)."""
        spans = dict(self.cycles)
        if self.known is not None:
            for c in self.known.cycles.values():
                spans.setdefault(c.id, {"id": c.id, "start": c.start, "end": c.end})
        for cycle in self.cycles.values():
            holders = [
                other
                for other in spans.values()
                if other["id"] != cycle["id"]
                and other["start"] <= cycle["start"]
                and cycle["end"] <= other["end"]
                and (other["start"], other["end"]) != (cycle["start"], cycle["end"])
            ]
            if holders and "parent" not in cycle:
                best = min(holders, key=lambda c: c["end"] - c["start"])
                cycle["parent"] = best["id"]

    def ensure_root(self, name: str, notes: Any, where: str) -> None:
        """Exactly one team without a parent: the one already in Tandem, else the source's only
        root, else a company team made for the purpose (reported as guessed)."""
        roots = [t for t in self.teams.values() if not t.get("parent") and not t.get("_partial")]
        known_root = self.known_root()
        if known_root is not None:
            for team in roots:
                if team["id"] != known_root:
                    team["parent"] = known_root
            return
        if len(roots) <= 1:
            if not roots:
                self.add_team({"id": "company", "name": name})
                notes.guessed(where, None, f"a company team 'company' ({name}) was created")
            return
        self.add_team({"id": "company", "name": name})
        for team in roots:
            team["parent"] = "company"
        notes.guessed(
            where,
            None,
            f"{len(roots)} teams without a parent were put under a new company team 'company'",
        )
