from django.contrib import admin
from django.urls import path

from tandem.server import views

admin.site.site_header = "Tandem administration"
admin.site.site_title = "Tandem"
admin.site.index_title = "People, teams, cycles and settings"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
