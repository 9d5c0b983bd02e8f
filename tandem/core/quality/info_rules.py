"""The rules whose findings are for information: worth a look, not necessarily wrong."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from tandem.core import model as m
from tandem.core.engine import Evaluation
from tandem.core.quality.findings import Finding, Severity, finding, rule

_WORD = re.compile(r"[\w'-]+|@[A-Za-z0-9._-]+")
_MENTION = re.compile(r"@([A-Za-z0-9._-]*[A-Za-z0-9_])")


class _TeamMentions:
    """Finds `<Team name> team`, `team <Team name>` and `@<team-id>` in a text, in one scan."""

    def __init__(self, org: m.Organization) -> None:
        self.ids = set(org.teams)
        self.by_words: dict[tuple[str, ...], str] = {}
        for team in org.teams.values():
            words = tuple(w.lower() for w in _WORD.findall(team.name))
            if words:
                self.by_words.setdefault(words, team.id)
        self.longest = max((len(w) for w in self.by_words), default=0)

    def find(self, text: str) -> set[str]:
        found = {tid for tid in _MENTION.findall(text) if tid in self.ids}
        words = [w.lower() for w in _WORD.findall(text)]
        for index, word in enumerate(words):
            if word not in ("team", "team's", "teams"):
                continue
            for size in range(1, self.longest + 1):
                before = tuple(words[max(index - size, 0) : index])
                after = tuple(words[index + 1 : index + 1 + size])
                for candidate in (before, after):
                    if len(candidate) == size and candidate in self.by_words:
                        found.add(self.by_words[candidate])
        return found


@rule("dependency-undeclared", Severity.INFO)
def _dependency_undeclared(org: m.Organization, ev: Evaluation) -> Iterator[Finding]:
    mentions = _TeamMentions(org)
    providers: dict[str, set[str]] = defaultdict(set)
    for dep in org.dependencies.values():
        providers[dep.from_id].add(dep.provider)

    # A person's own teams are not "another team" for their individual objectives.
    teams_of: dict[str, set[str]] = {tid: {tid} for tid in org.teams}
    for team in org.teams.values():
        for member in team.members:
            teams_of.setdefault(member, set()).add(team.id)
    for objective in org.objectives.values():
        excluded = teams_of.get(objective.owner, set())
        kr_providers = set().union(*(providers.get(k, set()) for k in objective.key_results))
        items: list[tuple[str, str, set[str]]] = [
            (
                objective.id,
                f"{objective.title}\n{objective.description or ''}",
                providers.get(objective.id, set()) | kr_providers,
            )
        ]
        for key_result_id in objective.key_results:
            kr = org.key_results[key_result_id]
            items.append(
                (
                    key_result_id,
                    f"{kr.title}\n{kr.description or ''}",
                    providers.get(key_result_id, set()) | providers.get(objective.id, set()),
                )
            )
        for target, text, declared in items:
            if "team" not in text.lower() and "@" not in text:
                continue
            for team_id in sorted(mentions.find(text) - excluded - declared):
                yield finding(
                    "dependency-undeclared",
                    target,
                    f"mentions {org.teams[team_id].name} ({team_id}) but records no "
                    "dependency on that team: if you need their help, add a "
                    "dependency so they can accept it and see its risk",
                    related=team_id,
                )
