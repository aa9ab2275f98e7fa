"""A time limit on the database work of a page or API request (issue 12: no request ties up a worker).

`RequestTimeLimitMiddleware` marks the request's limit (`PARKBEAT_REQUEST_DB_TIMEOUT_MS`) and its deadline (the
limit counted from the request's start), and makes sure the thread's default connection carries
`StatementTimeLimit`, an execute wrapper. Before each statement it refuses to start one once the request is past
its deadline (`RequestOverTime`: many quick statements cannot add up to a long request either), then brings the
connection to the limit wanted at that moment (the request's, or none outside a request):

- PostgreSQL: `SET statement_timeout`, at session level when the statement runs in autocommit; the
  connection is persistent (CONN_MAX_AGE), so this happens once per connection, not per request, and a
  statement outside any request `RESET`s it first. Inside a transaction, where a session has not got the
  limit yet, `SET LOCAL` before each statement (a rolled-back transaction or savepoint would take any SET
  with it). The server cancels a statement over the limit (QueryCanceled).
- SQLite: a progress handler that interrupts the running statement once the request is past its deadline
  ("interrupted"); removed at the end of the request. So on SQLite the request's statements together get the
  limit; on PostgreSQL each statement gets it, and none starts after the deadline (at most twice the limit).

Either way Django raises OperationalError: the API's exception handler and the 500 handler (core.api) answer
503 with a `detail` that says the request took too long, the transaction is rolled back, and the connection
serves the next request. Commands, migrations, the Huey consumer and backups run outside any request and
so are not limited. A streamed response's rows are read after the middleware returns: not limited either.
The statements the wrapper adds go through a raw cursor, so query counts in tests do not see them. On
SQLite the wait for the write lock (busy_timeout) is not a statement's running time and is not cut short.
"""
import contextvars
import logging
import sqlite3
import time

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection

logger = logging.getLogger("parkbeat.timeouts")

SQLITE_CHECK_EVERY = 10_000  # virtual-machine instructions between two looks at the clock (~0.1 ms)
# Django's savepoint statements: quick, and one after an error must not fail because of a SET before it.
SAVEPOINT_SQL = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")
INERROR = 3  # psycopg.pq.TransactionStatus.INERROR: the transaction failed, only a rollback can follow

_wanted = contextvars.ContextVar("parkbeat_statement_limit_ms", default=None)  # set during a request
_deadline = contextvars.ContextVar("parkbeat_request_deadline", default=None)  # time.monotonic() it ends at


class RequestOverTime(OperationalError):
    """The request has spent its time limit: no further statement of it starts."""


def time_limit_exceeded(exc):
    """Whether a database error is a statement stopped by the time limit (or cancelled by an operator)."""
    if isinstance(exc, RequestOverTime):
        return True
    cause = getattr(exc, "__cause__", None)
    if isinstance(cause, sqlite3.OperationalError):
        return str(cause) == "interrupted"
    try:
        from psycopg.errors import QueryCanceled
    except ImportError:  # no PostgreSQL driver installed: SQLite only
        return False
    return isinstance(cause, QueryCanceled)


class StatementTimeLimit:
    """The execute wrapper of one connection (see the module's docstring); it remembers what it has set."""

    def __init__(self):
        self.session_on = None  # the raw PostgreSQL connection whose session state is described below
        self.session_ms = None  # the limit its session carries (None: the server's default)
        self.local_on = None  # the raw connection whose current transaction may carry a SET LOCAL
        self.handler_on = None  # the raw SQLite connection carrying the progress handler
        self.deadline = None

    def __call__(self, execute, sql, params, many, context):
        db, wanted = context["connection"], _wanted.get()
        savepoint = isinstance(sql, str) and sql.startswith(SAVEPOINT_SQL)
        if wanted is not None and not savepoint and time.monotonic() > _deadline.get():
            logger.warning("request past its %s ms: not starting %.200s", wanted, sql)
            raise RequestOverTime(f"the request has spent its {wanted} ms")
        if db.vendor == "postgresql":
            if not savepoint:
                self._postgresql(db, wanted)
        elif db.vendor == "sqlite":
            self._sqlite(db, wanted)
        try:
            return execute(sql, params, many, context)
        except DatabaseError as exc:
            if wanted and time_limit_exceeded(exc):
                logger.warning("statement stopped after %s ms: %.200s", wanted, sql)
            raise

    def _postgresql(self, db, wanted):
        raw = db.connection
        if raw is not self.session_on:  # a new connection starts with the server's default
            self.session_on, self.session_ms, self.local_on = raw, None, None
        if self.session_ms == wanted and self.local_on is None:
            return  # the usual case: nothing to change
        if raw.info.transaction_status == INERROR:
            return  # nothing but a rollback can run (and a SET would fail it)
        in_transaction = db.in_atomic_block or not db.get_autocommit()
        if not in_transaction:
            self.local_on = None  # any SET LOCAL ended with its transaction
            if self.session_ms != wanted:
                self._run(db, raw, "RESET statement_timeout" if wanted is None
                          else f"SET statement_timeout = {int(wanted)}")
                self.session_ms = wanted
        elif wanted is not None and self.session_ms != wanted:
            self._run(db, raw, f"SET LOCAL statement_timeout = {int(wanted)}")
            self.local_on = raw
        elif wanted is None:  # outside a request, in a transaction a request's limit may still reach
            self._run(db, raw, "SET LOCAL statement_timeout TO DEFAULT")
            self.local_on = raw if self.session_ms is not None else None

    @staticmethod
    def _run(db, raw, statement):
        # A cursor of its own (the statement's may be a server-side one, QuerySet.iterator()); a failure
        # reads as any other database error (503, not 500).
        with db.wrap_database_errors, raw.cursor() as cursor:
            cursor.execute(statement)

    def _sqlite(self, db, wanted):
        raw = db.connection
        if wanted is None:
            if self.handler_on is raw:
                raw.set_progress_handler(None, 0)
                self.handler_on = None
            return
        if raw is not self.handler_on:
            raw.set_progress_handler(self._past_deadline, SQLITE_CHECK_EVERY)
            self.handler_on = raw
        self.deadline = _deadline.get()

    def _past_deadline(self):
        return _wanted.get() is not None and time.monotonic() > self.deadline  # true: SQLite interrupts

    def request_finished(self, db):
        """SQLite: no handler left behind to interrupt what runs after the request (PostgreSQL: the next
        statement outside a request resets the session itself, a request keeps it)."""
        if self.handler_on is not None and self.handler_on is db.connection:
            self.handler_on.set_progress_handler(None, 0)
        self.handler_on = None


def limit_of(db):
    """The connection's StatementTimeLimit, installed first among its execute wrappers (before any that
    a `with connection.execute_wrapper(...)` pushes and pops at the end)."""
    for wrapper in db.execute_wrappers:
        if isinstance(wrapper, StatementTimeLimit):
            return wrapper
    wrapper = StatementTimeLimit()
    db.execute_wrappers.insert(0, wrapper)
    return wrapper


class RequestTimeLimitMiddleware:
    """Limits the request's statements (PARKBEAT_REQUEST_DB_TIMEOUT_MS from its start; 0 turns the limit off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        milliseconds = settings.PARKBEAT_REQUEST_DB_TIMEOUT_MS
        if milliseconds <= 0:
            return self.get_response(request)
        limit = limit_of(connection)
        token = _wanted.set(milliseconds)
        deadline = _deadline.set(time.monotonic() + milliseconds / 1000)
        try:
            return self.get_response(request)
        finally:
            _wanted.reset(token)
            _deadline.reset(deadline)
            limit.request_finished(connection)
