"""The web pages' addresses; each views module lists its own."""

from tandem.web.views import (
    alignment,
    cadence,
    channels,
    checkin,
    comments,
    corrections,
    dashboard,
    dependencies,
    editing,
    exports,
    imports,
    inbox,
    insight,
    objectives,
    preferences,
    provisioning,
    report,
    review,
    statistics,
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
    *statistics.urlpatterns,
    *report.urlpatterns,
    *exports.urlpatterns,
    *inbox.urlpatterns,
    *preferences.urlpatterns,
    *insight.urlpatterns,
    *channels.urlpatterns,
    *cadence.urlpatterns,
    *imports.urlpatterns,
    *provisioning.urlpatterns,
]
