"""The app's URLs plus /bench/bare/, a JSON view with no database work: the server's ceiling."""
from django.http import JsonResponse
from django.urls import include, path


def bare(request):
    """Baseline: the full middleware stack, no query, a tiny JSON body."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("parkbeat.urls")),
]
