"""The dependencies page (:mod:`.page`, its cards :mod:`.cards`, its risks and graph
:mod:`.graph`), answering from a card (:mod:`.actions`) and asking for help (:mod:`.new`).
The reads are :mod:`tandem.organization.dependencies`'; the writes go through
:mod:`tandem.access.dependencies` and the services, as the API's do."""

from __future__ import annotations

from django.urls import path

from tandem.core import model as m
from tandem.core import permissions
from tandem.core.visibility import Audience
from tandem.organization.dependencies import own_teams
from tandem.web.views.dependencies.actions import ACTIONS, dependency_action
from tandem.web.views.dependencies.cards import FormState
from tandem.web.views.dependencies.new import dependency_new
from tandem.web.views.dependencies.page import dependencies

__all__ = ["FormState", "may_edit", "own_teams", "urlpatterns"]


def may_edit(audience: Audience, objective: m.Objective) -> bool:
    """tandem.core.permissions.may_edit for callers without the organisation at hand (the
    review page, until it passes ``ownership_of(org, objective)``): ids are unique across
    teams and people, so the owner is read as either."""
    umbrella = objective.umbrella.owner if objective.umbrella is not None else None
    ownership = permissions.Ownership(objective.owner, objective.owner, umbrella)
    return permissions.may_edit(audience, ownership)


urlpatterns = [
    path("dependencies", dependencies, name="dependencies"),
    path("dependencies/new", dependency_new, name="dependency_new"),
    *[
        path(
            f"dependencies/<str:dependency_id>/{action}",
            dependency_action,
            {"action": action},
            name=f"dependency_{action}",
        )
        for action in ACTIONS
    ],
]
