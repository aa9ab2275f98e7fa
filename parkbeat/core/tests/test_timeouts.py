"""The request time limit (core.timeouts): a statement over it is stopped, answered 503 with `detail`, and the
connection serves the next request; outside a request (commands, the job consumer) nothing is limited.

The slow statement: `pg_sleep` on PostgreSQL, a recursive count to 10⁹ on SQLite (minutes, if not stopped).
"""
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

import parkbeat.urls
from parkbeat.core.timeouts import time_limit_exceeded

URLS = "parkbeat.core.tests.test_timeouts"  # the project's URLs plus these test-only views, under /api/ (not /api/v1/:
# no published operation, so the response contract of issue 17 does not apply)
LIMIT_MS = 300

CUT_OFF_WITHIN = 5.0  # seconds: the limit plus generous room for a loaded machine; uncut, the statement runs minutes


def slow_sql(seconds):
    """A statement that runs for about `seconds` (PostgreSQL; on SQLite at least that on a slow machine, a quarter
    of it on a fast one) or, on SQLite, counts to 10⁹ when seconds is None."""
    if connection.vendor == "postgresql":
        return f"SELECT pg_sleep({seconds if seconds is not None else 60})"
    count = 10**9 if seconds is None else int(seconds * 2_000_000)
    return f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {count}) SELECT count(*) FROM c"


def run(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def slow_page(request):
    run(slow_sql(None))
    return JsonResponse({"never": "reached"})


class SlowAPI(APIView):
    permission_classes = [AllowAny]
    schema = None  # test-only: never in the published schema

    def get(self, request):
        run(slow_sql(None))
        return Response({"never": "reached"})

    def post(self, request):
        with transaction.atomic():  # as a service does: a row written, then a slow statement
            Group.objects.create(name="half-written")
            run(slow_sql(None))
        return Response({"never": "reached"})


class FastAPI(APIView):
    permission_classes = [AllowAny]
    schema = None  # test-only: never in the published schema

    def get(self, request):
        return Response({"one": run("SELECT 1")[0], "limit": statement_timeout()})


class HalfSecondAPI(APIView):
    permission_classes = [AllowAny]
    schema = None  # test-only: never in the published schema

    def get(self, request):
        run(slow_sql(0.5))
        return Response({"ran": True})


class ManyStatementsAPI(APIView):
    """Statements of a tenth of the limit each, twenty of them: none is over the limit, together they are."""

    permission_classes = [AllowAny]
    schema = None  # test-only: never in the published schema

    def get(self, request):
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            connection.connection.create_function("pg_sleep", 1, time.sleep)
        for _ in range(20):
            run(f"SELECT pg_sleep({LIMIT_MS / 10_000})")  # a tenth of the limit, on either engine
        return Response({"ran": 20})


urlpatterns = [
    path("slow/", slow_page),
    path("api/test-many/", ManyStatementsAPI.as_view()),
    path("api/test-slow/", SlowAPI.as_view()),
    path("api/test-fast/", FastAPI.as_view()),
    path("api/test-half-second/", HalfSecondAPI.as_view()),
    *parkbeat.urls.urlpatterns,
]
handler404 = parkbeat.urls.handler404
handler500 = parkbeat.urls.handler500


def limit_shown():
    """What the fast view reports inside a request at LIMIT_MS: PostgreSQL's SHOW, nothing on SQLite."""
    return f"{LIMIT_MS}ms" if connection.vendor == "postgresql" else None


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def statement_timeout():
    return run("SHOW statement_timeout")[0] if connection.vendor == "postgresql" else None


@pytest.fixture
def low_limit(settings):
    settings.PARKBEAT_REQUEST_DB_TIMEOUT_MS = LIMIT_MS


@pytest.mark.urls(URLS)
@pytest.mark.django_db(transaction=True)  # autocommit, as in production: the limit is set on the session
def test_an_api_statement_over_the_limit_is_stopped_with_503_and_the_connection_serves_the_next_request(
        client, low_limit):
    run("SELECT 1")
    raw, before = connection.connection, statement_timeout()

    response, elapsed = timed(lambda: client.get("/api/test-slow/"))

    assert response.status_code == 503
    assert response.json() == {"detail": "请求处理时间过长，已被停止；请缩小范围（更短的时段、更多筛选条件）或稍后重试。"}
    assert "Retry-After" not in response
    assert elapsed < CUT_OFF_WITHIN
    response = client.get("/api/test-fast/")
    assert response.status_code == 200
    assert response.json() == {"one": 1, "limit": limit_shown()}
    assert connection.connection is raw  # the same connection, not a new one
    assert statement_timeout() == before  # outside a request, the session's limit is gone again


@pytest.mark.urls(URLS)
@pytest.mark.django_db(transaction=True)
def test_a_page_over_the_limit_is_the_503_page_and_the_next_page_answers(client, low_limit):
    client.raise_request_exception = False

    response, elapsed = timed(lambda: client.get("/slow/"))

    assert response.status_code == 503
    assert [t.name for t in response.templates] == ["503.html"]
    text = response.content.decode()
    assert "页面处理时间过长，已被停止" in text and "took too long" in text
    assert "数据库暂时不可用" not in text
    assert "Retry-After" not in response
    assert elapsed < CUT_OFF_WITHIN
    assert client.get("/api/test-fast/").status_code == 200


@pytest.mark.urls(URLS)
@pytest.mark.django_db(transaction=True)
def test_the_503_detail_follows_the_api_language(client, low_limit):
    response = client.get("/api/test-slow/", headers={"Accept-Language": "en"})

    assert response.status_code == 503
    assert response.json() == {"detail": "This request took too long and was stopped; narrow it down (a shorter "
                                         "period, more filters) or try again later."}


@pytest.mark.urls(URLS)
@pytest.mark.django_db  # inside the test's transaction: the limit is SET LOCAL before each statement
def test_a_write_stopped_by_the_limit_is_rolled_back(client, low_limit):
    response, elapsed = timed(lambda: client.post("/api/test-slow/"))

    assert response.status_code == 503
    assert elapsed < CUT_OFF_WITHIN
    assert not Group.objects.filter(name="half-written").exists()
    assert client.get("/api/test-fast/").json() == {"one": 1, "limit": limit_shown()}
    assert statement_timeout() in (None, "0")  # the SET LOCAL is undone for what follows in the transaction


@pytest.mark.urls(URLS)
@pytest.mark.django_db(transaction=True)
def test_outside_a_request_nothing_is_limited(client, settings):
    """Commands, migrations, the job consumer and backups run no request: a statement over the limit runs on,
    also on a connection that has just served a request (and whose session carried the limit)."""
    settings.PARKBEAT_REQUEST_DB_TIMEOUT_MS = LIMIT_MS  # the whole request gets it: room for a loaded machine
    assert client.get("/api/test-fast/").json() == {"one": 1, "limit": limit_shown()}

    started = time.monotonic()
    result = run(slow_sql(2))

    assert time.monotonic() - started > LIMIT_MS / 1000
    assert result[0] in ("", 4_000_000)  # pg_sleep returns void (an empty string); the count its end
    assert statement_timeout() in (None, "0")


@pytest.mark.urls(URLS)
@pytest.mark.django_db(transaction=True)
def test_the_setting_decides_which_statements_are_stopped(client, settings):
    """A half-second statement: stopped at 50 ms, run at 10 s or with the limit off (0)."""
    settings.PARKBEAT_REQUEST_DB_TIMEOUT_MS = 50
    assert client.get("/api/test-half-second/").status_code == 503

    settings.PARKBEAT_REQUEST_DB_TIMEOUT_MS = 10_000
    assert client.get("/api/test-half-second/").json() == {"ran": True}
    assert client.get("/api/test-fast/").json()["limit"] in (None, "10s")

    settings.PARKBEAT_REQUEST_DB_TIMEOUT_MS = 0
    assert client.get("/api/test-half-second/").json() == {"ran": True}
    assert client.get("/api/test-fast/").json()["limit"] in (None, "0")


@pytest.mark.urls(URLS)
@pytest.mark.django_db(transaction=True)
def test_many_quick_statements_cannot_add_up_past_the_limit(client, low_limit, settings):
    """The limit is the request's: once it is spent no statement starts (503), though each was quick; the
    connection serves the next request, and with room enough the same request runs to its end."""
    started = time.monotonic()
    response = client.get("/api/test-many/")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert "detail" in response.json()
    assert elapsed < CUT_OFF_WITHIN
    assert client.get("/api/test-fast/").json() == {"one": 1, "limit": limit_shown()}
    settings.PARKBEAT_REQUEST_DB_TIMEOUT_MS = 60_000
    assert client.get("/api/test-many/").json() == {"ran": 20}


@pytest.mark.django_db
def test_other_database_errors_are_not_read_as_the_time_limit():
    from django.db import DatabaseError, OperationalError

    with pytest.raises(DatabaseError) as caught:
        run("SELECT * FROM no_such_table_here")
    assert not time_limit_exceeded(caught.value)
    assert not time_limit_exceeded(OperationalError("database is locked"))
