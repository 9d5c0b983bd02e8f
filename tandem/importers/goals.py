"""Viva Goals' goals (Big rocks, KPIs, Projects) into objectives and key results.

Big rocks become objectives; KPIs key results of the Big rock they align to (with the
alignment's weight), or of an objective made for them; Projects become milestones of the KPI
they align to when that KPI has no metric of its own, and are dropped otherwise. Everything
guessed or dropped is noted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tandem import clock
from tandem.importers.ids import slug
from tandem.importers.notes import Notes
from tandem.importers.refs import Refs
from tandem.importers.tables import normal

_OBJECTIVE, _KEY_RESULT, _PROJECT = "objective", "key_result", "project"
_TYPES = {
    "bigrock": _OBJECTIVE,
    "objective": _OBJECTIVE,
    "goal": _OBJECTIVE,
    "kpi": _KEY_RESULT,
    "keyresult": _KEY_RESULT,
    "kr": _KEY_RESULT,
    "project": _PROJECT,
    "initiative": _PROJECT,
}


@dataclass(slots=True)
class Goal:
    where: str
    source_id: str
    title: str
    type: str
    owner: str | None
    team: str | None
    cycle: str | None
    alignments: list[tuple[str, Any]]
    description: str | None = None
    outcome: dict[str, Any] = field(default_factory=dict)
    progress: Any = None
    status: str = ""
    score: Any = None
    goal_type: str = ""
    last_date: date | None = None
    checkins: list[dict[str, Any]] = field(default_factory=list)


def weight_of(value: Any) -> float | None:
    """'50%' or 50 or 0.5 -> 0.5."""
    if isinstance(value, str):
        value = value.strip().removesuffix("%").strip()
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return value / 100 if value > 1 else float(value)
    return None


def as_number(value: Any) -> int | float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip().removesuffix("%"))
        except ValueError:
            return None
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else value
    return None


class GoalBuilder:
    def __init__(self, refs: Refs, notes: Notes, today: date | None = None) -> None:
        self.refs = refs
        self.notes = notes
        self.today = today or clock.today()
        self.goals: dict[str, Goal] = {}

    def add(self, goal: Goal) -> None:
        if not goal.title:
            self.notes.problem(goal.where, "Title", "a goal without a title")
            return
        kind = _TYPES.get(normal(goal.type))
        if kind is None:
            kind = _KEY_RESULT if goal.outcome.get("Outcome Type") == "Metric" else _OBJECTIVE
            self.notes.guessed(
                goal.where, "Type", f"'{goal.type}' read as {kind.replace('_', ' ')}"
            )
        goal.type = kind
        self.goals[goal.source_id] = goal

    def checkin(
        self,
        where: str,
        *,
        goal_id: str,
        on: date | None,
        value: Any,
        note: str | None,
        by: str | None,
    ) -> None:
        goal = self.goals.get(goal_id)
        if goal is None:
            self.notes.dropped(
                where, "OKR ID", f"a check-in of goal {goal_id}, which is not in the export"
            )
            return
        if on is None:
            self.notes.problem(where, "CheckIn Date", "a check-in without a readable date")
            return
        goal.checkins.append({"date": on, "value": value, "note": note, "by": by})

    def _id(self, goal: Goal) -> str:
        return slug(goal.source_id, prefix="viva-")

    def objectives(self) -> list[dict[str, Any]]:
        objectives: dict[str, dict[str, Any]] = {}
        for goal in self.goals.values():
            if goal.type == _OBJECTIVE:
                objectives[goal.source_id] = self._objective(goal)
        milestones = self._projects()
        for goal in self.goals.values():
            if goal.type == _KEY_RESULT:
                self._key_result(goal, objectives, milestones.get(goal.source_id, []))
        return list(objectives.values())

    def _objective(self, goal: Goal, *, entry_id: str | None = None) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": entry_id or self._id(goal), "title": goal.title}
        if goal.description:
            entry["description"] = goal.description[:5000]
        if goal.cycle is None:
            self.notes.problem(goal.where, "Time Period", "the goal has no known time period")
        entry["cycle"] = goal.cycle
        entry["owner"] = goal.owner or goal.team
        if entry["owner"] is None:
            self.notes.problem(goal.where, "Owner", "the goal has no owner and no team")
        if "commit" in goal.goal_type.lower():
            entry["kind"] = "committed"
        if goal.type == _OBJECTIVE:
            target = self._aligned(goal, (_OBJECTIVE, _KEY_RESULT))
            if target is not None:
                entry["aligns_to"] = self._id(target[0])
            if goal.checkins:
                self.notes.dropped(
                    goal.where,
                    "checkins",
                    f"{len(goal.checkins)} check-ins of a Big rock (objectives take none)",
                )
        entry["key_results"] = []
        return entry

    def _aligned(self, goal: Goal, kinds: tuple[str, ...]) -> tuple[Goal, float | None] | None:
        """The first goal of ``kinds`` it aligns to; the other alignments noted as dropped."""
        found = None
        for target_id, weight in goal.alignments:
            target = self.goals.get(target_id)
            if target is None:
                self.notes.dropped(
                    goal.where,
                    "Alignment",
                    f"aligned to goal {target_id}, which is not in the export",
                )
            elif found is None and target.type in kinds:
                found = (target, weight_of(weight))
            elif found is None:
                what = target.type.replace("_", " ")
                self.notes.dropped(
                    goal.where, "Alignment", f"aligned to {what} {target_id}, kept out here"
                )
            else:
                self.notes.dropped(
                    goal.where,
                    "Alignment",
                    f"a further alignment (to {target_id}); Tandem keeps one",
                )
        return found

    def _projects(self) -> dict[str, list[Goal]]:
        by_kpi: dict[str, list[Goal]] = {}
        for goal in self.goals.values():
            if goal.type != _PROJECT:
                continue
            target = self._aligned(goal, (_KEY_RESULT,))
            kpi = target[0] if target else None
            if kpi is not None and kpi.outcome.get("Outcome Type") != "Metric":
                by_kpi.setdefault(kpi.source_id, []).append(goal)
                self.notes.guessed(
                    goal.where,
                    "Type",
                    f"project '{goal.title}' is a milestone of key result {self._id(kpi)}",
                )
            else:
                why = "its key result has a metric" if kpi else "it aligns to no key result"
                self.notes.dropped(
                    goal.where, "Type", f"project '{goal.title}' ({why}): projects are not OKRs"
                )
        return by_kpi

    def _key_result(
        self, goal: Goal, objectives: dict[str, dict[str, Any]], projects: list[Goal]
    ) -> None:
        target = self._aligned(goal, (_OBJECTIVE, _KEY_RESULT))
        entry: dict[str, Any] = {"id": self._id(goal), "title": goal.title}
        if target is not None and target[0].type == _OBJECTIVE:
            objective = objectives[target[0].source_id]
            if target[1] is not None:
                entry["weight"] = target[1]
        else:
            objective = self._objective(goal, entry_id=f"{self._id(goal)}-o")
            objectives[f"{goal.source_id}-o"] = objective
            made = f"a key result under no Big rock: objective {objective['id']} made for it"
            if target is not None:  # under another KPI: its objective aligns to that one
                objective["aligns_to"] = self._id(target[0])
                made += f", aligned to key result {objective['aligns_to']}"
            self.notes.guessed(goal.where, "Alignment", made)
        if goal.description:
            entry["description"] = goal.description[:5000]
        if goal.owner:
            entry["owner"] = goal.owner
        entry["metric"] = self._metric(goal, projects)
        entry["checkins"] = self._checkins(goal, entry["metric"])
        score = as_number(goal.score)
        if score is not None and self._closed(goal):
            entry["score_override"] = {
                "score": min(1, score / 100 if score > 1 else score),
                "reason": "Score in Viva Goals",
            }
        objective["key_results"].append(entry)

    def _closed(self, goal: Goal) -> bool:
        cycle = self.refs.cycles.get(goal.cycle or "")
        return goal.status.lower() == "closed" or (cycle is not None and cycle["end"] < self.today)

    def _metric(self, goal: Goal, projects: list[Goal]) -> Any:
        if projects:
            return {"milestones": [self._milestone(p) for p in projects]}
        outcome = goal.outcome
        unit = str(outcome.get("Metric Unit") or "").strip() or None
        start, target = as_number(outcome.get("Start")), as_number(outcome.get("Target"))
        direction = str(outcome.get("Target Type") or "").lower()
        if outcome.get("Outcome Type") != "Metric":
            return {"start": 0, "target": 100, "unit": "%"}
        if "complete" in direction:
            return "boolean"
        if target is None:
            self.notes.guessed(
                goal.where, "Outcome", "a metric without a target: read as a percentage"
            )
            return {"start": 0, "target": 100, "unit": "%"}
        if "maintain" in direction:
            key = "keep_below" if start is not None and start > target else "keep_above"
            return {key: target} | ({"unit": unit} if unit else {})
        if start is None:
            start = 0
            self.notes.guessed(goal.where, "Outcome", "a metric without a start: 0")
        if start == target:
            self.notes.guessed(goal.where, "Outcome", "start equals target: kept above the target")
            return {"keep_above": target} | ({"unit": unit} if unit else {})
        return {"start": start, "target": target} | ({"unit": unit} if unit else {})

    def _milestone(self, project: Goal) -> dict[str, Any]:
        entry: dict[str, Any] = {"title": project.title[:500]}
        done = project.status.lower() == "closed" or as_number(project.progress) == 100
        if done and project.last_date is not None:
            entry["done_on"] = project.last_date
        return entry

    def _checkins(self, goal: Goal, metric: Any) -> list[dict[str, Any]]:
        result = []
        for checkin in sorted(goal.checkins, key=lambda c: c["date"]):
            entry: dict[str, Any] = {"date": checkin["date"]}
            value = as_number(checkin["value"])
            if metric == "boolean":
                entry["value"] = value is not None and value >= 100
            elif isinstance(metric, dict) and "milestones" not in metric:
                entry["value"] = value
            if checkin["note"]:
                entry["note"] = checkin["note"]
            if checkin["by"]:
                entry["by"] = checkin["by"]
            result.append(entry)
        return result
