from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from tandem.api.api import api
from tandem.server import views

admin.site.site_header = "Tandem administration"
admin.site.site_title = "Tandem"
admin.site.index_title = "People, teams, cycles and settings"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "login",
        auth_views.LoginView.as_view(template_name="server/login.html", next_page="home"),
        name="login",
    ),
    path("logout", auth_views.LogoutView.as_view(next_page="home"), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
