"""The app's URLs plus the anchors: three bench-only views behind the same middleware and server as the app.

- /bench/bare/: no query, a tiny JSON body — the server's ceiling;
- /bench/one-query/?pk=N: one primary-key query (a park's id and name) — what one list request should cost
  a few of;
- /bench/one-insert/: POST, authenticated like the incident POST (DRF with the project's bearer token
  and session authentication, CSRF exempt as DRF is for a bearer token), one INSERT of a small row.
"""
from django.http import JsonResponse
from django.urls import include, path
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from parkbeat.core.models import IdempotencyKey
from parkbeat.org.models import Park


def bare(request):
    """Baseline: the full middleware stack, no query, a tiny JSON body."""
    return JsonResponse({"ok": True})


def one_query(request):
    """One indexed primary-key query, its row as JSON (404 for an unknown id, as the app would)."""
    try:
        pk = int(request.GET.get("pk", "1"))
    except ValueError:
        return JsonResponse({"detail": "pk must be a number"}, status=400)
    row = Park.objects.filter(pk=pk).values("id", "name").first()
    if row is None:
        return JsonResponse({"detail": "no such park"}, status=404)
    return JsonResponse(row)


class OneInsert(APIView):
    """One INSERT of a small row (an IdempotencyKey under the bench's own scope): the floor of any create.

    The body is {"key": "<unique per request>"}; the same key twice is the unique constraint's 409.
    """

    def post(self, request):
        key = str(request.data.get("key", ""))[:100]
        if not key:
            return Response({"detail": "key is required"}, status=status.HTTP_400_BAD_REQUEST)
        row = IdempotencyKey.objects.create(user=request.user, scope="bench", key=key, request_hash="",
                                            object_id="", status_code=201)
        return Response({"id": row.pk}, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/one-query/", one_query, name="bench_one_query"),
    path("bench/one-insert/", OneInsert.as_view(), name="bench_one_insert"),
    path("", include("parkbeat.urls")),
]
