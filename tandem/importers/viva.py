"""Viva Goals' organisation export: a ZIP of JSON arrays (time periods, users, teams, goals,
check-ins), read into an OKR-file document. docs/import.md says what maps to what."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tandem.importers.goals import Goal, GoalBuilder
from tandem.importers.html import html_to_text
from tandem.importers.ids import slug
from tandem.importers.notes import Notes
from tandem.importers.periods import cycle_id_for, parse_date
from tandem.importers.refs import Refs
from tandem.importers.safezip import CappedReader, ZipRefusedError, checked_zip

FILES = ("TimePeriods", "Users", "Teams", "objectives", "checkins")


def read_viva_zip(path: Path, refs: Refs, notes: Notes, organization: str) -> list[dict[str, Any]]:
    """The objectives of the export (people, teams and cycles go to ``refs``)."""
    data = _members(path, notes)
    if data is None:
        return []
    periods = _periods(data.get("TimePeriods", []), refs, notes)
    for user in data.get("Users", []):
        _user(user, refs, notes, "Users")
    _teams(data.get("Teams", []), refs, notes)
    refs.ensure_root(organization, notes, "Teams")
    builder = GoalBuilder(refs, notes)
    for item in data.get("objectives", []):
        goal = _goal(item, periods, refs, notes)
        if goal is not None:
            builder.add(goal)
    for item in data.get("checkins", []):
        _checkin(item, builder, refs, notes)
    return builder.objectives()


def _members(path: Path, notes: Notes) -> dict[str, list[Any]] | None:
    try:
        archive = checked_zip(path)
    except ZipRefusedError as exc:
        notes.problem(path.name, None, str(exc))
        return None
    found: dict[str, list[Any]] = {}
    with archive:
        reader = CappedReader(archive)
        for info in archive.infolist():
            kind = next((k for k in FILES if k.lower() in info.filename.lower()), None)
            if kind is None or info.is_dir():
                continue
            try:
                raw = reader.read(info.filename)
            except ZipRefusedError as exc:
                notes.problem(path.name, info.filename, str(exc))
                return None
            try:
                value = json.loads(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                notes.problem(f"{path.name}: {info.filename}", None, f"not JSON ({exc})")
                continue
            if not isinstance(value, list):
                notes.problem(f"{path.name}: {info.filename}", None, "expected a JSON array")
                continue
            found.setdefault(kind, []).extend(v for v in value if isinstance(v, dict))
    for kind in ("TimePeriods", "Users", "objectives"):
        if kind not in found:
            notes.problem(
                path.name, kind, f"no {kind} file in the archive; export the whole organisation"
            )
    return found


def _periods(items: list[Any], refs: Refs, notes: Notes) -> dict[str, str]:
    """Viva period id -> cycle id."""
    periods: dict[str, str] = {}
    for item in items:
        where = f"TimePeriods ID {item.get('ID')}"
        name = str(item.get("Time Period Name") or "").strip()
        start, end = parse_date(item.get("Start Date")), parse_date(item.get("End Date"))
        if start is None or end is None:
            notes.problem(where, "Start Date", f"period '{name}' has no readable start and end")
            continue
        cycle_id = cycle_id_for(name) if name else None
        if cycle_id is None:
            cycle_id = slug(str(item.get("ID")), prefix="viva-period-")
            notes.guessed(
                where,
                "Time Period Name",
                f"'{name}' is no period name Tandem reads; cycle '{cycle_id}' uses its dates",
            )
        refs.cycles.setdefault(cycle_id, {"id": cycle_id, "start": start, "end": end})
        periods[str(item.get("ID"))] = cycle_id
    refs.nest_cycles()
    return periods


def _user(user: Any, refs: Refs, notes: Notes, where: str) -> str | None:
    """The person id of a Viva user ({ID, Name, Email}), adding them when new."""
    if not isinstance(user, dict) or user.get("ID") is None:
        return None
    email = str(user.get("Email") or "").strip() or None
    known = refs.person(email) if email else None
    person_id = known or refs.person(f"viva:{user['ID']}") or slug(str(user["ID"]), prefix="viva-")
    if person_id not in refs.people:
        name = str(user.get("Name") or "").strip() or (email or person_id)
        entry: dict[str, Any] = {"id": person_id, "name": name}
        if email:
            entry["email"] = email
        else:
            notes.guessed(f"{where}: user {user['ID']}", "Email", f"{name} has no e-mail")
        refs.add_person(entry)
        refs.person_keys[f"viva:{user['ID']}"] = person_id
    return person_id


def _teams(items: list[Any], refs: Refs, notes: Notes) -> None:
    for item in items:
        name = str(item.get("Team Name") or "").strip()
        if not name:
            notes.problem(f"Teams ID {item.get('ID')}", "Team Name", "a team without a name")
            continue
        team_id = refs.team(name) or slug(str(item.get("ID")), prefix="viva-team-")
        owners = [_user(u, refs, notes, "Teams") for u in item.get("Team Owners") or []]
        members = [o for o in owners if o]
        entry: dict[str, Any] = {"id": team_id, "name": name, "members": members}
        if members:
            entry["lead"] = members[0]
        entry["_parent"] = str(item.get("Parent Team") or "").strip()
        refs.add_team(entry)
    for team in list(refs.teams.values()):
        parent = team.pop("_parent", "")
        if parent:
            parent_id = refs.team(parent)
            if parent_id is None:
                notes.problem(f"Teams: {team['name']}", "Parent Team", f"no team named '{parent}'")
            team["parent"] = parent_id


def _goal(item: dict[str, Any], periods: dict[str, str], refs: Refs, notes: Notes) -> Goal | None:
    where = f"objectives ID {item.get('ID')}"
    period = item.get("Time Period") or {}
    cycle = periods.get(str(period.get("ID"))) if isinstance(period, dict) else None
    owners = [_user(u, refs, notes, where) for u in item.get("Owner") or []]
    owner = next((o for o in owners if o), None) or _user(
        item.get("Created By"), refs, notes, where
    )
    alignments = [
        (str(a.get("ID")), a.get("Weight"))
        for a in item.get("Alignment") or []
        if isinstance(a, dict)
    ]
    alignments += [
        (str(p), None) for p in item.get("Parent IDs") or [] if str(p) not in dict(alignments)
    ]
    note = item.get("Description")
    return Goal(
        where=where,
        source_id=str(item.get("ID")),
        title=str(item.get("Title") or "").strip(),
        type=str(item.get("Type") or ""),
        owner=owner,
        team=_first_team(item.get("Teams"), refs),
        cycle=cycle,
        alignments=alignments,
        description=html_to_text(note) if isinstance(note, str) else None,
        outcome=outcome if isinstance(outcome := item.get("Outcome"), dict) else {},
        progress=item.get("Progress"),
        status=str(item.get("Status") or ""),
        score=item.get("Score"),
        goal_type=str(item.get("Goal Type") or ""),
        last_date=parse_date(item.get("Last Check-in")) or parse_date(item.get("End Date")),
    )


def _first_team(teams: Any, refs: Refs) -> str | None:
    for team in teams or []:
        if isinstance(team, dict) and (found := refs.team(str(team.get("Name") or ""))):
            return found
    return None


def _checkin(item: dict[str, Any], builder: GoalBuilder, refs: Refs, notes: Notes) -> None:
    where = f"checkins ID {item.get('ID')}"
    note = item.get("Check In Note")
    text = None
    if isinstance(note, dict):
        text = note.get("Check In Note") or html_to_text(note.get("Check In Note HTML") or "")
    elif isinstance(note, str):
        text = html_to_text(note)
    builder.checkin(
        where,
        goal_id=str(item.get("OKR ID")),
        on=parse_date(item.get("CheckIn Date")) or parse_date(item.get("Activity Date")),
        value=item.get("Current Value"),
        note=(text or "").strip() or None,
        by=_user(item.get("Check In Owner"), refs, notes, where),
    )
