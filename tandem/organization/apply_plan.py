"""Applying a planned import to the database: bulk inserts and updates in batches, in the caller's
transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

from tandem.checkins.models import CheckIn
from tandem.core import model as m
from tandem.dependencies.models import Dependency, DependencyEvent
from tandem.okrs.models import Contributor, Cycle, KeyResult, Milestone, Objective, UmbrellaTeam
from tandem.organization.models import OrganizationSettings
from tandem.organization.plan import ImportPlan, Progress, checkin_key
from tandem.people.models import Membership, Person, Team

BATCH = 2000
_T = TypeVar("_T")


def _batches(items: Sequence[_T], size: int = BATCH) -> Iterable[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ImportWriter:
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
        self.logins()
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
                "archived_at",
                "version",
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
                "since",
                "form",
                "start",
                "target",
                "threshold",
                "unit",
                "override_score",
                "override_reason",
                "position",
                "archived_at",
                "version",
            ],
        )
        self.overrides()
        self.children("key_results", Contributor, "key_result", self.contributors)
        self.children("key_results", Milestone, "key_result", self.milestones)
        self.checkins()
        self.dependencies()
        self.renumber()
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
        if "version" in fields:
            # Every change bumps the version the API hands out as ETag, in the same UPDATE.
            for row in updated:
                row.version = models.F("version") + 1  # type: ignore[attr-defined]
        # (An objective or key result the file updates leaves the archive: the builders
        # leave ``archived_at`` empty.)
        for batch in _batches(updated, 500):
            model._default_manager.bulk_update(batch, fields)
            self.step(kind, len(batch))

    def logins(self) -> None:
        """People sign in with their e-mail: keep their logins' e-mail and name in step."""
        people = self.org.people
        for batch in _batches(self.plan.kinds["people"].updated, 500):
            users = list(User.objects.filter(person__id__in=batch).select_related("person"))
            for user in users:
                person = people[user.person.id]
                user.email = person.email or ""
                user.first_name = person.name[:150]
            User.objects.bulk_update(users, ["email", "first_name"])

    def overrides(self) -> None:
        """Who and when of a score override change only with the override (a file names no
        author: an override that comes from one has none)."""
        changed = [
            KeyResult(pk=kr_id, override_by=None, override_at=self.now if override else None)
            for kr_id in self.plan.kinds["key_results"].updated
            if kr_id in self.plan.changed_overrides
            for override in (self.org.key_results[kr_id].score_override,)
        ]
        for batch in _batches(changed, 500):
            KeyResult.objects.bulk_update(batch, ["override_by", "override_at"])

    def renumber(self) -> None:
        """Positions in the file's order where the plan found the order changed."""
        kinds: tuple[tuple[str, type[models.Model]], ...] = (
            ("people", Person),
            ("teams", Team),
            ("cycles", Cycle),
            ("objectives", Objective),
            ("dependencies", Dependency),
        )
        for kind, model in kinds:
            if not self.plan.kinds[kind].reordered:
                continue
            in_file: dict[str, Any] = getattr(self.org, kind)
            everything = model._default_manager.order_by("position", "pk")
            others = [pk for pk in everything.values_list("pk", flat=True) if pk not in in_file]
            order = [*in_file, *others]
            rows: list[models.Model] = [
                model(pk=pk, position=index) for index, pk in enumerate(order)
            ]
            for batch in _batches(rows, 500):
                model._default_manager.bulk_update(batch, ["position"])
            self.step(kind, 1)
        key_results = [
            KeyResult(pk=kr_id, position=index)
            for objective_id in self.plan.renumbered_objectives
            for index, kr_id in enumerate(self.org.objectives[objective_id].key_results)
        ]
        for kr_batch in _batches(key_results, 500):
            KeyResult.objects.bulk_update(kr_batch, ["position"])
        self.step("key results", len(self.plan.renumbered_objectives))

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
        fields = m.metric_fields(kr.metric)
        override = kr.score_override
        return KeyResult(
            id=kr.id,
            objective_id=kr.objective,
            title=kr.title,
            description=kr.description,
            owner_id=kr.owner,
            weight=kr.weight,
            since=kr.since,
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
                "version",
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
            rows = CheckIn.objects.filter(key_result_id__in=list(by_kr), withdrawn=False).order_by(
                "date", "id"
            )
            for pk, kr_id, day, value, confidence, note, by in rows.values_list(
                "pk", "key_result_id", "date", "value", "confidence", "note", "author_id"
            ):
                wanted = by_kr[kr_id]
                key = checkin_key(m.CheckIn(day, value, confidence, note, by))
                for index, checkin in enumerate(wanted):
                    if checkin_key(checkin) == key:
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
