"""The state of one generator run and the helpers shared by all its parts.

Everything is derived from one ``random.Random(seed)``; the clock is never read, so the same
arguments always give the same output.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from typing import Any

from tandem.generator.domains import THEMES
from tandem.generator.records import Cycle, Objective, Team, Topic
from tandem.generator.text import capitalize, slugify
from tandem.generator.words import (
    ADJECTIVES,
    AUDIENCES,
    BENEFITS,
    FACETS,
    FORCED_FORMS,
    HOW,
    ORG_NAMES,
    QUALIFIERS,
    REGIONS,
    SEGMENTS,
    TAIL_WEIGHTS,
    TAILS,
    WHY,
)

DEFAULT_AS_OF = date(2026, 11, 15)
# Below this the tree cannot have three levels with a lead in every team.
MIN_PEOPLE = 10


class BuilderBase:
    """The generator's state and the drawing helpers every part of it shares."""

    def __init__(self, *, people: int, seed: int, as_of: date) -> None:
        if people < MIN_PEOPLE:
            raise ValueError(f"people must be at least {MIN_PEOPLE}, got {people}")
        # Reproducible demo data, not security: a seeded PRNG is exactly what is wanted.
        self.rng = random.Random(seed)  # noqa: S311
        self.n_people = people
        self.as_of = as_of
        self.org_name = self.rng.choice(ORG_NAMES)
        self.org_slug = slugify(self.org_name)
        year = as_of.year
        self.fy = Cycle(f"FY{year}", date(year, 1, 1), date(year, 12, 31))
        self.q3 = Cycle(f"{year}-Q3", date(year, 7, 1), date(year, 9, 30), self.fy.id)
        self.q4 = Cycle(f"{year}-Q4", date(year, 10, 1), date(year, 12, 31), self.fy.id)
        self.people: list[dict[str, Any]] = []
        self.teams: list[Team] = []
        self.objectives: list[Objective] = []
        self.dependencies: list[dict[str, Any]] = []
        self._team_names: set[str] = set()
        self._team_number = 0
        self._codenames: set[str] = set()
        self._emails: dict[str, int] = {}
        self._dates: dict[int, date] = {}
        self._form_deck = list(FORCED_FORMS)
        self._problems: dict[int, str] = {}
        self._team_objective_count = 0
        self._team_titles: list[tuple[Team, Cycle, str]] = []
        self._reserved: set[str] = set()  # objectives of the deliberate dependency loops

    # --- small helpers ---------------------------------------------------------------------

    def _day(self, ordinal: int) -> date:
        # Sharing date objects keeps a 100k-person org (over a million check-ins) smaller.
        found = self._dates.get(ordinal)
        if found is None:
            found = self._dates[ordinal] = date.fromordinal(ordinal)
        return found

    def _between(self, first: date, last: date) -> date:
        return self._day(self.rng.randint(first.toordinal(), last.toordinal()))

    def _fill(self, template: str, topic: Topic) -> str:
        rng = self.rng
        obj = topic.obj
        audience = rng.choice(AUDIENCES)
        qual = rng.choice(QUALIFIERS) if rng.random() < 0.6 else ""
        text = template.format(
            object=obj,
            Object=capitalize(obj),
            adj=rng.choice(ADJECTIVES),
            audience=audience,
            Audience=capitalize(audience),
            qual=qual,
            region=rng.choice(REGIONS),
            benefit=rng.choice(BENEFITS),
        )
        return " ".join(text.split())

    def _objective_title(self, topic: Topic, leads: Sequence[str]) -> str:
        tail = self.rng.choices(TAILS, TAIL_WEIGHTS)[0]
        return self._fill(f"{self.rng.choice(leads)} {tail}", topic)

    def _topic(self, team: Team) -> Topic:
        """What one objective of ``team`` is about: mostly the team's own focus."""
        rng = self.rng
        if team.focus is not None and rng.random() < 0.85:
            if team.level == 3 and rng.random() < 0.6:  # an area team works on several facets
                return Topic(team.domain, f"{team.focus} {rng.choice(FACETS)}")
            return Topic(team.domain, team.focus)
        domain = team.domain
        if domain is None:  # the company or a division: any domain of its theme
            themes = (team.theme,) if team.theme is not None else THEMES
            domain = rng.choice(rng.choice(themes).domains)
        area = rng.choice(domain.areas)
        if rng.random() < 0.3:
            return Topic(domain, area)
        return Topic(domain, f"{rng.choice(SEGMENTS)} {area} {rng.choice(FACETS)}")

    def _description(self, topic: Topic) -> str:
        why = self._fill(self.rng.choice(WHY), topic)
        return f"{why} {self._fill(self.rng.choice(HOW), topic)}"
