"""API pagination (its own module: DRF imports it while building its base views).

Counts are bounded: counting a city's million incidents for every page costs more than reading the page,
so the count stops at COUNT_BOUND rows (SELECT count(*) FROM (SELECT ... LIMIT bound + 1)). Below the bound
`count` is exact; beyond it `count` is the bound, `count_exact` is false and `?count=exact` asks for the
exact figure. A page beyond the bound is still reachable: the count then reaches as far as that page.
"""
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

COUNT_BOUND = 10_000


def bounded_count(queryset, limit):
    """How many rows `queryset` has, counting no further than `limit` + 1 (so "more than limit" shows)."""
    return queryset.order_by().values("pk")[: limit + 1].count()


def keyed_page(queryset, start, stop, keys_from=None):
    """queryset[start:stop] read in two steps inside one query: the page's primary keys first, sorted on the
    table alone (an OR of scope terms leaves the database sorting every row in scope), then the page's
    columns and joins for those keys only. Where the queryset is more than filters, ordering, select_related
    and deferred columns (annotations, distinct, extra, a union), it is sliced as it is. `keys_from`: the same
    rows without the joins that only the shown columns need (core.lean's values_list adds them)."""
    if not isinstance(queryset, QuerySet):
        return queryset[start:stop]
    query = queryset.query
    if (query.annotations or query.distinct or query.extra
            or query.extra_order_by or query.combinator or query.is_sliced or not queryset.ordered):
        return queryset[start:stop]
    ordering = query.order_by or (queryset.model._meta.ordering if query.default_ordering else ())
    keys = (queryset if keys_from is None else keys_from).values_list("pk")[start:stop]
    page = queryset.model._base_manager.filter(pk__in=keys).order_by(*ordering)
    page.query.select_related = query.select_related
    page.query.deferred_loading = query.deferred_loading
    page._prefetch_related_lookups = queryset._prefetch_related_lookups
    if queryset._fields is not None:  # values() / values_list(): the same columns, the same kind of rows
        page = page.values_list(*queryset._fields)
        page._iterable_class = queryset._iterable_class
    return page


class BoundedPaginator(Paginator):
    """A Django paginator whose count stops at `limit` + 1 rows (None: exact). `exact` says which one it is.

    An object list with a `count_queryset` (core.lean.LeanRows) is counted through it."""

    def __init__(self, object_list, per_page, *, limit=None, **kwargs):
        self.limit = limit
        self.exact = True
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self):
        counted = getattr(self.object_list, "count_queryset", self.object_list)
        if self.limit is None or not isinstance(counted, QuerySet):
            return counted.count() if isinstance(counted, QuerySet) else super().count
        n = bounded_count(counted, self.limit)
        self.exact = n <= self.limit
        return n

    def page(self, number):
        """As Django's, the page's rows read by `keyed_page`."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(keyed_page(self.object_list, bottom, top), number, self)

    @property
    def shown_count(self):
        return self.count if self.exact else self.limit

    @property
    def total_label(self):
        """For a page: the count, or "10000+" when it stopped at the bound."""
        return str(self.count) if self.exact else f"{self.limit}+"

    @property
    def pages_label(self):
        return str(self.num_pages) if self.exact else f"{self.num_pages}+"


def count_limit(page, per_page, *, exact=False, bound=COUNT_BOUND):
    """How far a list counts for `page` (a number or "last"): None (exactly) for the last page or when asked,
    else the bound or, for a page beyond it, that page's last row."""
    if exact or page == "last":
        return None
    try:
        number = max(int(page), 1)
    except (TypeError, ValueError):
        number = 1  # the paginator refuses it, as before
    return max(bound, number * per_page)


class PageNumberPagination(pagination.PageNumberPagination):
    """{"count", "count_exact", "next", "previous", "results"}; `page_size` up to 500; `?count=exact`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    count_query_param = "count"
    count_bound = COUNT_BOUND

    def count_limit(self, request, page_size):
        wanted = request.query_params.get(self.count_query_param)
        if wanted not in (None, "", "exact"):
            raise ValidationError({"count": _("Use count=exact or leave it out.")})
        page = request.query_params.get(self.page_query_param) or 1
        if page in self.last_page_strings:
            page = "last"
        return count_limit(page, page_size, exact=wanted == "exact", bound=self.count_bound)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        paginator = BoundedPaginator(queryset, page_size, limit=self.count_limit(request, page_size))
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except pagination.InvalidPage as exc:
            raise NotFound(self.invalid_page_message.format(page_number=page_number, message=str(exc)))
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response({
            "count": paginator.shown_count,
            "count_exact": paginator.exact,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        body = super().get_paginated_response_schema(schema)
        body["required"] = ["count", "count_exact", "next", "previous", "results"]
        body["properties"]["count"]["description"] = (
            f"The number of matching rows, counted up to {COUNT_BOUND:,}: beyond that (count_exact false) it is "
            "the bound, or as far as the page asked for; ?count=exact counts them all.")
        body["properties"] = {"count": body["properties"]["count"],
                              "count_exact": {"type": "boolean", "description": "Whether `count` is exact."},
                              **{k: v for k, v in body["properties"].items() if k != "count"}}
        return body

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters.append({
            "name": self.count_query_param, "required": False, "in": "query",
            "description": f"`exact`: count every matching row (by default the count stops at {COUNT_BOUND:,}).",
            "schema": {"type": "string", "enum": ["exact"]},
        })
        return parameters
