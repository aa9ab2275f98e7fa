"""Root URL configuration: pages per app, the API under /api/v1/, its schema and docs."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("parkbeat.core.urls")),
    path("org/", include("parkbeat.org.urls")),
    path("enterprises/", include("parkbeat.enterprises.urls")),
    path("incidents/", include("parkbeat.incidents.urls")),
    path("disputes/", include("parkbeat.disputes.urls")),
    path("patrols/", include("parkbeat.patrols.urls")),
    path("guarding/", include("parkbeat.guarding.urls")),
    path("inspections/", include("parkbeat.inspections.urls")),
    path("hazards/", include("parkbeat.hazards.urls")),
    path("crime/", include("parkbeat.crime.urls")),
    path("outreach/", include("parkbeat.outreach.urls")),
    path("checks/", include("parkbeat.checks.urls")),
    path("volunteers/", include("parkbeat.volunteers.urls")),
    path("inbox/", include("parkbeat.notifications.urls")),
    path("audit/", include("parkbeat.audit.urls")),
    path("files/", include("parkbeat.files.urls")),  # attachments (part D)
    path("security/", include("parkbeat.security.urls")),  # login and sessions (part A)
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("parkbeat.core.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so CSP script-src 'self' holds (part A).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
]
# An unmatched /api/ path answers JSON like every other API error (part C, SECURITY E2).
handler404 = "parkbeat.core.api.not_found"
handler500 = "parkbeat.core.api.server_error"
