"""The web pages' addresses; each views module lists its own."""

from tandem.web.views import (
    alignment,
    checkin,
    comments,
    corrections,
    dashboard,
    dependencies,
    editing,
    exports,
    imports,
    inbox,
    objectives,
    preferences,
    report,
    review,
    teams,
)

app_name = "web"

urlpatterns = [
    *checkin.urlpatterns,
    *comments.urlpatterns,
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
    *preferences.urlpatterns,
    *imports.urlpatterns,
]
