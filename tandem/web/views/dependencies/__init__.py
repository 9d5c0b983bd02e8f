"""The dependencies page (:mod:`.page`, its cards :mod:`.cards`, its risks and graph
:mod:`.graph`), answering from a card (:mod:`.actions`) and asking for help (:mod:`.new`).
The reads are :mod:`tandem.organization.dependencies`'; the writes go through
:mod:`tandem.access.dependencies` and the services, as the API's do."""

from __future__ import annotations

from django.urls import path

from tandem.web.views.dependencies.actions import ACTIONS, dependency_action
from tandem.web.views.dependencies.new import dependency_new
from tandem.web.views.dependencies.page import dependencies

__all__ = ["urlpatterns"]


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
