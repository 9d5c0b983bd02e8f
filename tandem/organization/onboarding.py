"""How far an organisation has come in setting Tandem up: whether it has objectives yet and,
until it has, how many people and teams are in. The home page offers the first admin the next
steps while there are no objectives (docs/onboarding.md)."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.okrs.models import Objective
from tandem.people.models import Person, Team


@dataclass(frozen=True, slots=True)
class SetUp:
    """What is in so far; ``people`` counts those not archived."""

    has_objectives: bool
    people: int = 0
    teams: int = 0

    @property
    def empty(self) -> bool:
        """No objective yet, archived or not: the organisation is still being set up."""
        return not self.has_objectives

    @property
    def people_in(self) -> bool:
        # More than the first admin: someone provisioned or imported the others.
        return self.teams > 0 and self.people > 1


def set_up_get() -> SetUp:
    """In one query once there are objectives (every home page asks), three before."""
    if Objective.objects.exists():
        return SetUp(has_objectives=True)
    return SetUp(
        has_objectives=False,
        people=Person.objects.filter(archived_at__isnull=True).count(),
        teams=Team.objects.count(),
    )
