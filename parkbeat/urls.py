"""Root URL configuration: pages per app, the API under /api/v1/, its schema and docs."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("", include("parkbeat.core.urls")),
    path("org/", include("parkbeat.org.urls")),
    path("enterprises/", include("parkbeat.enterprises.urls")),
    path("audit/", include("parkbeat.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("parkbeat.core.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api_redoc"),
]
