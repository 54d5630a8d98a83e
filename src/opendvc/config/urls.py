from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from opendvc.config.api import api
from opendvc.core import views as core_views
from opendvc.sync import dvcqg
from opendvc.web import views as web_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("livez", core_views.livez, name="livez"),
    # The public catalogue and home page first: they take most requests, and URL resolution tries
    # the patterns in order. No other app's pattern starts with "thu-tuc/" or is the bare root.
    path("", include("opendvc.catalog.urls")),
    path("", include("opendvc.web.urls")),
    path("api/dvcqg/auth", dvcqg.auth_view, name="dvcqg_auth"),
    path("api/dvcqg/service", dvcqg.service_view, name="dvcqg_service"),
    path("api/", api.urls),
    path("i18n/setlang/", web_views.language_set, name="language_set"),
    path("admin/", admin.site.urls),
    path("accounts/", include("opendvc.accounts.urls")),
    path("", include("opendvc.sso.urls")),
    path("nop-ho-so/", include("opendvc.forms.urls")),
    path("", include("opendvc.dossiers_web.urls")),
    path("", include("opendvc.sync.urls")),
    path("", include("opendvc.payments.urls")),
    path("", include("opendvc.reporting.urls")),
    path("", include("opendvc.agencies.urls")),
]

handler404 = "opendvc.web.views.page_not_found"
handler500 = "opendvc.web.views.server_error"

__all__ = ["i18n_patterns", "urlpatterns"]
