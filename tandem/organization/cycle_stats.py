"""Reads of a closed cycle's statistics for one viewer (docs/formulas.md, "Cycle statistics").

Everything is counted on the viewer's view of the organisation: an objective they may not see
(a private one of someone else's) is in no figure, nor are its key results and the
dependencies it asked for. The figures come from :mod:`tandem.core.cycle_stats`, with the
engine's scores; this module finds the closed cycles, the evaluations that grade them and the
dependencies' history, in a fixed number of queries whatever the organisation's size.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from tandem.core import model as m
from tandem.core.cycle_stats import CycleStats, DependencyEvent, cycle_stats, trend_cycles
from tandem.core.engine import Evaluation
from tandem.core.visibility import Audience
from tandem.dependencies.models import DependencyEvent as EventRow
from tandem.errors import NotFoundError
from tandem.okrs.selectors import closed_cycles_get
from tandem.organization.cache import View, view_get

# How an import's events begin (tandem.organization.apply_plan: "imported from <source>").
IMPORTED = "imported from "


@dataclass(frozen=True)
class CycleStatistics:
    """A cycle's statistics as one viewer may see them; ``stats`` None until it is closed."""

    view: View
    cycle: m.Cycle
    closed: bool
    stats: CycleStats | None
    # Every closed cycle, the latest first: the page's list of the other statistics.
    closed_cycles: tuple[m.Cycle, ...]


def closed_cycles_of(view: View, closed: Iterable[str]) -> tuple[m.Cycle, ...]:
    cycles = [view.org.cycles[c] for c in closed if c in view.org.cycles]
    return tuple(sorted(cycles, key=lambda c: (c.end, c.start, c.id), reverse=True))


def latest_closed_get(*, audience: Audience, as_of: date) -> m.Cycle | None:
    """The closed cycle that ended last (None when none is closed). Two queries at most."""
    view = view_get(audience=audience, as_of=as_of)
    cycles = closed_cycles_of(view, closed_cycles_get())
    return cycles[0] if cycles else None


def cycle_statistics_get(*, audience: Audience, cycle_id: str, as_of: date) -> CycleStatistics:
    """The statistics of ``cycle_id`` for ``audience`` on ``as_of``; NotFoundError for no
    cycle. Besides the view's (held by the cache), two queries: the closed cycles and the
    dependencies' events."""
    view = view_get(audience=audience, as_of=as_of)
    cycle = view.org.cycles.get(cycle_id)
    if cycle is None:
        raise NotFoundError(f"there is no cycle '{cycle_id}'")
    closed = closed_cycles_get()
    listed = closed_cycles_of(view, closed)
    if cycle_id not in closed:
        return CycleStatistics(view, cycle, False, None, listed)
    trend = trend_cycles(view.org, cycle_id, closed)
    events = tuple(dependency_events_get(view.org, [c.id for c in trend]))
    key = (cycle_id, closed, events)
    stats = _held.get(view, key)
    if stats is None:
        graded = {c.id: _graded(audience, view, c) for c in trend}
        stats = cycle_stats(view.org, graded, cycle_id, closed=closed, events=events)
        _held.put(view, key, stats)
    return CycleStatistics(view, cycle, True, stats, listed)


_Key = tuple[str, frozenset[str], tuple[DependencyEvent, ...]]


class _Held:
    """The statistics last computed, kept with the view they were computed on.

    The engine's answer depends only on the view (the organisation as the viewer sees it,
    evaluated: the same object while nothing changes, a new one after any change), the closed
    cycles and the dependencies' events; with all three the same, so is the answer. A second
    of work at 10,000 people is then done once per change, not once per request.
    """

    HELD = 8

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.held: OrderedDict[tuple[int, _Key], tuple[weakref.ref[View], CycleStats]] = (
            OrderedDict()
        )

    def get(self, view: View, key: _Key) -> CycleStats | None:
        with self.lock:
            found = self.held.get((id(view), key))
            if found is None or found[0]() is not view:
                return None
            self.held.move_to_end((id(view), key))
            return found[1]

    def put(self, view: View, key: _Key, stats: CycleStats) -> None:
        with self.lock:
            for gone in [k for k, (ref, _s) in self.held.items() if ref() is None]:
                del self.held[gone]
            self.held[(id(view), key)] = (weakref.ref(view), stats)
            while len(self.held) > self.HELD:
                self.held.popitem(last=False)


_held = _Held()


def _graded(audience: Audience, view: View, cycle: m.Cycle) -> Evaluation:
    """The evaluation holding the cycle's scores: today's once it has ended; else (a cycle
    closed before its end) as of its end, as its review grades it."""
    if view.evaluation.cycles[cycle.id].ended:
        return view.evaluation
    return view_get(audience=audience, as_of=cycle.end).evaluation


def dependency_events_get(org: m.Organization, cycle_ids: list[str]) -> list[DependencyEvent]:
    """The changes of state of the dependencies asked for by the objectives and key results of
    ``cycle_ids`` that ``org`` holds, oldest first, each on its day in the server's time zone.
    One query. The import's events are left out."""
    in_cycles = Q(dependency__from_key_result__objective__cycle_id__in=cycle_ids) | Q(
        dependency__from_objective__cycle_id__in=cycle_ids
    )
    # An import records the state the file gives, on the day it is imported: not when that
    # happened. Left out, the dependency's own state is what counts, as on the file.
    imported = Q(reason__startswith=IMPORTED)
    rows = EventRow.objects.filter(in_cycles).exclude(imported).order_by("at", "id")
    known = org.dependencies
    return [
        DependencyEvent(dependency_id, m.DependencyState(state), timezone.localdate(at))
        for dependency_id, state, at in rows.values_list("dependency_id", "to_state", "at")
        if dependency_id in known
    ]
