"""Reports, lint findings and the alignment tree as one person may see them.

Each reads the organisation's current plan (:func:`organization_current`, cached while the
revision stays), removes what the viewer may not see (:func:`tandem.core.visibility.restrict`)
and hands the rest to the engine, so every figure is computed on what they may see, and an
admin gets exactly what ``tandem report`` prints.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from tandem.access.policy import audiences_forget
from tandem.checkins.models import CheckIn
from tandem.core import model as m
from tandem.core.engine import Evaluation, evaluate
from tandem.core.quality import Finding, lint
from tandem.core.report import Scope, ScopeError, build_report, resolve_scope
from tandem.core.visibility import Audience, ObjectiveFacts, may_see, objective_facts, restrict
from tandem.errors import InvalidError
from tandem.organization.archive import organization_current
from tandem.organization.revision import RevisionState, checkins_settle, revision_get


@dataclass(frozen=True)
class View:
    """The organisation as one viewer sees it on one day, evaluated."""

    org: m.Organization
    evaluation: Evaluation
    as_of: date


def checkins_since(last_id: int, upto: int | None = None) -> list[tuple[int, str, m.CheckIn]]:
    """The check-ins recorded after ``last_id`` (up to ``upto``), oldest first, with their
    id and key result."""
    rows = CheckIn.objects.filter(id__gt=last_id, withdrawn=False).order_by("id")
    if upto is not None:
        rows = rows.filter(id__lte=upto)
    return [
        (row_id, key_result_id, m.CheckIn(day, value, confidence, note, author))
        for row_id, key_result_id, day, value, confidence, note, author in rows.values_list(
            "id", "key_result_id", "date", "value", "confidence", "note", "author_id"
        )
    ]


class _Links:
    """Who feeds whom in one (restricted) organisation, for re-evaluating after check-ins.

    Only the structure counts, and check-ins leave it alone: built once per view and kept
    while only check-ins arrive.
    """

    def __init__(self, org: m.Organization) -> None:
        # Each one's place in the organisation.
        self.objective_order = {oid: i for i, oid in enumerate(org.objectives)}
        self.key_result_order = {kid: i for i, kid in enumerate(org.key_results)}
        self.dependency_order = {did: i for i, did in enumerate(org.dependencies)}
        self.aligned: dict[str, list[str]] = defaultdict(list)
        for objective in org.objectives.values():
            if objective.aligns_to is not None:
                self.aligned[objective.aligns_to].append(objective.id)
        self.deps_from: dict[str, list[str]] = defaultdict(list)
        self.deps_on: dict[str, list[str]] = defaultdict(list)
        for dependency in org.dependencies.values():
            self.deps_from[dependency.from_id].append(dependency.id)
            if dependency.provider_kr is not None:
                self.deps_on[dependency.provider_kr].append(dependency.id)


def _reached(
    org: m.Organization, changed: Iterable[str], links: _Links
) -> tuple[set[str], set[str], set[str]]:
    """The key results, objectives and dependencies new check-ins of ``changed`` can move."""
    key_results, objectives, dependencies = org.key_results, org.objectives, org.dependencies
    reached_krs: set[str] = set()
    reached_objectives: set[str] = set()
    reached_deps: set[str] = set()
    todo = [("k", kid) for kid in changed if kid in key_results]
    while todo:
        kind, id_ = todo.pop()
        if kind == "k":
            if id_ not in reached_krs:
                reached_krs.add(id_)
                todo.append(("o", key_results[id_].objective))
                todo.extend(("d", did) for did in links.deps_on.get(id_, ()))
        elif kind == "o":
            if id_ not in reached_objectives:
                reached_objectives.add(id_)
                target = objectives[id_].aligns_to
                if target in key_results and isinstance(key_results[target].metric, m.RollupMetric):
                    todo.append(("k", target))
        elif id_ not in reached_deps:
            reached_deps.add(id_)
            source = dependencies[id_].from_id
            if source in key_results:
                todo.append(("k", source))
            elif source in objectives:
                todo.extend(("k", k) for k in objectives[source].key_results if k in key_results)
    return reached_krs, reached_objectives, reached_deps


def _needed(org: m.Organization, reached: set[str], links: _Links) -> set[str]:
    """The objectives whose results those of ``reached`` are computed from, and themselves:
    an objective's key results; a roll-up's aligned objectives; a dependency's provider."""
    key_results, objectives, dependencies = org.key_results, org.objectives, org.dependencies
    needed = set(reached)
    stack = list(needed)

    def add(objective_id: str) -> None:
        if objective_id not in needed:
            needed.add(objective_id)
            stack.append(objective_id)

    def add_provider(dependency_id: str) -> None:
        provider = dependencies[dependency_id].provider_kr
        if provider is not None and provider in key_results:
            add(key_results[provider].objective)

    while stack:
        oid = stack.pop()
        for did in links.deps_from.get(oid, ()):
            add_provider(did)
        for kid in objectives[oid].key_results:
            key_result = key_results.get(kid)
            if key_result is None:
                continue
            if isinstance(key_result.metric, m.RollupMetric):
                for child in links.aligned.get(kid, ()):
                    add(child)
            for did in links.deps_from.get(kid, ()):
                add_provider(did)
    return needed


def reevaluate(
    org: m.Organization, old: Evaluation, changed: Iterable[str], links: _Links
) -> Evaluation:
    """``evaluate(org, old.as_of)``, where ``old`` evaluated the same organisation but for
    the check-ins of the key results in ``changed``: only what those check-ins can reach is
    evaluated again.

    What a key result's check-ins reach: the key result, its objective, the roll-up key
    result the objective aligns to (and so on up), and the dependencies it provides for with
    the key results they weigh on (and so on). Those are evaluated again on the smallest part
    of the organisation that holds everything they are computed from (an objective with all
    its key results; a roll-up's aligned objectives; a dependency's provider key result),
    which the engine evaluates as it would the whole: nothing in it reads outside it.
    Everything else keeps its result. Loops and alignments do not change with check-ins, so
    ``alignment_valid``, the loops and ``in_loop`` are kept too.
    """
    reached_krs, reached_objectives, reached_deps = _reached(org, changed, links)
    if not reached_krs:
        return old
    needed = _needed(org, reached_objectives, links)
    key_results, objectives, dependencies = org.key_results, org.objectives, org.dependencies
    # In the organisation's order (dependencies weigh on a key result in that order).
    part_objectives = {
        oid: objectives[oid] for oid in sorted(needed, key=links.objective_order.__getitem__)
    }
    part_krs = {
        kid: key_results[kid]
        for kid in sorted(
            (k for o in part_objectives.values() for k in o.key_results if k in key_results),
            key=links.key_result_order.__getitem__,
        )
    }
    sources = (*part_objectives, *part_krs)
    part_deps = {
        did: dependencies[did]
        for did in sorted(
            (d for source in sources for d in links.deps_from.get(source, ())),
            key=links.dependency_order.__getitem__,
        )
    }
    part = evaluate(
        replace(org, objectives=part_objectives, key_results=part_krs, dependencies=part_deps),
        old.as_of,
    )
    new_krs = dict(old.key_results)
    for kid in reached_krs:
        new_krs[kid] = part.key_results[kid]
    new_objectives = dict(old.objectives)
    for oid in reached_objectives:
        result = part.objectives[oid]
        new_objectives[oid] = replace(
            old.objectives[oid],
            progress=result.progress,
            health=result.health,
            score=result.score,
            met_expectation=result.met_expectation,
        )
    new_deps = dict(old.dependencies)
    for did in reached_deps:
        new_deps[did] = replace(part.dependencies[did], in_loop=old.dependencies[did].in_loop)
    return replace(old, key_results=new_krs, objectives=new_objectives, dependencies=new_deps)


@dataclass(frozen=True)
class _Held:
    """A cached view, the key results with check-ins it has not seen yet, its links, and
    the quality findings on it once asked for (they go with the view: a view brought up to
    date is a new one, linted again when next asked)."""

    view: View
    pending: frozenset[str] = frozenset()
    links: _Links | None = None
    findings: tuple[Finding, ...] | None = None


class _Cache:
    """The last organisation read, and the last few evaluations of it, in this process.

    Valid while the revision has not moved (one small query per request). When only new
    check-ins moved it, they are read and added to what is held, instead of reading
    everything again, and each held evaluation is brought up to date when next asked for,
    re-evaluating only what the new check-ins reach (:func:`reevaluate`). Evaluations are
    keyed by day and by what the viewer may see, so people who see the same objectives share
    one. Threads of one worker share the cache; a lock keeps them from loading twice.
    """

    EVALUATIONS = 8
    AUDIENCES = 512

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.revision: RevisionState | None = None
        self.last_checkin = 0
        self.org: m.Organization | None = None
        self.facts: dict[str, ObjectiveFacts] = {}
        # What each viewer may see (None: everything), while the structure stays.
        self.visible: dict[Audience, frozenset[str] | None] = {}
        self.views: OrderedDict[tuple[date, frozenset[str] | None], _Held] = OrderedDict()

    def organization(self) -> tuple[m.Organization, dict[str, ObjectiveFacts], RevisionState]:
        revision = revision_get()
        with self.lock:
            if self.org is None or self.revision is None or self.revision != revision:
                if (
                    self.org is not None
                    and self.revision is not None
                    and self.revision[:2] == revision[:2]
                    and 0 <= revision.checkin <= self.last_checkin
                ):
                    # Another thread has read a later revision since: what is held is newer.
                    return self.org, self.facts, self.revision
                if (
                    self.org is not None
                    and self.revision is not None
                    and self.revision[:2] == revision[:2]  # only new check-ins
                    and 0 <= self.last_checkin < revision.checkin
                ):
                    self.org, changed = self._add_new_checkins(self.org, revision.checkin)
                    if changed:
                        for key, held in self.views.items():
                            self.views[key] = replace(held, pending=held.pending | changed)
                else:
                    self.org, revision = self._read_all()
                    self.facts = objective_facts(self.org)
                    self.visible.clear()
                    self.views.clear()
                self.revision = revision
            return self.org, self.facts, self.revision

    def _read_all(self) -> tuple[m.Organization, RevisionState]:
        # Every check-in up to the revision's must be in the organisation read, and none
        # after it: wait for those under way, and retry if a change landed in between.
        for _attempt in range(3):
            before = revision_get()
            checkins_settle()
            org = organization_current()
            if revision_get() == before:
                self.last_checkin = before.checkin
                # The organisation stays until the next change of structure: keep its
                # objects out of the collector's full passes, which walked all of them (0.13
                # to 0.25 s each at 10,000 people, every few requests). Freed by reference
                # counting as before once replaced: they hold no cycles.
                gc.collect()
                gc.freeze()
                return org, before
        self.last_checkin = -1  # unknown: the next change reads everything again
        return org, RevisionState(-1, -1, -1)

    def _add_new_checkins(
        self, org: m.Organization, upto: int
    ) -> tuple[m.Organization, frozenset[str]]:
        """``org`` with the check-ins after the last read, up to id ``upto``, and the key
        results they are for."""
        checkins_settle()  # those below ``upto`` still under way are committed after it
        rows = checkins_since(self.last_checkin, upto)
        self.last_checkin = upto
        if not rows:
            return org, frozenset()
        added: dict[str, list[m.CheckIn]] = defaultdict(list)
        for _id, key_result_id, checkin in rows:
            added[key_result_id].append(checkin)
        key_results = dict(org.key_results)
        changed = set()
        for key_result_id, checkins in added.items():
            key_result = key_results.get(key_result_id)
            if key_result is not None:  # not archived
                # Sorted by date; on the same date, in the order recorded (a stable sort).
                merged = sorted((*key_result.checkins, *checkins), key=lambda c: c.date)
                key_results[key_result_id] = replace(key_result, checkins=tuple(merged))
                changed.add(key_result_id)
        return replace(org, key_results=key_results), frozenset(changed)

    def _visible(
        self, audience: Audience, org: m.Organization, facts: dict[str, ObjectiveFacts]
    ) -> frozenset[str] | None:
        if audience.admin:
            return None
        with self.lock:
            if facts is self.facts and audience in self.visible:
                return self.visible[audience]
        seen = frozenset(oid for oid, f in facts.items() if may_see(audience, f))
        visible = None if len(seen) == len(org.objectives) else seen
        with self.lock:
            if facts is self.facts:
                if len(self.visible) >= self.AUDIENCES:
                    self.visible.clear()
                self.visible[audience] = visible
        return visible

    def view(self, audience: Audience, as_of: date) -> View:
        return self._view(audience, as_of)[1]

    def lint(self, audience: Audience, as_of: date) -> tuple[View, list[Finding]]:
        """The view of :meth:`view` and every quality finding on it, linted once per view:
        kept with the view while it is held, so a new check-in (which brings the view up to
        date into a new one) or a change of structure (which drops every view) lints again."""
        key, view = self._view(audience, as_of)
        with self.lock:
            held = self.views.get(key)
            if held is not None and held.view is view and held.findings is not None:
                return view, list(held.findings)
        findings = tuple(lint(view.org, view.evaluation))
        with self.lock:
            held = self.views.get(key)
            if held is not None and held.view is view:  # still the one held: keep them
                self.views[key] = replace(held, findings=findings)
        return view, list(findings)

    def _view(
        self, audience: Audience, as_of: date
    ) -> tuple[tuple[date, frozenset[str] | None], View]:
        org, facts, revision = self.organization()
        visible = self._visible(audience, org, facts)
        key = (as_of, visible)
        held = None
        with self.lock:
            if self.revision == revision and key in self.views:
                self.views.move_to_end(key)
                held = self.views[key]
                if not held.pending:
                    return key, held.view
        if held is not None:
            held = self._bring_up_to_date(held, org)
        else:
            restricted = org if visible is None else restrict(org, visible)
            held = _Held(View(restricted, evaluate(restricted, as_of), as_of))
        with self.lock:
            if self.revision == revision:
                self.views[key] = held
                self.views.move_to_end(key)
                while len(self.views) > self.EVALUATIONS:
                    self.views.popitem(last=False)
        return key, held.view

    @staticmethod
    def _bring_up_to_date(held: _Held, org: m.Organization) -> _Held:
        """The held view with the check-ins of ``org`` it has not seen (``held.pending``)."""
        old = held.view
        key_results = dict(old.org.key_results)
        changed = [kid for kid in held.pending if kid in key_results]
        if not changed:  # none of them is in this view: it stays as it is, findings too
            return replace(held, pending=frozenset())
        for kid in changed:
            # The same key result as the organisation's: restrict() keeps them as they are.
            key_results[kid] = org.key_results[kid]
        restricted = replace(old.org, key_results=key_results)
        links = held.links or _Links(restricted)
        evaluation = reevaluate(restricted, old.evaluation, changed, links)
        return _Held(View(restricted, evaluation, old.as_of), links=links)


_cache = _Cache()


def cache_clear() -> None:
    """Forget the cached organisation and audiences (tests that roll the database back use
    this)."""
    global _cache  # noqa: PLW0603
    _cache = _Cache()
    audiences_forget()


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
    """The quality findings on what ``audience`` may see; ``cycle``/``team`` narrow the targets.

    Linted once per cached view (:meth:`_Cache.lint`), again when the view changes."""
    view, findings = _cache.lint(audience, as_of)
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
        or not aligned_within(view.org, oid, in_scope)
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


def aligned_within(org: m.Organization, oid: str, in_scope: set[str]) -> bool:
    """Whether the objective hangs below another objective of the tree."""
    target = org.objectives[oid].aligns_to
    if target is None:
        return False
    if target in org.key_results:
        target = org.key_results[target].objective
    return target in in_scope and target != oid
