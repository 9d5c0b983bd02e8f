"""Company, team, umbrella and individual objectives."""

from __future__ import annotations

from typing import Any

from tandem.generator.domains import COMPANY_METRICS
from tandem.generator.key_results import KeyResults
from tandem.generator.records import Cycle, Objective, Team
from tandem.generator.text import join_names
from tandem.generator.words import COMPANY_OBJECTIVES, INDIVIDUAL_LEADS, TEAM_LEADS


class Objectives(KeyResults):
    """Company, team, umbrella and individual objectives, with the planned quality problems."""

    def _new_objective(
        self,
        *,
        title: str,
        cycle: Cycle,
        owner: str,
        team: Team,
        aligns_to: str | None,
        description: str | None = None,
        kind: str | None = None,
        visibility: str | None = None,
        umbrella: dict[str, Any] | None = None,
    ) -> Objective:
        objective_id = f"O-{len(self.objectives) + 1}"
        record: dict[str, Any] = {"id": objective_id, "title": title}
        if description:
            record["description"] = description
        record["cycle"] = cycle.id
        record["owner"] = owner
        if kind:
            record["kind"] = kind
        if visibility:
            record["visibility"] = visibility
        if aligns_to:
            record["aligns_to"] = aligns_to
        if umbrella:
            record["umbrella"] = umbrella
        record["key_results"] = []
        objective = Objective(objective_id, cycle, team, self.rng.random(), record)
        self.objectives.append(objective)
        if owner == team.id:
            team.objectives.append(objective)
        return objective

    def _kind(self) -> str | None:
        roll = self.rng.random()
        return "committed" if roll < 0.3 else "aspirational" if roll < 0.38 else None

    def _visibility(self, individual: bool) -> str | None:
        # None leaves the default (public) implicit, as most people would write it.
        choices = (None, "public", "team", "private")
        weights = (55, 0, 25, 20) if individual else (88, 3, 7, 2)
        return self.rng.choices(choices, weights)[0]

    def _company_objectives(self) -> None:
        rng = self.rng
        root = self.teams[0]
        count = 3 if len(self.teams) < 20 else rng.randint(4, 5)
        templates = rng.sample(COMPANY_OBJECTIVES, count)
        for number, template in enumerate(templates):
            topic = self._topic(root)
            objective = self._new_objective(
                title=self._fill(template, topic),
                cycle=self.fy,
                owner=root.id,
                team=root,
                aligns_to=None,
                description=self._description(topic) if rng.random() < 0.6 else None,
                kind="committed" if rng.random() < 0.4 else None,
            )
            for index in range(rng.randint(3, 4)):
                # The first company objectives always get a roll-up key result.
                rollup = (index == 0 and number < 2) or rng.random() < 0.12
                self._key_result(
                    objective,
                    topic,
                    form="rollup" if rollup else None,
                    owner=rng.choice(root.members),
                    metrics=COMPANY_METRICS,
                )

    def _plan_problems(self) -> None:
        """Choose which team objectives carry the deliberate quality problems.

        Indices are drawn below 2 per non-root team, the guaranteed minimum number of team
        objectives, so each chosen problem really happens.
        """
        available = 2 * (len(self.teams) - 1)
        expected = available * 1.2
        wanted = [
            ("unaligned", max(1, round(expected * 0.03))),
            ("many-krs", max(1, round(expected / 300))),
            ("duplicate", max(1, round(expected / 400))),
            ("missing", max(1, round(expected / 1000))),
            ("no-krs", max(1, round(expected / 3000))),
            ("mention", max(1, round(expected / 150))),
        ]
        total = min(available, sum(count for _, count in wanted))
        chosen = self.rng.sample(range(available), total)
        for problem, count in wanted:
            for index in chosen[:count]:
                self._problems[index] = problem
            chosen = chosen[count:]

    def _objectives_of_team(self, team: Team) -> None:
        rng = self.rng
        count = 2 if rng.random() < 0.55 else 3
        for number in range(count):
            # Every team works on the current quarter; later objectives may be from Q3 (and a
            # division's sometimes span the year).
            if number == 0:
                cycle = self.q4
            elif team.level == 1 and rng.random() < 0.15:
                cycle = self.fy
            else:
                cycle = self.q4 if rng.random() < 0.6 else self.q3
            self._team_objective(team, cycle)

    def _team_objective(self, team: Team, cycle: Cycle) -> None:
        rng = self.rng
        problem = self._problems.get(self._team_objective_count, "")
        self._team_objective_count += 1
        topic = self._topic(team)
        title = self._objective_title(topic, TEAM_LEADS)
        if problem == "duplicate":
            title = self._duplicate_title(team, cycle) or title
        self._team_titles.append((team, cycle, title))
        if problem == "unaligned" or (not problem and rng.random() < 0.01):
            aligns_to = None
        elif problem == "missing":
            aligns_to = self._missing_reference(team.parent, cycle)
        else:
            aligns_to = self._alignment(team.parent, cycle)
        description = self._description(topic) if rng.random() < 0.4 else None
        if problem == "mention":
            other = rng.choice(self.teams[1:])
            if other is not team:
                # No dependency is declared for this: a dependency-undeclared finding.
                help_with = rng.choice(other.domain.areas) if other.domain else "the rollout"
                mention = f"We need help from the {other.name} team on {help_with}."
                description = f"{description} {mention}" if description else mention
        objective = self._new_objective(
            title=title,
            cycle=cycle,
            owner=team.id,
            team=team,
            aligns_to=aligns_to,
            description=description,
            kind=self._kind(),
            visibility=self._visibility(individual=False),
        )
        if problem == "no-krs":
            return
        count = rng.randint(6, 7) if problem == "many-krs" else rng.choices((2, 3, 4), (3, 5, 2))[0]
        for _ in range(count):
            owner = None if rng.random() < 0.01 else self._kr_owner(team)
            self._key_result(
                objective,
                self._topic(team) if rng.random() < 0.4 else topic,
                owner=owner,
                contributors=self._contributors(team, owner),
            )

    def _kr_owner(self, team: Team) -> str:
        return team.lead if self.rng.random() < 0.3 else self.rng.choice(team.members)

    def _contributors(self, team: Team, owner: str | None) -> list[str]:
        rng = self.rng
        if rng.random() >= 0.15:
            return []
        pool = [member for member in team.members if member != owner]
        chosen = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
        if team.parent is not None and rng.random() < 0.3:
            siblings = [other.id for other in team.parent.children if other is not team]
            if siblings:
                chosen.append(rng.choice(siblings))
        return chosen

    def _duplicate_title(self, team: Team, cycle: Cycle) -> str | None:
        """An earlier title from an unrelated team in the same cycle: a possible overlap."""
        if not self._team_titles:
            return None
        for _ in range(30):
            other, other_cycle, title = self.rng.choice(self._team_titles)
            if other is not team and other is not team.parent and other_cycle is cycle:
                return title
        return None

    def _candidates(self, start: Team | None, cycle: Cycle) -> list[Objective]:
        """The nearest ancestor's objectives whose cycle contains ``cycle``."""
        team = start
        while team is not None:
            found = [objective for objective in team.objectives if objective.cycle.contains(cycle)]
            if found:
                return found
            team = team.parent
        return []

    def _alignment(self, start: Team | None, cycle: Cycle) -> str | None:
        rng = self.rng
        candidates = self._candidates(start, cycle)
        if not candidates:
            return None
        objective = rng.choice(candidates)
        if objective.rollup_krs and rng.random() < 0.5:
            return rng.choice(objective.rollup_krs)
        if objective.key_results and rng.random() < 0.8:
            return rng.choice(objective.key_results)
        return objective.id

    def _missing_reference(self, start: Team | None, cycle: Cycle) -> str:
        """A key result id that was never created (as if it had been deleted)."""
        candidates = self._candidates(start, cycle)
        if not candidates:
            return f"O-0.{self.rng.randint(1, 9)}"
        objective = self.rng.choice(candidates)
        return f"{objective.id}.{len(objective.key_results) + self.rng.randint(3, 6)}"

    def _umbrella_objectives(self) -> None:
        rng = self.rng
        parents = [team for team in self.teams[1:] if len(team.children) >= 2]
        if not parents and len(self.teams[0].children) >= 2:
            parents = [self.teams[0]]
        count = min(len(parents), max(1, len(self.teams) // 100))
        for parent in rng.sample(parents, count):
            siblings = rng.sample(parent.children, min(len(parent.children), rng.randint(2, 3)))
            self._umbrella_objective(parent, siblings)

    def _umbrella_objective(self, parent: Team, siblings: list[Team]) -> None:
        rng = self.rng
        topic = self._topic(parent)
        accountable = parent.lead if rng.random() < 0.7 else rng.choice(siblings).lead
        names = [team.name for team in siblings]
        objective = self._new_objective(
            title=self._objective_title(topic, TEAM_LEADS),
            cycle=self.q4,
            owner=siblings[0].id,
            team=siblings[0],
            aligns_to=self._alignment(parent, self.q4),
            description=f"A shared goal of {join_names(names)}, with one accountable owner.",
            kind="committed" if rng.random() < 0.5 else None,
            umbrella={"owner": accountable, "teams": [team.id for team in siblings]},
        )
        for index in range(rng.randint(3, 4)):
            home = siblings[index % len(siblings)]
            others = [team for team in siblings if team is not home]
            # Contributors are both teams and individual people from the other teams.
            contributors = [team.id for team in others if rng.random() < 0.7] or [others[0].id]
            contributors.append(rng.choice(rng.choice(others).members))
            self._key_result(
                objective,
                topic,
                form=rng.choice(("up", "down", "above", "below", "milestones")),
                owner=self._kr_owner(home),
                contributors=contributors,
            )

    def _individual_objectives(self) -> None:
        rng = self.rng
        for team in self.teams[1:]:
            targets = [objective for objective in team.objectives if objective.key_results]
            if not targets:
                continue
            weights = [4.0 if objective.cycle is self.q4 else 1.0 for objective in targets]
            for member in team.members:
                if rng.random() >= (0.05 if member == team.lead else 0.12):
                    continue
                target = rng.choices(targets, weights)[0]
                self._individual_objective(team, member, target)

    def _individual_objective(self, team: Team, person: str, target: Objective) -> None:
        rng = self.rng
        topic = self._topic(team)
        leads = INDIVIDUAL_LEADS if rng.random() < 0.6 else TEAM_LEADS
        aligns_to = rng.choice(target.key_results) if rng.random() < 0.9 else target.id
        objective = self._new_objective(
            title=self._objective_title(topic, leads),
            cycle=target.cycle,
            owner=person,
            team=team,
            aligns_to=aligns_to,
            description=self._description(topic) if rng.random() < 0.25 else None,
            kind="committed" if rng.random() < 0.2 else None,
            visibility=self._visibility(individual=True),
        )
        for _ in range(rng.choices((2, 3), (6, 4))[0]):
            # The owner defaults to the person who owns the objective.
            self._key_result(objective, topic, owner=None, contributors=[])
