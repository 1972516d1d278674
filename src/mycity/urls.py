from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from mycity.api import api
from mycity.core import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("open311/v2/", include("mycity.appeals.open311_urls")),
    # Before the console: its "<slug>/" would take "analytics" for a city.
    path("console/analytics/", include("mycity.analytics.urls")),
    path("console/", include("mycity.console.urls")),
    path("", include("mycity.analytics.public_urls")),
    path("", include("mycity.content.urls")),
    path("", include("mycity.web.urls")),
]

if settings.MYCITY_BENCH_ENDPOINTS:
    urlpatterns.insert(0, path("bench/ceiling", health.bench_ceiling))

handler400 = "mycity.web.errors.bad_request"
handler403 = "mycity.web.errors.forbidden"
handler404 = "mycity.web.errors.not_found"
handler500 = "mycity.web.errors.server_error"
