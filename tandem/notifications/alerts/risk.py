"""Risk alerts: when a dependency makes a key result's effective health worse, its owner and
contributors hear it, with the chain in words; when it recovers, they hear that too.

A sweep (the job ``risk-sweep``: after each committed change, and every few minutes)
compares the engine's health of every key result with what its people were last told
(:class:`~tandem.notifications.models.RiskState`) and decides with :func:`risk_decide`:

- a key result seen for the first time is recorded silently when the table is empty (the
  first sweep after an upgrade tells no one of risks that were there already); later, it is
  told of when a dependency lowers its health already;
- worse than last told, because of a dependency (its effective health below its own):
  "SR-1.1 is now off track because DEP-1: ..."; worse by its own check-ins: recorded
  silently (its people know, they checked in);
- better than last told, after a worsening was told: "SR-1.1 has recovered: it is on track
  again" (or "... is now at risk, no longer off track, because ...");
- at most one message per key result a day (the slot is the day): a change on a day it was
  told of already waits for the next day's sweep, which tells it if it still holds.

Key results of cycles that have ended are left alone (they are graded, no longer followed).

Recipients: the key result's owner, its contributors (people, and the lead and members of
contributing teams), those of them who may see its objective; the chain names nothing its
reader may not see (:mod:`tandem.notifications.alerts.chain`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from tandem.core import model as m
from tandem.core.results import Evaluation, Health, KeyResultResult
from tandem.notifications.alerts.chain import HEALTH, because
from tandem.notifications.alerts.seeing import Seeing, admins_get, alerts_view, team_people
from tandem.notifications.models import Category, RiskState
from tandem.notifications.services import Message, notifications_send_all

Sending = tuple[Message, list[str]]

WORSENED = "risk_worsened"
RECOVERED = "risk_recovered"


@dataclass(frozen=True, slots=True)
class Told:
    """What a key result's people were last told (see RiskState)."""

    health: Health
    worsened: bool
    told_on: date | None


def risk_decide(
    told: Told | None, result: KeyResultResult, today: date, *, first_sweep: bool
) -> tuple[Told | None, str | None]:
    """What to record (None: nothing changes) and what to tell (WORSENED, RECOVERED or None)
    for a key result last told ``told`` whose evaluation is now ``result``."""
    now = result.health
    by_dependency = bool(result.at_risk_from) and now.rank > result.own_health.rank
    if told is None:
        if first_sweep or not by_dependency:
            return Told(now, False, None), None
        return Told(now, True, today), WORSENED
    if now == told.health or told.told_on == today:
        return None, None
    if now.rank > told.health.rank:
        if by_dependency:
            return Told(now, True, today), WORSENED
        return Told(now, told.worsened, told.told_on), None
    if told.worsened:
        return Told(now, by_dependency, today), RECOVERED
    return Told(now, False, told.told_on), None


def recipients_of(org: m.Organization, key_result_id: str) -> list[str]:
    """The owner and contributors of a key result (a contributing team: its lead and members)."""
    key_result = org.key_results[key_result_id]
    people = [key_result.owner] if key_result.owner is not None else []
    for contributor in key_result.contributors:
        people += team_people(org, contributor) if contributor in org.teams else [contributor]
    return list(dict.fromkeys(people))


@dataclass(frozen=True)
class Sweep:
    """What a sweep looks at: the evaluated organisation and who may see what."""

    org: m.Organization
    evaluation: Evaluation
    seeing: Seeing

    def words(self, key_result_id: str, kind: str, told: Told, reader: str) -> str:
        health = HEALTH[told.health]
        if kind == RECOVERED and not told.worsened:
            return f"{key_result_id} has recovered from its dependencies: it is {health} now"
        chain = because(
            self.org, self.evaluation, key_result_id, lambda o: self.seeing.may_see(reader, o)
        )
        if kind == RECOVERED:
            return f"{key_result_id} is now {health}, better than before, because {chain}"
        return f"{key_result_id} is now {health} because {chain}"

    def messages(self, key_result_id: str, kind: str, told: Told) -> list[Sending]:
        """The messages of one change, one per wording (readers who may see different parts
        of the chain read different words), with their readers."""
        key_result = self.org.key_results[key_result_id]
        readers = self.seeing.who(recipients_of(self.org, key_result_id), key_result.objective)
        by_words: dict[str, list[str]] = defaultdict(list)
        for reader in readers:
            by_words[self.words(key_result_id, kind, told, reader)].append(reader)
        link = reverse("web:objective", args=[key_result.objective])
        return [
            (
                Message(
                    category=Category.RISK,
                    kind=kind,
                    object_kind="key_result",
                    object_id=key_result_id,
                    link=f"{link}#kr-{key_result_id}",
                    title=words if len(words) <= 300 else f"{words[:299]}…",
                    text=f"{key_result_id}: {key_result.title}",
                    event_id=f"risk:{key_result_id}",
                    slot=told.told_on.isoformat() if told.told_on else "",
                ),
                people,
            )
            for words, people in by_words.items()
        ]


def _stored() -> dict[str, Told]:
    rows = RiskState.objects.values_list("key_result_id", "health", "worsened", "told_on")
    return {kid: Told(Health(health), worsened, on) for kid, health, worsened, on in rows}


def risk_sweep(today: date) -> int:
    """Compare every key result with what its people were last told, record what changed and
    send what is to be told; how many key results were told of. A fixed number of queries."""
    view = alerts_view(today)
    org, evaluation = view.org, view.evaluation
    stored = _stored()
    first_sweep = not stored
    changed: dict[str, Told] = {}
    sending: list[Sending] = []
    sweep = Sweep(org, evaluation, Seeing(org, admins_get()))
    for key_result_id, result in evaluation.key_results.items():
        if _ended(org, evaluation, result):
            continue  # graded now, not followed: what it was last told stays
        told, kind = risk_decide(stored.get(key_result_id), result, today, first_sweep=first_sweep)
        if told is None:
            continue
        changed[key_result_id] = told
        if kind is not None:
            sending += sweep.messages(key_result_id, kind, told)
    _record(changed, stored, gone=stored.keys() - evaluation.key_results.keys())
    notifications_send_all(sending)
    return len({message.object_id for message, _ in sending})


def _ended(org: m.Organization, evaluation: Evaluation, result: KeyResultResult) -> bool:
    cycle = evaluation.cycles.get(org.objectives[result.objective].cycle)
    return cycle is not None and cycle.ended


def _record(changed: dict[str, Told], stored: dict[str, Told], *, gone: set[str]) -> None:
    """Write what changed; forget the key results gone (deleted or archived)."""
    ids = sorted(gone)
    for start in range(0, len(ids), 500):
        RiskState.objects.filter(key_result_id__in=ids[start : start + 500]).delete()
    rows = [
        RiskState(key_result_id=kid, health=t.health.value, worsened=t.worsened, told_on=t.told_on)
        for kid, t in changed.items()
    ]
    RiskState.objects.bulk_create(
        [row for row in rows if row.key_result_id not in stored], batch_size=500
    )
    RiskState.objects.bulk_update(
        [row for row in rows if row.key_result_id in stored],
        ["health", "worsened", "told_on"],
        batch_size=500,
    )
