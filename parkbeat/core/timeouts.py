"""A time limit on every database statement of a page or API request (issue 12: no request ties up a worker).

`RequestTimeLimitMiddleware` installs, for the length of the request, an execute wrapper on the default
connection that limits each statement to `PARKBEAT_REQUEST_DB_TIMEOUT_MS`:

- PostgreSQL: `SET statement_timeout` before the request's first statement, at session level when that
  statement runs in autocommit (then once per request), else `SET LOCAL` before each statement inside the
  transaction (a rolled-back transaction or savepoint would take a session-level SET with it). The server
  cancels a statement over the limit (QueryCanceled); `RESET statement_timeout` at the end of the request
  gives the persistent connection back unlimited.
- SQLite: a progress handler that interrupts the running statement once it is past its deadline
  ("interrupted"); removed at the end of the request.

Either way Django raises OperationalError: the API's exception handler and the 500 handler (core.api) answer
503 with a `detail` that says the request took too long, the transaction is rolled back, and the connection
serves the next request. Commands, migrations, the Huey consumer and backups run outside any request and
so are not limited. A streamed response's rows are read after the middleware returns: not limited either.
The statements the wrapper adds go through the raw cursor, so query counts in tests do not see them.
"""
import logging
import sqlite3
import time

from django.conf import settings
from django.db import DatabaseError, connection

logger = logging.getLogger("parkbeat.timeouts")

SQLITE_CHECK_EVERY = 10_000  # virtual-machine instructions between two looks at the clock (~0.1 ms)
# Django's savepoint statements: limited by nothing (they are quick), and one after an error must not fail.
SAVEPOINT_SQL = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")
INERROR = 3  # psycopg.pq.TransactionStatus.INERROR: the transaction failed, only a rollback can follow


def time_limit_exceeded(exc):
    """Whether a database error is a statement stopped by the time limit (or cancelled by an operator)."""
    cause = getattr(exc, "__cause__", None)
    if isinstance(cause, sqlite3.OperationalError):
        return str(cause) == "interrupted"
    try:
        from psycopg.errors import QueryCanceled
    except ImportError:  # no PostgreSQL driver installed: SQLite only
        return False
    return isinstance(cause, QueryCanceled)


class StatementTimeLimit:
    """The execute wrapper of one request on one connection (see the module's docstring)."""

    def __init__(self, milliseconds):
        self.milliseconds = int(milliseconds)
        self.deadline = None
        self.session_set_on = None  # the raw PostgreSQL connection whose session carries the limit
        self.local_set = False  # a SET LOCAL was made (tests: the request runs inside the test's transaction)
        self.handler_on = None  # the raw SQLite connection carrying the progress handler

    def __call__(self, execute, sql, params, many, context):
        db = context["connection"]
        if db.vendor == "postgresql" and not (isinstance(sql, str) and sql.startswith(SAVEPOINT_SQL)):
            self._postgresql(db)
        elif db.vendor == "sqlite":
            self._sqlite(db)
        try:
            return execute(sql, params, many, context)
        except DatabaseError as exc:
            if time_limit_exceeded(exc):
                logger.warning("statement stopped after %s ms: %.200s", self.milliseconds, sql)
            raise

    def _postgresql(self, db):
        raw = db.connection
        if raw is self.session_set_on or raw.info.transaction_status == INERROR:
            return  # already set; or nothing but a rollback can run (and a SET would fail the rollback)
        in_transaction = db.in_atomic_block or not db.get_autocommit()
        # A cursor of its own: the statement's may be a server-side one (QuerySet.iterator()).
        with db.wrap_database_errors, raw.cursor() as cursor:  # failures read as any other database error
            if in_transaction:
                cursor.execute(f"SET LOCAL statement_timeout = {self.milliseconds}")
                self.local_set = True
            else:
                cursor.execute(f"SET statement_timeout = {self.milliseconds}")
                self.session_set_on = raw

    def _sqlite(self, db):
        raw = db.connection
        if raw is not self.handler_on:
            raw.set_progress_handler(self._past_deadline, SQLITE_CHECK_EVERY)
            self.handler_on = raw
        self.deadline = time.monotonic() + self.milliseconds / 1000

    def _past_deadline(self):
        return self.deadline is not None and time.monotonic() > self.deadline  # true: SQLite interrupts

    def finish(self, db):
        """Give the connection back without the limit (it persists between requests, CONN_MAX_AGE)."""
        raw = db.connection
        if raw is None:
            return
        if db.vendor == "sqlite":
            if raw is self.handler_on:
                raw.set_progress_handler(None, 0)
            return
        if db.vendor != "postgresql" or (raw is not self.session_set_on and not self.local_set):
            return
        statement = "RESET statement_timeout"
        if raw is not self.session_set_on:  # only SET LOCAL inside a transaction that outlives the request
            if raw.info.transaction_status == INERROR:
                return  # the transaction can only be rolled back, and the rollback ends the SET LOCAL
            statement = "SET LOCAL statement_timeout TO DEFAULT"
        try:
            with db.wrap_database_errors, raw.cursor() as cursor:
                cursor.execute(statement)
        except DatabaseError:
            if raw is self.session_set_on:  # the limit would stay on a connection we cannot talk to: drop it
                db.close()


class RequestTimeLimitMiddleware:
    """Limits every statement of the request (PARKBEAT_REQUEST_DB_TIMEOUT_MS; 0 turns the limit off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        milliseconds = settings.PARKBEAT_REQUEST_DB_TIMEOUT_MS
        if milliseconds <= 0:
            return self.get_response(request)
        limit = StatementTimeLimit(milliseconds)
        try:
            with connection.execute_wrapper(limit):
                return self.get_response(request)
        finally:
            limit.finish(connection)
