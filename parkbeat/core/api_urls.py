"""/api/v1/: each app registers its routes here."""
from django.urls import include, path

urlpatterns = [
    path("", include("parkbeat.org.api.urls")),
    # Before the enterprises router, whose enterprises/<pk>/ would otherwise catch enterprises/import/.
    path("", include("parkbeat.enterprises.api.io_urls")),
    path("", include("parkbeat.enterprises.api.urls")),
    path("", include("parkbeat.incidents.api.urls")),
    path("", include("parkbeat.disputes.api.urls")),
    path("", include("parkbeat.patrols.api.urls")),
    path("", include("parkbeat.guarding.api.urls")),
    path("", include("parkbeat.inspections.api.urls")),
    path("", include("parkbeat.hazards.api.urls")),
    path("", include("parkbeat.crime.api.urls")),
    path("", include("parkbeat.outreach.api.urls")),
    path("", include("parkbeat.checks.api.urls")),
    path("", include("parkbeat.volunteers.api.urls")),
    path("", include("parkbeat.notifications.api.urls")),
    path("", include("parkbeat.audit.api_urls")),
    path("", include("parkbeat.core.reveal_urls")),  # reveal of masked personal data (part B)
    path("", include("parkbeat.files.api.urls")),  # attachments (part D)
]
