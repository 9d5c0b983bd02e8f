"""The team tree and its people."""

from __future__ import annotations

import math
import random
import re
from typing import Any

from tandem.generator.base import BuilderBase
from tandem.generator.domains import THEMES
from tandem.generator.records import Domain, Team, Theme
from tandem.generator.text import area_team_name, to_ascii
from tandem.generator.words import (
    CONSONANTS,
    ENDINGS,
    FACETS,
    FIRST_NAMES,
    LAST_NAMES,
    NAME_SUFFIXES,
    SQUADS,
    VOWELS,
)


class TeamTree(BuilderBase):
    """The team tree (divisions, departments, area teams, sub-teams) and its people."""

    def _build_teams(self) -> None:
        rng = self.rng
        n_teams = max(3, round(self.n_people / 7.5))
        sizes = level_sizes(n_teams)
        root = Team(id=f"t-{self.org_slug}", name=self.org_name, level=0, parent=None)
        self._team_names.add(root.name)
        self.teams.append(root)
        level = [root]
        for depth, count in enumerate(sizes[1:], start=1):
            # The top two levels cover every parent, so every leaf sits at depth 3 or more.
            parents = spread_children(rng, len(level), count, cover=1.0 if depth <= 2 else 0.85)
            next_level = [self._child_team(level[index], depth) for index in parents]
            self.teams.extend(next_level)
            level = next_level

    def _child_team(self, parent: Team, depth: int) -> Team:
        """Divisions take a theme, departments a domain, teams an area, sub-teams a squad."""
        rng = self.rng
        if not parent.child_options:
            options: list[Any]
            if depth == 1:
                options = list(THEMES)
            elif depth == 2:
                assert parent.theme is not None
                options = list(parent.theme.domains)
            elif depth == 3:
                assert parent.domain is not None
                options = list(parent.domain.areas)
            else:
                options = list(SQUADS)
            rng.shuffle(options)
            parent.child_options = options
        # Cycle through the shuffled options so siblings differ before any repeats.
        pick = parent.child_options.pop(0)
        parent.child_options.append(pick)
        self._team_number += 1
        if depth == 1:
            theme: Theme = pick
            team = Team(f"t-{theme.slug}-{self._team_number}", theme.name, depth, parent, theme)
        elif depth == 2:
            domain: Domain = pick
            team = Team(
                f"t-{domain.slug}-{self._team_number}",
                domain.name,
                depth,
                parent,
                parent.theme,
                domain,
            )
        else:
            assert parent.domain is not None
            area = pick if depth == 3 else parent.area
            assert area is not None
            # Each team names its product or initiative; a sub-team narrows the area to a facet.
            if depth == 3:
                name = area_team_name(parent.domain.name, area)
                focus = f"{self._codename()} {area}"
            else:
                name = f"{parent.name} {pick}"
                focus = f"{self._codename()} {area} {rng.choice(FACETS)}"
            team = Team(
                f"t-{parent.domain.slug}-{self._team_number}",
                name,
                depth,
                parent,
                parent.theme,
                parent.domain,
                area,
                focus=focus,
            )
        team.name = self._unique_name(team.name)
        parent.children.append(team)
        return team

    def _codename(self) -> str:
        """A made-up product name ("Talovi"), unique in the organisation.

        Real teams name their products; the name is a rare word shared only by the team's
        own titles, which keeps titles of different teams apart for the overlap detector.
        """
        rng = self.rng
        while True:
            word = "".join(
                (
                    rng.choice(CONSONANTS).upper(),
                    rng.choice(VOWELS),
                    rng.choice(CONSONANTS),
                    rng.choice(VOWELS),
                    rng.choice(ENDINGS),
                )
            )
            if word not in self._codenames:
                self._codenames.add(word)
                return word

    def _unique_name(self, base: str) -> str:
        candidates = [base, *(f"{base} {suffix}" for suffix in NAME_SUFFIXES)]
        for name in candidates:
            if name not in self._team_names:
                self._team_names.add(name)
                return name
        number = 2
        while f"{base} {number}" in self._team_names:
            number += 1
        self._team_names.add(f"{base} {number}")
        return f"{base} {number}"

    # --- people ----------------------------------------------------------------------------

    def _build_people(self) -> None:
        sizes = team_sizes(self.rng, len(self.teams), self.n_people)
        width = max(5, len(str(self.n_people)))
        domain = f"{self.org_slug.replace('-', '')}.test"
        number = 0
        for team, size in zip(self.teams, sizes, strict=True):
            # Leads report to the parent team's lead, everyone else to their own lead.
            boss = team.parent.lead if team.parent is not None else None
            for _ in range(size):
                number += 1
                person_id = f"p{number:0{width}d}"
                person = self._person(person_id, domain, boss)
                self.people.append(person)
                team.members.append(person_id)
                boss = team.lead

    def _person(self, person_id: str, domain: str, manager: str | None) -> dict[str, Any]:
        first = self.rng.choice(FIRST_NAMES)
        last = self.rng.choice(LAST_NAMES)
        local = re.sub(r"[^a-z.]", "", to_ascii(f"{first}.{last}").lower())
        seen = self._emails.get(local, 0)
        self._emails[local] = seen + 1
        email = f"{local}{seen + 1 if seen else ''}@{domain}"
        person: dict[str, Any] = {"id": person_id, "name": f"{first} {last}", "email": email}
        if manager is not None:
            person["manager"] = manager
        return person


# --- shape helpers ---------------------------------------------------------------------------


def level_sizes(n_teams: int) -> list[int]:
    """Teams per level: a geometric tree of 3 levels (small orgs) up to 5 (large ones)."""
    depth = 3 if n_teams <= 12 else 4 if n_teams <= 120 else 5
    low, high = 1.0, float(n_teams)
    for _ in range(60):  # the growth ratio g with 1 + g + ... + g^(depth-1) == n_teams
        middle = (low + high) / 2
        if sum(middle**k for k in range(depth)) < n_teams:
            low = middle
        else:
            high = middle
    sizes = [1]
    for k in range(1, depth - 1):
        sizes.append(max(sizes[-1], round(low**k)))
    sizes.append(n_teams - sum(sizes))
    # The last level must still give every division at least one child.
    while sizes[-1] < sizes[-2]:
        sizes[-2] -= 1
        sizes[-1] += 1
    return sizes


def spread_children(rng: random.Random, parents: int, children: int, *, cover: float) -> list[int]:
    """A parent index for each child, sorted (siblings stay together, in tree order).

    ``cover`` is the share of parents guaranteed a child; the rest go to random parents with
    uneven weights so the tree is ragged like a real one.
    """
    guaranteed = list(range(parents))
    if cover < 1.0:
        guaranteed = rng.sample(guaranteed, math.floor(parents * cover))
    guaranteed = guaranteed[:children]
    weights = [rng.uniform(0.4, 1.6) for _ in range(parents)]
    rest = rng.choices(range(parents), weights, k=children - len(guaranteed))
    return sorted(guaranteed + rest)


def team_sizes(rng: random.Random, teams: int, people: int) -> list[int]:
    """Sizes of 5 to 10 that add up to exactly ``people`` (looser only for tiny orgs)."""
    sizes = [rng.randint(5, 10) for _ in range(teams)]
    low, high = min(5, people // teams), max(10, -(-people // teams))
    difference = people - sum(sizes)
    while difference:
        index = rng.randrange(teams)
        if difference > 0 and sizes[index] < high:
            sizes[index] += 1
            difference -= 1
        elif difference < 0 and sizes[index] > low:
            sizes[index] -= 1
            difference += 1
    return sizes
