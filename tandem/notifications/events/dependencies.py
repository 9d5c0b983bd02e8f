"""Requests for help (see :mod:`tandem.dependencies.signals`), and who hears of them.

- A new request (or one asked again) reaches the provider team: its lead and its members.
- An answer (accepted, with the provider key result; declined, with the reason; delivered)
  reaches the requester (who asked last) and whoever owns the requesting objective: its
  owner, its umbrella owner, or its owning team's lead.

Nobody hears of what they did themselves, and nobody of a request from an objective they
may not see (:func:`tandem.notifications.recipients.who_may_see`).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tandem.access.policy import requesting_objective
from tandem.dependencies.models import Dependency, DependencyEvent, State
from tandem.dependencies.signals import dependency_answered, dependency_requested
from tandem.notifications.deliveries import channels_post
from tandem.notifications.models import Category
from tandem.notifications.recipients import who_may_see
from tandem.notifications.services import Message, notifications_send
from tandem.okrs.models import Objective
from tandem.people.models import Membership, Person, Team

# A receiver's unique id: connecting twice (a test that calls ready() again) adds nothing.
_UID = "tandem.notifications.events.dependencies"

ANSWERED = {
    State.ACCEPTED: "accepted",
    State.DECLINED: "declined",
    State.DELIVERED: "delivered",
}


def connect() -> None:
    dependency_requested.connect(on_requested, sender=Dependency, dispatch_uid=f"{_UID}.asked")
    dependency_answered.connect(on_answered, sender=Dependency, dispatch_uid=f"{_UID}.answered")


def _loaded(dependency_id: str) -> tuple[Dependency, Objective]:
    """The dependency with its provider team and the objective that asks."""
    dependency = Dependency.objects.select_related(
        "provider", "from_key_result__objective", "from_objective"
    ).get(pk=dependency_id)
    return dependency, requesting_objective(dependency)


def _name(person_id: str | None) -> str:
    if person_id is None:
        return "Someone"
    name = Person.objects.filter(pk=person_id).values_list("name", flat=True).first()
    return name or person_id


def _message(dependency: Dependency, event: DependencyEvent, title: str, text: str) -> Message:
    return Message(
        category=Category.DEPENDENCY,
        kind=f"dependency_{event.to_state}",
        object_kind="dependency",
        object_id=dependency.id,
        link=reverse("web:dependencies"),
        title=title,
        text=text,
        event_id=f"dependency-event:{event.pk}",
        actor_id=event.by_id,
    )


def on_requested(*, dependency: Dependency, event: DependencyEvent, **_: Any) -> None:
    """A request reaches the provider team's lead and members."""
    dependency, objective = _loaded(dependency.pk)
    team = dependency.provider
    members = Membership.objects.filter(team=team).order_by("position")
    people = [team.lead_id, *members.values_list("person_id", flat=True)]
    recipients = who_may_see([p for p in people if p != event.by_id], objective.pk)
    needer = dependency.from_key_result or objective
    title = f"{dependency.id}: {_name(event.by_id)} asks {team.name} for help"
    text = f"For {needer.pk} ({needer.title}): {dependency.need}"
    message = _message(dependency, event, title, text)
    # The team's triage channels too, when the whole team may see the asking objective.
    channels_post(team.pk, message, objective_ids=[objective.pk])
    if recipients:
        notifications_send(message, recipients)


def requester_of(dependency: Dependency) -> str | None:
    """Who asked for the help last (None for a request imported from a file)."""
    asked = dependency.events.filter(to_state=State.REQUESTED).order_by("-at", "-id")
    return asked.values_list("by_id", flat=True).first()


def owner_of(objective: Objective) -> str | None:
    """The person answerable for an objective: its owner, its umbrella owner, or its owning
    team's lead."""
    if objective.owner_person_id is not None:
        return objective.owner_person_id
    if objective.is_umbrella and objective.umbrella_owner_id is not None:
        return objective.umbrella_owner_id
    if objective.owner_team_id is None:
        return None
    return Team.objects.filter(pk=objective.owner_team_id).values_list("lead_id", flat=True).first()


def _answer_text(dependency: Dependency, event: DependencyEvent) -> str:
    if event.to_state == State.DECLINED:
        return f"Reason: {event.reason}"
    text = dependency.need
    if event.to_state == State.ACCEPTED and dependency.provider_kr_id is not None:
        text += f" (delivered through key result {dependency.provider_kr_id})"
    return text


def on_answered(*, dependency: Dependency, event: DependencyEvent, **_: Any) -> None:
    """An answer reaches the requester and the requesting objective's owner."""
    dependency, objective = _loaded(dependency.pk)
    people = [requester_of(dependency), owner_of(objective)]
    recipients = who_may_see([p for p in people if p != event.by_id], objective.pk)
    if not recipients:
        return
    answer = ANSWERED[State(event.to_state)]
    title = f"{dependency.id}: {dependency.provider.name} {answer} your request"
    notifications_send(
        _message(dependency, event, title, _answer_text(dependency, event)), recipients
    )
