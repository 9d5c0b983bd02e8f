"""What happens to requests for help, told to whoever listens (the inbox and, later, the other
channels), without this app knowing who does: the layers only point down, so the apps above
connect their receivers here (``tandem.notifications`` in its AppConfig.ready).

Each signal is sent once the change is committed (never for a change rolled back), with
``sender=Dependency`` and:

- ``dependency_requested``: ``dependency`` and ``event`` (the :class:`DependencyEvent`
  recording it: asked, or asked again), ``actor_id`` (who asked, or None);
- ``dependency_answered``: the same, for an answer of the provider team: accepted (with the
  provider key result), declined (with the reason), delivered.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from tandem.dependencies.models import Dependency, DependencyEvent, State

dependency_requested = Signal()
dependency_answered = Signal()

# The states an answer of the provider team leads to.
ANSWERS = frozenset({State.ACCEPTED, State.DECLINED, State.DELIVERED})


def send_on_commit(dependency: Dependency, event: DependencyEvent) -> None:
    """Tell the listeners of ``event`` once the transaction commits: a request (asked or asked
    again) or an answer; other changes (a cancellation) are told to no one yet. A listener's
    failure is logged and never undoes or refuses the change, which is already stored."""
    if event.to_state == State.REQUESTED:
        signal = dependency_requested
    elif event.to_state in ANSWERS:
        signal = dependency_answered
    else:
        return
    transaction.on_commit(
        lambda: signal.send(
            sender=Dependency, dependency=dependency, event=event, actor_id=event.by_id
        ),
        robust=True,
    )
