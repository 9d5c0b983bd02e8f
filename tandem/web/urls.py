"""The web pages' addresses; each views module lists its own."""

from tandem.web.views import (
    alignment,
    cadence,
    checkin,
    corrections,
    dashboard,
    dependencies,
    editing,
    exports,
    inbox,
    objectives,
    report,
    review,
    teams,
)

app_name = "web"

urlpatterns = [
    *checkin.urlpatterns,
    *corrections.urlpatterns,
    *editing.urlpatterns,  # before objectives: /objectives/new is not an objective's id
    *objectives.urlpatterns,
    *teams.urlpatterns,
    *alignment.urlpatterns,
    *dependencies.urlpatterns,
    *dashboard.urlpatterns,
    *review.urlpatterns,
    *report.urlpatterns,
    *exports.urlpatterns,
    *inbox.urlpatterns,
    *cadence.urlpatterns,
]
