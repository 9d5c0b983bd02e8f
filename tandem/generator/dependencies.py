"""Dependencies between teams, in every state, with the deliberate loops."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tandem.generator.base import BuilderBase
from tandem.generator.records import Cycle, Objective, Team
from tandem.generator.words import NEEDS

FORCED_STATES = (
    "requested",
    "accepted-kr",
    "accepted-plain",
    "declined",
    "delivered",
    "cancelled",
)


class Dependencies(BuilderBase):
    """Dependencies between teams in every state, including the deliberate loops."""

    def _dependencies(self) -> None:
        rng = self.rng
        team_objectives = [
            objective
            for team in self.teams[1:]
            for objective in team.objectives
            if objective.key_results
        ]
        loops = self._dependency_loops(team_objectives)
        sources = [o for o in team_objectives if o.id not in self._reserved]
        if not sources:
            self.dependencies = loops
            return
        count = max(len(FORCED_STATES), round(self.n_people / 10)) - len(loops)
        found: list[dict[str, Any]] = []
        for index in range(count):
            forced = FORCED_STATES[index] if index < len(FORCED_STATES) else None
            dependency = self._dependency(sources, forced)
            if dependency is not None:
                found.append(dependency)
        for dependency in loops:
            found.insert(rng.randint(0, len(found)), dependency)
        for number, dependency in enumerate(found, start=1):
            dependency["id"] = f"D-{number}"  # the key was created first, so it stays first
        self.dependencies = found

    def _dependency_loops(self, candidates: list[Objective]) -> list[dict[str, Any]]:
        """Pairs of accepted dependencies that deliver each other's key results: a loop."""
        rng = self.rng
        current = [objective for objective in candidates if objective.cycle is self.q4]
        loops: list[dict[str, Any]] = []
        if self.n_people < 50 or len(current) < 2:
            return loops
        for _ in range(1 + self.n_people // 50_000):
            first, second = rng.sample(current, 2)
            if first.team is second.team or {first.id, second.id} & self._reserved:
                continue
            self._reserved.update((first.id, second.id))
            a, b = rng.choice(first.key_results), rng.choice(second.key_results)
            for source, provider, provider_kr in ((a, second, b), (b, first, a)):
                loops.append(
                    {
                        "id": "",
                        "from": source,
                        "provider": provider.team.id,
                        "need": self._need(provider.team),
                        "due": self._between(self.as_of, self.q4.end),
                        "state": "accepted",
                        "provider_kr": provider_kr,
                    }
                )
        return loops

    def _dependency(self, sources: list[Objective], forced: str | None) -> dict[str, Any] | None:
        rng = self.rng
        for _ in range(20):  # a forced "accepted with provider_kr" may need a few tries
            source = rng.choice(sources)
            provider = self._provider_team(source.team)
            if provider is None:
                continue
            state, with_kr = self._dependency_state(source.cycle, forced)
            provider_kr = self._provider_kr(source, provider) if with_kr else None
            if forced == "accepted-kr" and provider_kr is None:
                continue
            dependency: dict[str, Any] = {
                "id": "",
                "from": rng.choice(source.key_results) if rng.random() < 0.85 else source.id,
                "provider": provider.id,
                "need": self._need(provider),
            }
            due = self._due(source.cycle, state)
            if due is not None:
                dependency["due"] = due
            dependency["state"] = state
            if provider_kr is not None:
                dependency["provider_kr"] = provider_kr
            return dependency
        return None

    def _dependency_state(self, cycle: Cycle, forced: str | None) -> tuple[str, bool]:
        rng = self.rng
        if forced is not None:
            return forced.removesuffix("-kr").removesuffix("-plain"), forced == "accepted-kr"
        states = ("requested", "accepted", "declined", "delivered", "cancelled")
        # Dependencies of a finished quarter were mostly settled one way or another.
        weights = (5, 13, 12, 55, 15) if cycle.end < self.as_of else (20, 45, 8, 17, 10)
        state = rng.choices(states, weights)[0]
        with_kr = (state == "accepted" and rng.random() < 0.65) or (
            state == "delivered" and rng.random() < 0.4
        )
        return state, with_kr

    def _provider_team(self, team: Team) -> Team | None:
        rng = self.rng
        roll = rng.random()
        pool: list[Team] = []
        if team.parent is not None and roll < 0.5:
            pool = [other for other in team.parent.children if other is not team]
        elif team.parent is not None and team.parent.parent is not None and roll < 0.75:
            pool = [
                cousin
                for uncle in team.parent.parent.children
                for cousin in uncle.children
                if cousin is not team
            ]
        if not pool:
            pool = self.teams[1:]
        for _ in range(5):
            other = rng.choice(pool)
            if other is not team:
                return other
        return None

    def _provider_kr(self, source: Objective, provider: Team) -> str | None:
        # Only lower-ranked objectives may deliver, which keeps the graph free of loops.
        options = [
            objective
            for objective in provider.objectives
            if objective.key_results
            and objective.rank < source.rank
            and objective.id not in self._reserved
            and objective.cycle.overlaps(source.cycle)
        ]
        if not options:
            return None
        return self.rng.choice(self.rng.choice(options).key_results)

    def _due(self, cycle: Cycle, state: str) -> date | None:
        rng = self.rng
        if rng.random() < 0.25:
            return None
        first = cycle.start + timedelta(days=14)
        open_ = state in ("requested", "accepted")
        future_first = max(first, self.as_of + timedelta(days=1))
        # Open requests are mostly due in the future; a few are overdue (a lint error).
        if open_ and future_first <= cycle.end and rng.random() < 0.88:
            return self._between(future_first, cycle.end)
        return self._between(first, cycle.end)

    def _need(self, provider: Team) -> str:
        topic = self._topic(provider)
        return self._fill(self.rng.choice(NEEDS), topic)
