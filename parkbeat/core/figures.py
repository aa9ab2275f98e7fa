"""Figure helpers shared by every app's selectors: the apps declare what they count, the database computes it.

A figure is a declaration over a queryset: counts (`Count(..., filter=Q(...))`, `count_by` for every choice),
sums, durations in SQL (`Seconds`, `EpochMicroseconds`) and percentiles (`percentiles`). Nothing here loads a
model instance or loops over the rows in Python: the largest result read back is two values per percentile.

Percentiles use LINEAR INTERPOLATION between closest ranks (numpy's default, Excel's PERCENTILE.INC):
rank h = (n − 1)·p/100, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). PostgreSQL computes it itself
(`percentile_cont`, the same definition); SQLite, which has no such aggregate, numbers the ordered values
with a window function and reads back only the rows at the ranks needed (bounded: a sort, two rows).
"""
import math
from fractions import Fraction

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Aggregate, BigIntegerField, Count, F, FloatField, Func, Q, Window
from django.db.models.functions import RowNumber


def percentile(values, p):
    """The p-th percentile of `values` (in Python), by the definition above; None for no values. For a
    handful of values already in hand; over rows, use `percentiles`."""
    xs = sorted(Fraction(v) for v in values)  # exact arithmetic, one rounding at the end
    if not xs:
        return None
    return _interpolate(len(xs), p, lambda rank: xs[rank])


def _ranks(n, p):
    h = Fraction((n - 1) * p, 100)
    lo = math.floor(h)
    return h, lo, min(lo + 1, n - 1)


def _interpolate(n, p, value_at):
    h, lo, hi = _ranks(n, p)
    return float(value_at(lo) + (h - lo) * (value_at(hi) - value_at(lo)))


class EpochMicroseconds(Func):
    """Microseconds since 1970-01-01 UTC of a datetime column, exact (integer arithmetic on both engines)."""

    output_field = BigIntegerField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC: whole seconds by strftime, then the digits.
        sql, params = compiler.compile(self.source_expressions[0])
        # (strftime reads the fraction in milliseconds, rounded: whole seconds from the first 19 characters)
        return (f"(CAST(strftime('%%s', substr({sql}, 1, 19)) AS INTEGER) * 1000000"
                f" + CAST(substr({sql} || '.000000', 21, 6) AS INTEGER))", (*params, *params))

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(EXTRACT(EPOCH FROM {sql}) * 1000000)::bigint", params


class _Span(Func):
    """(EpochMicroseconds(end) − EpochMicroseconds(start)) / divisor."""

    arity = 2

    def as_sql(self, compiler, connection, template=None, **extra):
        end, start = (compiler.compile(EpochMicroseconds(e)) for e in self.source_expressions)
        return (template or self.template) % {"end": end[0], "start": start[0]}, (*end[1], *start[1])


class Seconds(_Span):
    """`end − start` in seconds (double precision; microseconds exact), NULL when either is NULL."""

    output_field = FloatField()
    template = "CAST((%(end)s - %(start)s) AS REAL) / 1000000.0"

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="((%(end)s - %(start)s) / 1000000.0)::float8")

    def __init__(self, end, start):
        super().__init__(_expr(end), _expr(start))


class WholeSeconds(_Span):
    """`end − start` in whole seconds, truncated toward zero (as int(timedelta.total_seconds()))."""

    output_field = BigIntegerField()
    template = "((%(end)s - %(start)s) / 1000000)"

    def __init__(self, end, start):
        super().__init__(_expr(end), _expr(start))


def _expr(value):
    return F(value) if isinstance(value, str) else value


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentiles(queryset, expression, ps=(50, 90), filter=None):  # noqa: A002 - as Django's aggregates
    """{"count": n, p: value, ...} of `expression` over the rows of `queryset` where it is not NULL (and
    `filter`, a Q over the row, holds), to six decimals; None for each p when there are none. Always one query,
    whatever the rows. `ps` are whole percents. Several over the same rows: `percentiles_each`."""
    rows = queryset.order_by().annotate(_figure_value=expression).filter(_figure_value__isnull=False)
    if filter is not None:
        rows = rows.filter(filter)
    if connections[queryset.db].vendor == "postgresql":
        result = rows.aggregate(count=Count("_figure_value"),
                                **{f"p{p}": PercentileCont("_figure_value", p / 100) for p in ps})
        return {"count": result["count"], **{p: _micro(result[f"p{p}"]) for p in ps}}
    # SQLite: number the ordered values and keep only the rows at the ranks the interpolation reads.
    numbered = rows.annotate(_figure_rank=Window(RowNumber(), order_by=F("_figure_value").asc()),
                             _figure_n=Window(Count("pk"))).values_list("_figure_value", "_figure_rank", "_figure_n")
    try:
        inner, params = numbered.query.sql_with_params()
    except EmptyResultSet:  # a queryset that can match nothing (a user who sees nothing)
        return {"count": 0, **{p: None for p in ps}}
    ranks = ", ".join(f'("_figure_n" - 1) * {int(p)} / 100 + {k}' for p in ps for k in (1, 2))
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f'SELECT "_figure_value", "_figure_rank", "_figure_n" FROM ({inner}) figure'  # nosec B608
                       f' WHERE "_figure_rank" IN ({ranks})', params)
        found = cursor.fetchall()
    if not found:
        return {"count": 0, **{p: None for p in ps}}
    n = found[0][2]
    at = {rank - 1: Fraction(value) for value, rank, _n in found}
    return {"count": n, **{p: _micro(_interpolate(n, p, at.__getitem__)) for p in ps}}


def percentiles_each(queryset, expressions, ps=(50, 90)):
    """{name: percentiles(queryset, expression, ps, filter)} for each name of `expressions`, which maps it to an
    expression or to (expression, Q over the row). PostgreSQL computes them all in one pass over the rows (one
    query, FILTER per expression); SQLite, one query per expression as `percentiles`."""
    declared = {name: (spec if isinstance(spec, tuple) else (spec, None)) for name, spec in expressions.items()}
    if connections[queryset.db].vendor != "postgresql":
        return {name: percentiles(queryset, expression, ps, filter=condition)
                for name, (expression, condition) in declared.items()}
    aggregates = {}
    for name, (expression, condition) in declared.items():
        aggregates[f"{name}__count"] = Count(expression, filter=condition)
        aggregates.update({f"{name}__p{p}": PercentileCont(expression, p / 100, filter=condition) for p in ps})
    result = queryset.order_by().aggregate(**aggregates)
    return {name: {"count": result[f"{name}__count"], **{p: _micro(result[f"{name}__p{p}"]) for p in ps}}
            for name in declared}


def _micro(value):
    """To the microsecond, the data's own precision (PostgreSQL's double-precision interpolation otherwise shows
    717120.0000000001 for 717120)."""
    return None if value is None else round(value, 6)


def count_by(field, choices, filter=None):  # noqa: A002
    """Aggregates counting rows per value of `field`, every choice present: {"by_<field>_<value>": Count}.
    Read them back with `counted`."""
    base = filter or Q()
    return {f"by_{field}_{value}": Count("pk", filter=base & Q(**{field: value})) for value in choices}


def counted(result, field, choices):
    """The per-choice counts `count_by` declared, as {value: n}."""
    return {value: result[f"by_{field}_{value}"] for value in choices}
