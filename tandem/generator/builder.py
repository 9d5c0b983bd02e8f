"""The whole generator: the parts run in a fixed order (the random draws depend on it)."""

from __future__ import annotations

from typing import Any

from tandem.generator.dependencies import Dependencies
from tandem.generator.objectives import Objectives
from tandem.generator.teams import TeamTree


class Builder(TeamTree, Objectives, Dependencies):
    def build(self) -> dict[str, Any]:
        self._build_teams()
        self._build_people()
        self._company_objectives()
        self._plan_problems()
        for team in self.teams[1:]:
            self._objectives_of_team(team)
        self._umbrella_objectives()
        self._individual_objectives()
        self._dependencies()
        return {
            "version": 1,
            "organization": self.org_name,
            "people": self.people,
            "teams": [team.record() for team in self.teams],
            "cycles": [self.fy.record(), self.q3.record(), self.q4.record()],
            "objectives": [objective.record for objective in self.objectives],
            "dependencies": self.dependencies,
        }
