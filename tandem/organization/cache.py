"""The evaluated organisation, kept in each process while the revision stays.

Every request asks for the revision (one small query). A new check-in moves only its
``checkin`` part: the new check-ins are read and added to what is held. A change of structure
(an edit) logs what it changed (:mod:`tandem.organization.changes`): the objects it names are
read again and put in place, and each held evaluation is brought up to date with what they
can move (nothing for a new title; what a key result's new numbers reach, as for check-ins;
else evaluated again). Anything else (people, teams, cycles, the import, a deletion) reads
everything again, as every change did before.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, replace
from datetime import date

from tandem.access.policy import audiences_forget
from tandem.checkins.models import CheckIn
from tandem.core import model as m
from tandem.core.engine import Evaluation, evaluate
from tandem.core.quality import Finding, lint
from tandem.core.report import Insight, insight_of
from tandem.core.visibility import Audience, ObjectiveFacts, may_see, objective_facts, restrict
from tandem.organization.changes import (
    Patched,
    Positions,
    Reach,
    changes_between,
    organization_patched,
    positions_get,
)
from tandem.organization.loading import organization_current_and_loaded
from tandem.organization.reevaluation import Links, reevaluate
from tandem.organization.revision import RevisionState, checkins_settle, revision_get
from tandem.organization.selectors import LoadedOrganization


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


def _with_checkins(
    org: m.Organization, rows: list[tuple[int, str, m.CheckIn]]
) -> tuple[m.Organization, frozenset[str]]:
    """``org`` with the check-ins of ``rows`` added, and the key results they are for."""
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


def _restricted_patched(
    restricted: m.Organization, org: m.Organization, read: frozenset[str]
) -> m.Organization:
    """``restricted`` (``restrict(old, visible)``) with the objects of ``read`` as they are
    in ``org`` (which differs from ``old`` by their numbers and texts alone): what
    ``restrict(org, visible)`` gives, without going through the whole organisation. The links
    restrict() cut stay cut: they are as they were."""
    objectives, key_results = dict(restricted.objectives), dict(restricted.key_results)
    dependencies = dict(restricted.dependencies)
    for id_ in read:
        if id_ in objectives:
            objectives[id_] = replace(org.objectives[id_], aligns_to=objectives[id_].aligns_to)
        elif id_ in key_results:
            key_results[id_] = org.key_results[id_]
        elif id_ in dependencies:
            provider = dependencies[id_].provider_kr
            dependencies[id_] = replace(org.dependencies[id_], provider_kr=provider)
    return replace(
        restricted, objectives=objectives, key_results=key_results, dependencies=dependencies
    )


@dataclass(frozen=True)
class _Held:
    """A cached view, the key results it has not evaluated since they changed, its links,
    and the quality findings on it once asked for (they go with the view: a view brought up
    to date is a new one, linted again when next asked)."""

    view: View
    pending: frozenset[str] = frozenset()
    links: Links | None = None
    findings: tuple[Finding, ...] | None = None
    insight: Insight | None = None


@dataclass(frozen=True)
class _State:
    """What is read: the organisation with what was archived, its current plan, and the
    newest check-in they hold."""

    whole: LoadedOrganization
    org: m.Organization
    last_checkin: int
    positions: Positions


class _Cache:
    """The last organisation read, and the last few evaluations of it, in this process.

    Valid while the revision has not moved. When it moves, what is held is brought up to date
    (see the module) and each held evaluation is brought up to date when next asked for,
    re-evaluating only what changed key results reach (:func:`reevaluate`). Evaluations are
    keyed by day and by what the viewer may see, so people who see the same objectives share
    one. Threads of one worker share the cache; a lock keeps them from loading twice.
    """

    EVALUATIONS = 8
    AUDIENCES = 512

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.revision: RevisionState | None = None
        self.state: _State | None = None
        self.facts: dict[str, ObjectiveFacts] = {}
        # What each viewer may see (None: everything), while the structure stays.
        self.visible: dict[Audience, frozenset[str] | None] = {}
        self.views: OrderedDict[tuple[date, frozenset[str] | None], _Held] = OrderedDict()

    @property
    def last_checkin(self) -> int:
        return self.state.last_checkin if self.state is not None else 0

    def organization(self) -> tuple[m.Organization, dict[str, ObjectiveFacts], RevisionState]:
        before = self.state
        revision = revision_get()
        with self.lock:
            state, held = self.state, self.revision
            if state is None or held is None or held != revision:
                if (
                    state is not None
                    and held is not None
                    and (
                        (held[:2] == revision[:2] and 0 <= revision.checkin <= state.last_checkin)
                        # The counters only move up: brought up to date by another thread
                        # since this one asked, to a later structure.
                        or (state is not before and held.structure > revision.structure >= 0)
                    )
                ):
                    # Another thread has read a later revision since: what is held is newer.
                    return state.org, self.facts, held
                if (
                    state is not None
                    and held is not None
                    and held[:2] == revision[:2]  # only new check-ins
                    and 0 <= state.last_checkin < revision.checkin
                ):
                    checkins_settle()  # those below it still under way are committed after it
                    self._add(checkins_since(state.last_checkin, revision.checkin), revision)
                else:
                    self._update(revision)
            assert self.state is not None
            assert self.revision is not None
            return self.state.org, self.facts, self.revision

    def _add(self, rows: list[tuple[int, str, m.CheckIn]], revision: RevisionState) -> None:
        """Add new check-ins (up to ``revision``'s) to what is held."""
        assert self.state is not None
        whole = self.state.whole
        whole_org, _changed = _with_checkins(whole.organization, rows)
        org, changed = _with_checkins(self.state.org, rows)
        whole = replace(whole, organization=whole_org)
        self.state = _State(whole, org, revision.checkin, self.state.positions)
        self.revision = revision
        if changed:
            for key, held in self.views.items():
                self.views[key] = replace(held, pending=held.pending | changed)

    def _update(self, revision: RevisionState) -> None:
        """Bring what is held up to a change of structure: patched when the change log
        allows, read again otherwise. A patch takes milliseconds: when a change lands while
        it reads, it is cheaper to try again than to read everything."""
        for _attempt in range(6):
            if self.state is None or self.revision is None or self.revision.structure < 0:
                break
            checkins_settle()
            patched = None
            changes = changes_between(self.revision.structure, revision.structure)
            if changes is not None:
                rows = checkins_since(self.state.last_checkin, revision.checkin)
                whole_org, _changed = _with_checkins(self.state.whole.organization, rows)
                org, changed = _with_checkins(self.state.org, rows)
                whole = replace(self.state.whole, organization=whole_org)
                patched = organization_patched(whole, org, changes, self.state.positions)
            if patched is None:
                break
            if revision_get() == revision:
                self._patch(patched, changed, revision)
                return
            revision = revision_get()  # a change landed meanwhile: again
        self._read_all()

    def _patch(self, patched: Patched, changed: frozenset[str], revision: RevisionState) -> None:
        """Hold ``patched``, with the check-ins of ``changed`` key results new in it."""
        assert patched.positions is not None
        self.state = _State(patched.whole, patched.current, revision.checkin, patched.positions)
        self.revision = revision
        if patched.reach is Reach.EVERYTHING:
            self.facts = objective_facts(patched.current)
            self.visible.clear()
            self.views.clear()
            return
        pending = changed | patched.moved
        for key, held in self.views.items():
            if key[1] is None:
                org = patched.current
            else:
                org = _restricted_patched(held.view.org, patched.current, patched.read)
            view = View(org, held.view.evaluation, held.view.as_of)
            self.views[key] = _Held(view, held.pending | pending, held.links)

    def _read_all(self) -> None:
        # Every check-in up to the revision's must be in the organisation read, and none
        # after it: wait for those under way, and retry if a change landed in between.
        self.visible.clear()
        self.views.clear()
        for _attempt in range(3):
            before = revision_get()
            checkins_settle()
            org, whole = organization_current_and_loaded()
            positions = positions_get()
            after = revision_get()
            if after == before:
                self._hold(whole, org, positions, before)
                # The organisation stays until the next change of structure: keep its
                # objects out of the collector's full passes, which walked all of them (0.13
                # to 0.25 s each at 10,000 people, every few requests). Freed by reference
                # counting as before once replaced: they hold no cycles.
                gc.collect()
                gc.freeze()
                return
        if after.checkin == before.checkin and after.structure > before.structure:
            # Edits keep landing (it takes a second): what was read holds every check-in up
            # to before's and no later one, and each object at least as it was at ``before``;
            # those changed since are in the change log, read again at the next request.
            self._hold(whole, org, positions, before)
            return
        # Unknown: the next change reads everything again.
        self._hold(whole, org, positions, RevisionState(-1, -1, -1))

    def _hold(
        self,
        whole: LoadedOrganization,
        org: m.Organization,
        positions: Positions,
        revision: RevisionState,
    ) -> None:
        self.state = _State(whole, org, revision.checkin, positions)
        self.revision = revision
        self.facts = objective_facts(org)

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

    def insight(self, audience: Audience, as_of: date) -> tuple[View, Insight]:
        """The view of :meth:`view` and its insight (SPEC section 5), computed once per view
        as :meth:`lint` lints once."""
        key, view = self._view(audience, as_of)
        with self.lock:
            held = self.views.get(key)
            if held is not None and held.view is view and held.insight is not None:
                return view, held.insight
        found = insight_of(view.org, view.evaluation)
        with self.lock:
            held = self.views.get(key)
            if held is not None and held.view is view:
                self.views[key] = replace(held, insight=found)
        return view, found

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
        links = held.links or Links(restricted)
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


def insight_held(*, audience: Audience, as_of: date) -> tuple[View, Insight]:
    """The view of :func:`view_get` and its insight (forecasts, blast radii), kept with it."""
    return _cache.insight(audience, as_of)


def lint_held(*, audience: Audience, as_of: date) -> tuple[View, list[Finding]]:
    """The view of :func:`view_get` and every quality finding on it (linted once per view)."""
    return _cache.lint(audience, as_of)
