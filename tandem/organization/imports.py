"""``tandem import``: upsert an OKR file into the database, all or nothing.

The file is loaded and checked by :mod:`tandem.okrfile` first; then the organisation in the
database (read by :func:`~tandem.organization.selectors.organization_load`) and the file's are
compared id by id into an :class:`ImportPlan`, the plan is checked against the rules the file
cannot know (closed cycles), and only then is anything written, in one transaction, in batches.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from tandem.checkins.models import CheckIn
from tandem.core import model as m
from tandem.dependencies.models import Dependency, DependencyEvent
from tandem.okrs.models import Contributor, Cycle, KeyResult, Milestone, Objective, UmbrellaTeam
from tandem.organization.models import OrganizationSettings
from tandem.organization.selectors import organization_load
from tandem.people.models import Membership, Person, Team

# progress(stage, done, total): called as rows are written, so a command can show a bar.
Progress = Callable[[str, int, int], None]
KINDS = ("people", "teams", "cycles", "objectives", "key_results", "dependencies")
BATCH = 2000
_T = TypeVar("_T")


class ImportRefusedError(Exception):
    """The file cannot be imported as it is; ``problems`` says every reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = list(problems)


@dataclass
class KindPlan:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    kinds: dict[str, KindPlan] = field(default_factory=lambda: {k: KindPlan() for k in KINDS})
    settings_changed: bool = False
    checkins_added: int = 0
    checkins_kept: int = 0
    checkins_deleted: int = 0
    # Filled while planning, used while writing.
    new_checkins: list[tuple[str, m.CheckIn]] = field(default_factory=list, repr=False)
    stale_checkins: list[tuple[str, m.CheckIn]] = field(default_factory=list, repr=False)
    deletion_levels: dict[str, list[list[str]]] = field(default_factory=dict, repr=False)
    # When the company team changes: (old, new). The new one hangs under the old one until
    # the old one is deleted or moved, as there is only ever one team without a parent.
    old_root: str | None = field(default=None, repr=False)
    new_root: str | None = field(default=None, repr=False)

    @property
    def changes(self) -> int:
        counted = sum(len(k.created) + len(k.updated) + len(k.deleted) for k in self.kinds.values())
        return counted + self.checkins_added + self.checkins_deleted + int(self.settings_changed)

    @property
    def deletions(self) -> dict[str, list[str]]:
        return {kind: plan.deleted for kind, plan in self.kinds.items() if plan.deleted}


def organization_import(
    *,
    org: m.Organization,
    source: str,
    today: date,
    prune: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportPlan:
    """Bring the database in line with ``org``; with ``dry_run`` only say what would change.

    Objects missing from ``org`` stay unless ``prune``. Raises :class:`ImportRefusedError` (and
    writes nothing) when the file would change a closed cycle.
    """
    with transaction.atomic():
        current = organization_load()
        cycle_states = dict(Cycle.objects.values_list("id", "state"))
        plan = _plan(current, org, prune=prune)
        problems = _root_problems(current, org, plan)
        problems += _closed_cycle_problems(current, org, plan, cycle_states)
        if problems:
            raise ImportRefusedError(problems)
        if dry_run or not plan.changes:
            return plan
        try:
            _Writer(org, plan, source=source, today=today, progress=progress).write()
        except IntegrityError as exc:  # a rule the loader does not know; report, keep nothing
            raise ImportRefusedError([f"the database refused the data: {exc}"]) from exc
    return plan


# --- planning --------------------------------------------------------------------------------


def _comparable(kind: str, value: Any) -> Any:
    """What counts as a change: check-ins are planned separately, key results belong to
    their own kind."""
    if kind == "key_results":
        return dataclasses.replace(value, checkins=())
    if kind == "objectives":
        return dataclasses.replace(value, key_results=())
    return value


def _plan(current: m.Organization, new: m.Organization, *, prune: bool) -> ImportPlan:
    plan = ImportPlan()
    plan.settings_changed = current.settings != new.settings or current.name != new.name
    old_root, new_root = current.root_team, new.root_team
    if old_root and new_root and old_root.id != new_root.id:
        plan.old_root, plan.new_root = old_root.id, new_root.id
    for kind in KINDS:
        old_items: dict[str, Any] = getattr(current, kind)
        new_items: dict[str, Any] = getattr(new, kind)
        kind_plan = plan.kinds[kind]
        for item_id, item in new_items.items():
            old = old_items.get(item_id)
            if old is None:
                kind_plan.created.append(item_id)
            elif _comparable(kind, old) != _comparable(kind, item) or (
                kind == "key_results" and _index(current, old) != _index(new, item)
            ):
                kind_plan.updated.append(item_id)
            else:
                kind_plan.unchanged += 1
        if prune:
            kind_plan.deleted = [item_id for item_id in old_items if item_id not in new_items]
    for kr_id, kr in new.key_results.items():
        old_kr = current.key_results.get(kr_id)
        have = Counter(_checkin_key(c) for c in old_kr.checkins) if old_kr else Counter()
        for checkin in kr.checkins:
            key = _checkin_key(checkin)
            if have[key] > 0:
                have[key] -= 1
                plan.checkins_kept += 1
            else:
                plan.new_checkins.append((kr_id, checkin))
        if prune and old_kr:
            # What is left in ``have`` is in the database but not in the file.
            for checkin in old_kr.checkins:
                key = _checkin_key(checkin)
                if have[key] > 0:
                    have[key] -= 1
                    plan.stale_checkins.append((kr_id, checkin))
    if prune:
        for kind in ("teams", "cycles"):
            plan.deletion_levels[kind] = _leaves_first(
                getattr(current, kind), plan.kinds[kind].deleted
            )
    plan.checkins_added = len(plan.new_checkins)
    plan.checkins_deleted = len(plan.stale_checkins)
    if prune:
        plan.checkins_deleted += sum(
            len(current.key_results[kr_id].checkins) for kr_id in plan.kinds["key_results"].deleted
        )
    return plan


def _leaves_first(tree: dict[str, Any], ids: list[str]) -> list[list[str]]:
    """``ids`` grouped by depth in ``tree`` (items with a ``parent``), deepest first."""

    def depth(item_id: str) -> int:
        seen = 0
        parent = tree[item_id].parent
        while parent is not None and parent in tree and seen < len(tree):
            seen += 1
            parent = tree[parent].parent
        return seen

    levels: dict[int, list[str]] = {}
    for item_id in ids:
        levels.setdefault(depth(item_id), []).append(item_id)
    return [levels[d] for d in sorted(levels, reverse=True)]


def _index(org: m.Organization, kr: m.KeyResult) -> int:
    objective = org.objectives.get(kr.objective)
    return objective.key_results.index(kr.id) if objective else -1


def _checkin_key(checkin: m.CheckIn) -> tuple[Any, ...]:
    # 800 and 800.0 are different entries: reports show the value as it was entered.
    value = checkin.value
    return (checkin.date, type(value).__name__, value, checkin.confidence, checkin.note, checkin.by)


def _closed_cycle_problems(
    current: m.Organization, new: m.Organization, plan: ImportPlan, states: dict[str, str]
) -> list[str]:
    """A closed cycle is read-only except for grading: list every change the file makes to one."""
    closed = {cid for cid, state in states.items() if state == Cycle.State.CLOSED}
    if not closed:
        return []
    problems: list[str] = []

    def cycle_of(objective_id: str) -> str | None:
        found = current.objectives.get(objective_id) or new.objectives.get(objective_id)
        return found.cycle if found else None

    def refuse(what: str, item_id: str, cycle_id: str, change: str) -> None:
        problems.append(
            f"{item_id}: {change} {what} of cycle '{cycle_id}', which is closed; closed "
            "cycles are read-only except for score overrides (reopen the cycle in the "
            "admin first)"
        )

    cycles = plan.kinds["cycles"]
    for cycle_id in cycles.updated + cycles.deleted:
        if cycle_id in closed:
            refuse("the dates or parent", cycle_id, cycle_id, "changes")
    objectives = plan.kinds["objectives"]
    for change, ids in (
        ("adds", objectives.created),
        ("changes", objectives.updated),
        ("deletes", objectives.deleted),
    ):
        for objective_id in ids:
            in_closed = {cycle_of(objective_id)}
            if objective_id in current.objectives and objective_id in new.objectives:
                in_closed.add(new.objectives[objective_id].cycle)
            for cycle_id in sorted(c for c in in_closed if c in closed):
                refuse("an objective", objective_id, cycle_id, change)
    key_results = plan.kinds["key_results"]
    for change, ids in (
        ("adds", key_results.created),
        ("changes", key_results.updated),
        ("deletes", key_results.deleted),
    ):
        for kr_id in ids:
            kr = new.key_results.get(kr_id) or current.key_results[kr_id]
            kr_cycle = cycle_of(kr.objective)
            if kr_cycle is None or kr_cycle not in closed:
                continue
            old = current.key_results.get(kr_id)
            if change == "changes" and old is not None and _grading_only(old, kr):
                continue
            refuse("a key result", kr_id, kr_cycle, change)
    for label, checkins in (
        ("adds check-ins to", plan.new_checkins),
        ("deletes check-ins of", plan.stale_checkins),
    ):
        for kr_id in dict.fromkeys(kr_id for kr_id, _ in checkins):
            kr = new.key_results.get(kr_id) or current.key_results[kr_id]
            checkin_cycle = cycle_of(kr.objective)
            if checkin_cycle is not None and checkin_cycle in closed:
                refuse("a key result", kr_id, checkin_cycle, label)
    return problems


def _root_problems(current: m.Organization, new: m.Organization, plan: ImportPlan) -> list[str]:
    old_root, new_root = current.root_team, new.root_team
    if old_root is None or new_root is None or old_root.id == new_root.id:
        return []
    if old_root.id in plan.kinds["teams"].deleted:
        return []
    moved = new.teams.get(old_root.id)
    if moved is not None and moved.parent is not None:
        return []
    return [
        f"{new_root.id}: the file's company team (the team without a parent) is '{new_root.id}' "
        f"but the database's is '{old_root.id}'; give '{old_root.id}' a parent in the file, or "
        "import with --prune to remove it"
    ]


def _grading_only(old: m.KeyResult, new: m.KeyResult) -> bool:
    return dataclasses.replace(old, score_override=None, checkins=()) == dataclasses.replace(
        new, score_override=None, checkins=()
    )


# --- writing ---------------------------------------------------------------------------------


def _batches(items: Sequence[_T], size: int = BATCH) -> Iterable[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Writer:
    def __init__(
        self,
        org: m.Organization,
        plan: ImportPlan,
        *,
        source: str,
        today: date,
        progress: Progress | None,
    ) -> None:
        self.org = org
        self.plan = plan
        self.source = source
        self.today = today
        self.progress = progress
        self.total = plan.changes
        self.done = 0
        self.now = timezone.now()

    def step(self, stage: str, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(stage, self.done, self.total)

    def write(self) -> None:
        if self.plan.settings_changed:
            self.settings()
            self.step("settings", 1)
        self.upsert("people", Person, self.person, ["name", "email", "manager"])
        self.upsert("teams", Team, self.team, ["name", "parent", "is_root", "lead"])
        self.children("teams", Membership, "team", self.memberships)
        self.upsert("cycles", Cycle, self.cycle, ["start", "end", "parent"])
        self.upsert(
            "objectives",
            Objective,
            self.objective,
            [
                "title",
                "description",
                "cycle",
                "owner_team",
                "owner_person",
                "kind",
                "visibility",
                "aligns_to",
                "is_umbrella",
                "umbrella_owner",
            ],
        )
        self.children("objectives", UmbrellaTeam, "objective", self.umbrella_teams)
        self.upsert(
            "key_results",
            KeyResult,
            self.key_result,
            [
                "objective",
                "title",
                "description",
                "owner",
                "weight",
                "form",
                "start",
                "target",
                "threshold",
                "unit",
                "override_score",
                "override_reason",
                "override_by",
                "override_at",
                "position",
            ],
        )
        self.children("key_results", Contributor, "key_result", self.contributors)
        self.children("key_results", Milestone, "key_result", self.milestones)
        self.checkins()
        self.dependencies()
        if self.plan.new_root is not None:
            if self.plan.old_root in self.plan.kinds["teams"].deleted:
                # About to go: hang it under the new company team to free the root's place.
                Team.objects.filter(id=self.plan.old_root).update(
                    parent=self.plan.new_root, is_root=False
                )
            Team.objects.filter(id=self.plan.new_root).update(parent=None, is_root=True)
        self.prune()

    # -- generic steps --

    def upsert(
        self,
        kind: str,
        model: type[models.Model],
        build: Callable[[Any, int], models.Model],
        fields: list[str],
    ) -> None:
        kind_plan = self.plan.kinds[kind]
        items: dict[str, Any] = getattr(self.org, kind)
        base = (model._default_manager.aggregate(top=models.Max("position"))["top"] or 0) + 1
        positions = {item_id: index for index, item_id in enumerate(items)}
        created = [build(items[i], base + positions[i]) for i in kind_plan.created]
        for batch in _batches(created):
            model._default_manager.bulk_create(batch)
            self.step(kind, len(batch))
        updated = [build(items[i], base + positions[i]) for i in kind_plan.updated]
        for batch in _batches(updated, 500):
            model._default_manager.bulk_update(batch, fields)
            self.step(kind, len(batch))

    def children(
        self,
        kind: str,
        model: type[models.Model],
        parent_field: str,
        build: Callable[[str], list[models.Model]],
    ) -> None:
        """Replace the rows that belong to created or updated parents (members, contributors...)."""
        kind_plan = self.plan.kinds[kind]
        if kind_plan.updated:
            for parents in _batches(kind_plan.updated):
                model._default_manager.filter(**{f"{parent_field}__in": parents}).delete()
        rows = [row for parent in kind_plan.created + kind_plan.updated for row in build(parent)]
        for batch in _batches(rows):
            model._default_manager.bulk_create(batch)

    # -- builders: core record -> model instance --

    def settings(self) -> None:
        values = {name: getattr(self.org.settings, name) for name in m.Settings.__slots__}
        OrganizationSettings.objects.update_or_create(
            pk=OrganizationSettings.SINGLETON, defaults={"name": self.org.name, **values}
        )

    def person(self, person: m.Person, position: int) -> Person:
        return Person(
            id=person.id,
            name=person.name,
            email=person.email,
            manager_id=person.manager,
            position=position,
        )

    def team(self, team: m.Team, position: int) -> Team:
        parent = team.parent
        if team.id == self.plan.new_root:
            parent = self.plan.old_root  # for now; see ImportPlan.new_root
        return Team(
            id=team.id,
            name=team.name,
            parent_id=parent,
            is_root=parent is None,
            lead_id=team.lead,
            position=position,
        )

    def memberships(self, team_id: str) -> list[models.Model]:
        team = self.org.teams[team_id]
        return [
            Membership(team_id=team_id, person_id=person_id, position=index)
            for index, person_id in enumerate(team.members)
        ]

    def cycle(self, cycle: m.Cycle, position: int) -> Cycle:
        if cycle.start > self.today:
            state = Cycle.State.PLANNING
        elif cycle.end >= self.today:
            state = Cycle.State.ACTIVE
        else:
            state = Cycle.State.CLOSED
        return Cycle(
            id=cycle.id,
            start=cycle.start,
            end=cycle.end,
            parent_id=cycle.parent,
            state=state,
            position=position,
        )

    def objective(self, objective: m.Objective, position: int) -> Objective:
        owner_is_team = objective.owner in self.org.teams
        umbrella = objective.umbrella
        return Objective(
            id=objective.id,
            title=objective.title,
            description=objective.description,
            cycle_id=objective.cycle,
            owner_team_id=objective.owner if owner_is_team else None,
            owner_person_id=None if owner_is_team else objective.owner,
            kind=objective.kind.value,
            visibility=objective.visibility.value,
            aligns_to=objective.aligns_to,
            is_umbrella=umbrella is not None,
            umbrella_owner_id=umbrella.owner if umbrella else None,
            position=position,
        )

    def umbrella_teams(self, objective_id: str) -> list[models.Model]:
        umbrella = self.org.objectives[objective_id].umbrella
        return [
            UmbrellaTeam(objective_id=objective_id, team_id=team_id, position=index)
            for index, team_id in enumerate(umbrella.teams if umbrella else ())
        ]

    def key_result(self, kr: m.KeyResult, _position: int) -> KeyResult:
        metric = kr.metric
        fields: dict[str, Any] = {}
        if isinstance(metric, m.NumericMetric):
            fields = {"form": "numeric", "start": metric.start, "target": metric.target}
            fields["unit"] = metric.unit
        elif isinstance(metric, m.ThresholdMetric):
            fields = {"form": "keep_above" if metric.above else "keep_below"}
            fields |= {"threshold": metric.threshold, "unit": metric.unit}
        elif isinstance(metric, m.MilestonesMetric):
            fields = {"form": "milestones"}
        elif isinstance(metric, m.BooleanMetric):
            fields = {"form": "boolean"}
        else:
            fields = {"form": "rollup"}
        override = kr.score_override
        return KeyResult(
            id=kr.id,
            objective_id=kr.objective,
            title=kr.title,
            description=kr.description,
            owner_id=kr.owner,
            weight=kr.weight,
            override_score=override.score if override else None,
            override_reason=override.reason if override else None,
            override_at=self.now if override else None,
            position=self.org.objectives[kr.objective].key_results.index(kr.id),
            **fields,
        )

    def contributors(self, kr_id: str) -> list[models.Model]:
        return [
            Contributor(
                key_result_id=kr_id,
                person_id=None if contributor in self.org.teams else contributor,
                team_id=contributor if contributor in self.org.teams else None,
                position=index,
            )
            for index, contributor in enumerate(self.org.key_results[kr_id].contributors)
        ]

    def milestones(self, kr_id: str) -> list[models.Model]:
        metric = self.org.key_results[kr_id].metric
        if not isinstance(metric, m.MilestonesMetric):
            return []
        return [
            Milestone(
                key_result_id=kr_id,
                title=ms.title,
                weight=ms.weight,
                done_on=ms.done_on,
                position=index,
            )
            for index, ms in enumerate(metric.milestones)
        ]

    def checkins(self) -> None:
        rows = [
            CheckIn(
                key_result_id=kr_id,
                date=c.date,
                value=c.value,
                confidence=c.confidence,
                note=c.note,
                author_id=c.by,
            )
            for kr_id, c in self.plan.new_checkins
        ]
        for batch in _batches(rows):
            CheckIn.objects.bulk_create(batch)
            self.step("check-ins", len(batch))

    def dependencies(self) -> None:
        deps = self.org.dependencies
        kind_plan = self.plan.kinds["dependencies"]
        old_states = dict(
            Dependency.objects.filter(id__in=kind_plan.updated).values_list("id", "state")
        )
        self.upsert(
            "dependencies",
            Dependency,
            self.dependency,
            [
                "from_key_result",
                "from_objective",
                "provider",
                "need",
                "due",
                "state",
                "provider_kr",
            ],
        )
        reason = f"imported from {self.source}"
        events = [
            DependencyEvent(
                dependency_id=i, from_state=None, to_state=deps[i].state.value, reason=reason
            )
            for i in kind_plan.created
        ] + [
            DependencyEvent(
                dependency_id=i,
                from_state=old_states[i],
                to_state=deps[i].state.value,
                reason=reason,
            )
            for i in kind_plan.updated
            if old_states[i] != deps[i].state.value
        ]
        for batch in _batches(events):
            DependencyEvent.objects.bulk_create(batch)

    def dependency(self, dep: m.Dependency, position: int) -> Dependency:
        from_kr = dep.from_id in self.org.key_results
        return Dependency(
            id=dep.id,
            from_key_result_id=dep.from_id if from_kr else None,
            from_objective_id=None if from_kr else dep.from_id,
            provider_id=dep.provider,
            need=dep.need,
            due=dep.due,
            state=dep.state.value,
            provider_kr_id=dep.provider_kr,
            position=position,
        )

    def prune(self) -> None:
        stale = self.plan.stale_checkins
        if stale:
            by_kr: dict[str, list[m.CheckIn]] = {}
            for kr_id, checkin in stale:
                by_kr.setdefault(kr_id, []).append(checkin)
            doomed: list[int] = []
            rows = CheckIn.objects.filter(key_result_id__in=list(by_kr)).order_by("date", "id")
            for pk, kr_id, day, value, confidence, note, by in rows.values_list(
                "pk", "key_result_id", "date", "value", "confidence", "note", "author_id"
            ):
                wanted = by_kr[kr_id]
                key = _checkin_key(m.CheckIn(day, value, confidence, note, by))
                for index, checkin in enumerate(wanted):
                    if _checkin_key(checkin) == key:
                        doomed.append(pk)
                        del wanted[index]
                        break
            for batch in _batches(doomed):
                CheckIn.objects.filter(pk__in=batch).delete()
            self.step("check-ins", len(stale))
        # Dependents before what they depend on.
        for kind, model in (
            ("dependencies", Dependency),
            ("key_results", KeyResult),
            ("objectives", Objective),
            ("cycles", Cycle),
            ("teams", Team),
            ("people", Person),
        ):
            ids = self.plan.kinds[kind].deleted
            if ids:
                # Teams and cycles are trees whose parents are protected: leaves go first.
                for level in self.plan.deletion_levels.get(kind, [ids]):
                    for id_batch in _batches(level):
                        model._default_manager.filter(id__in=id_batch).delete()
                self.step(kind, len(ids))
