"""/api/v1/reveal/ (included from core.api_urls)."""
from django.urls import path

from parkbeat.core.reveal_views import RevealAPIView

urlpatterns = [
    path("reveal/", RevealAPIView.as_view(), name="api-reveal"),
]
