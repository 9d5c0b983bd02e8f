from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from tandem.api.api import api
from tandem.provisioning import views as provisioning
from tandem.server import views
from tandem.web.views import signin, sso
from tandem.web.views.home import my_okrs

# Problem details under /api/, the HTML pages elsewhere (tandem.server.errors).
handler400 = "tandem.server.errors.bad_request"
handler403 = "tandem.server.errors.permission_denied"
handler404 = "tandem.server.errors.page_not_found"
handler500 = "tandem.server.errors.server_error"

admin.site.site_header = "Tandem administration"
admin.site.site_title = "Tandem"
admin.site.index_title = "People, teams, cycles and settings"

urlpatterns = [
    path("", my_okrs, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login", signin.SignInView.as_view(), name="login"),
    path("logout", sso.sign_out, name="logout"),
    path("sso/start", sso.SsoStart.as_view(), name="oidc_start"),
    path("sso/callback", sso.SsoCallback.as_view(), name="oidc_callback"),
    path(
        "password",
        auth_views.PasswordChangeView.as_view(template_name="web/password_change.html"),
        name="password_change",
    ),
    path(
        "password/done",
        auth_views.PasswordChangeDoneView.as_view(template_name="web/password_change_done.html"),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # SCIM 2.0 provisioning (docs/scim.md); the path after /scim/v2 is the SCIM endpoint.
    re_path(r"^scim/v2(?:/(?P<path>.*))?$", provisioning.scim, name="scim"),
    path("", include("tandem.web.urls")),
]
