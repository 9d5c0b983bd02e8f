"""Reports, lint findings and the alignment tree as one person may see them.

Each reads the organisation's current plan (:func:`organization_current`, cached while the
revision stays), removes what the viewer may not see (:func:`tandem.core.visibility.restrict`)
and hands the rest to the engine, so every figure is computed on what they may see, and an
admin gets exactly what ``tandem report`` prints.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db.models import Max

from tandem.checkins.models import CheckIn
from tandem.core import model as m
from tandem.core.engine import Evaluation, evaluate
from tandem.core.quality import Finding, lint
from tandem.core.report import Scope, ScopeError, build_report, resolve_scope
from tandem.core.visibility import Audience, ObjectiveFacts, may_see, objective_facts, restrict
from tandem.errors import InvalidError
from tandem.organization.archive import organization_current
from tandem.organization.revision import RevisionState, revision_get


@dataclass(frozen=True)
class View:
    """The organisation as one viewer sees it on one day, evaluated."""

    org: m.Organization
    evaluation: Evaluation
    as_of: date


def checkins_since(last_id: int) -> list[tuple[int, str, m.CheckIn]]:
    """The check-ins recorded after ``last_id``, oldest first, with their id and key result."""
    rows = CheckIn.objects.filter(id__gt=last_id).order_by("id")
    return [
        (row_id, key_result_id, m.CheckIn(day, value, confidence, note, author))
        for row_id, key_result_id, day, value, confidence, note, author in rows.values_list(
            "id", "key_result_id", "date", "value", "confidence", "note", "author_id"
        )
    ]


class _Cache:
    """The last organisation read, and the last few evaluations of it, in this process.

    Valid while the revision has not moved (one small query per request). When only new
    check-ins moved it, they are read and added to what is held, instead of reading
    everything again. Evaluations are keyed by day and by what the viewer may see, so people
    who see the same objectives share one. Threads of one worker share the cache; a lock
    keeps them from loading twice.
    """

    EVALUATIONS = 8

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.revision: RevisionState | None = None
        self.last_checkin = 0
        self.org: m.Organization | None = None
        self.facts: dict[str, ObjectiveFacts] = {}
        self.views: OrderedDict[tuple[date, frozenset[str] | None], View] = OrderedDict()

    def organization(self) -> tuple[m.Organization, dict[str, ObjectiveFacts], RevisionState]:
        revision = revision_get()
        with self.lock:
            if self.org is None or self.revision is None or self.revision != revision:
                if (
                    self.org is not None
                    and self.revision is not None
                    and (self.revision.structure == revision.structure)
                ):
                    self.org = self._add_new_checkins(self.org)
                else:
                    self.org, revision = self._read_all()
                    self.facts = objective_facts(self.org)
                self.revision = revision
                self.views.clear()
            return self.org, self.facts, self.revision

    def _read_all(self) -> tuple[m.Organization, RevisionState]:
        # The newest check-in id must belong to the organisation read: retry if a change
        # landed in between (check-in ids grow in commit order; see revision.py).
        for _attempt in range(3):
            before = revision_get()
            last = CheckIn.objects.aggregate(last=Max("id"))["last"] or 0
            org = organization_current()
            if revision_get() == before:
                self.last_checkin = last
                return org, before
        self.last_checkin = -1  # unknown: the next change reads everything again
        return org, RevisionState(-1, -1)

    def _add_new_checkins(self, org: m.Organization) -> m.Organization:
        if self.last_checkin < 0:
            return self._read_all()[0]
        rows = checkins_since(self.last_checkin)
        if not rows:
            return org
        self.last_checkin = rows[-1][0]
        added: dict[str, list[m.CheckIn]] = defaultdict(list)
        for _id, key_result_id, checkin in rows:
            added[key_result_id].append(checkin)
        key_results = dict(org.key_results)
        for key_result_id, checkins in added.items():
            key_result = key_results.get(key_result_id)
            if key_result is not None:  # not archived
                # Sorted by date; on the same date, in the order recorded (a stable sort).
                merged = sorted((*key_result.checkins, *checkins), key=lambda c: c.date)
                key_results[key_result_id] = replace(key_result, checkins=tuple(merged))
        return replace(org, key_results=key_results)

    def view(self, audience: Audience, as_of: date) -> View:
        org, facts, revision = self.organization()
        visible: frozenset[str] | None = None
        if not audience.admin:
            seen = frozenset(oid for oid, f in facts.items() if may_see(audience, f))
            visible = None if len(seen) == len(org.objectives) else seen
        key = (as_of, visible)
        with self.lock:
            if self.revision == revision and key in self.views:
                self.views.move_to_end(key)
                return self.views[key]
        restricted = org if visible is None else restrict(org, visible)
        view = View(restricted, evaluate(restricted, as_of), as_of)
        with self.lock:
            if self.revision == revision:
                self.views[key] = view
                while len(self.views) > self.EVALUATIONS:
                    self.views.popitem(last=False)
        return view


_cache = _Cache()


def cache_clear() -> None:
    """Forget the cached organisation (tests that roll the database back use this)."""
    global _cache  # noqa: PLW0603
    _cache = _Cache()


def view_get(*, audience: Audience, as_of: date) -> View:
    """What ``audience`` may see, evaluated on ``as_of`` (from the process's cache if current)."""
    return _cache.view(audience, as_of)


def scope_get(view: View, *, cycle: str | None, team: str | None) -> Scope:
    if team is not None and team not in view.org.teams:
        raise InvalidError(f"there is no team '{team}'; GET /api/v1/teams lists them", field="team")
    try:
        return resolve_scope(view.org, view.as_of, cycle=cycle, team=team)
    except ScopeError as exc:
        raise InvalidError(str(exc), field="cycle") from None


def report_get(
    *, audience: Audience, as_of: date, cycle: str | None = None, team: str | None = None
) -> dict[str, Any]:
    """SPEC section 4's report of what ``audience`` may see."""
    view = view_get(audience=audience, as_of=as_of)
    return build_report(view.org, view.evaluation, scope_get(view, cycle=cycle, team=team))


def lint_get(
    *, audience: Audience, as_of: date, cycle: str | None = None, team: str | None = None
) -> list[Finding]:
    """The quality findings on what ``audience`` may see; ``cycle``/``team`` narrow the targets."""
    view = view_get(audience=audience, as_of=as_of)
    findings = lint(view.org, view.evaluation)
    if cycle is None and team is None:
        return findings
    scope = scope_get(view, cycle=cycle or "all", team=team)
    objectives = scope.objective_set
    key_results = {k for o in objectives for k in view.org.objectives[o].key_results}
    dependencies = {
        d.id
        for d in view.org.dependencies.values()
        if d.from_id in objectives or d.from_id in key_results
    }
    targets = objectives | key_results | dependencies
    return [f for f in findings if f.target in targets]


def alignment_tree_get(
    *, audience: Audience, as_of: date, cycle: str | None = None
) -> dict[str, Any]:
    """The objectives as a tree from the company down, key results as branch points.

    Every node carries progress and health as the report gives them. ``orphans`` are the
    objectives in scope that align to nothing (the company's own objectives are roots).
    """
    view = view_get(audience=audience, as_of=as_of)
    scope = scope_get(view, cycle=cycle, team=None)
    report = build_report(view.org, view.evaluation, scope)
    objective_rows = {row["id"]: row for row in report["objectives"]}
    kr_rows = {row["id"]: row for row in report["key_results"]}
    below: dict[str, list[str]] = defaultdict(list)
    for oid in scope.objectives:
        target = view.org.objectives[oid].aligns_to
        if target is not None:
            below[target].append(oid)

    reached: set[str] = set()

    def node(oid: str) -> dict[str, Any]:
        # An objective shows once: a loop of alignments stops where it comes back.
        reached.add(oid)
        objective = view.org.objectives[oid]
        row = objective_rows[oid]
        return {
            "id": oid,
            "title": objective.title,
            "owner": objective.owner,
            "level": row["level"],
            "progress": row["progress"],
            "health": row["health"],
            "umbrella_teams": list(objective.umbrella.teams) if objective.umbrella else [],
            "key_results": [
                {
                    "id": kid,
                    "title": view.org.key_results[kid].title,
                    "progress": kr_rows[kid]["progress"],
                    "health": kr_rows[kid]["health"],
                    "aligned": [
                        node(child) for child in below.get(kid, ()) if child not in reached
                    ],
                }
                for kid in objective.key_results
            ],
            "aligned": [node(child) for child in below.get(oid, ()) if child not in reached],
        }

    in_scope = set(scope.objectives)
    roots = [
        oid
        for oid in scope.objectives
        if objective_rows[oid]["level"] == m.Level.COMPANY.value
        or not _aligned_within(view.org, oid, in_scope)
    ]
    orphans = set(report["alignment"]["orphans"])
    tree = [node(oid) for oid in roots if oid not in orphans]
    # Orphans, and objectives on a loop of alignments, which hang below nothing.
    apart = [oid for oid in scope.objectives if oid in orphans or oid not in reached]
    return {
        "as_of": as_of.isoformat(),
        "cycles": list(scope.cycles),
        "roots": tree,
        "orphans": [node(oid) for oid in apart if oid not in reached],
    }


def _aligned_within(org: m.Organization, oid: str, in_scope: set[str]) -> bool:
    """Whether the objective hangs below another objective of the tree."""
    target = org.objectives[oid].aligns_to
    if target is None:
        return False
    if target in org.key_results:
        target = org.key_results[target].objective
    return target in in_scope and target != oid
