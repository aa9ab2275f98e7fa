"""Page view bases: every list and detail is scoped, every form writes through a service.

Subclasses declare a few attributes (NetBox-style); they never filter by hand.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from parkbeat.core.exports import ExportRateLimited, ExportTooLarge, download_response
from parkbeat.core.pagination import COUNT_BOUND, BoundedPaginator, count_limit
from parkbeat.core.permissions import can
from parkbeat.core.tables import PAGE_SIZES, export_table
from parkbeat.core.services import ConflictError


class PermissionRequiredMixin(LoginRequiredMixin):
    """`required_perm`: the user must hold a role that grants it (scope is checked per object)."""

    required_perm = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.required_perm and not can(request.user, self.required_perm):
            raise PermissionDenied(_("You are not allowed to do this."))
        return super().dispatch(request, *args, **kwargs)


class ScopedListView(PermissionRequiredMixin, FilterView):
    """A filtered, sorted, paginated list of what the user may see; with HTMX only the results partial.

    Declare `model` (or `get_base_queryset()`, normally a selector with its select_related/only),
    `filterset_class` (a `core.filters.ListFilterSet`), `table_class` (a `core.tables.Table`),
    `template_name` (extending includes/list_page.html) and `required_perm`. The view then answers
    `?sort=`, `?page_size=` (10–200), `?page=` (an out-of-range page shows the last one) and
    `?export=xlsx|csv`: the filtered, sorted, scoped queryset, all pages, as the table's columns
    (core.tables.export_table). A refused export (too many rows, hourly quota, invalid filters) comes
    back to the list with the reason as a message. Invalid filter input is shown on the form
    (`filter.errors`); the filters that are valid still apply.
    """

    paginate_by = 50
    page_sizes = PAGE_SIZES
    min_page_size, max_page_size = 10, 200
    partial_template_name = None
    table_class = None
    strict = False
    export_formats = ("xlsx", "csv")
    count_bound = COUNT_BOUND

    def get_base_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_filterset(self, filterset_class):
        """The filterset, without the filters that mean nothing to this user (`ListFilterSet.role_filters`)."""
        filterset = super().get_filterset(filterset_class)
        if hasattr(filterset, "for_user"):
            filterset.for_user(self.request.user)
        return filterset

    def get_table(self, queryset):
        """The table of `queryset`, sorted by `?sort=` when it names an orderable column."""
        sort = self.request.GET.get("sort", "")
        table = self.table_class(queryset, user=self.request.user)
        table.data.data = table.read_queryset(table.data.data)  # only the columns it shows (core.tables)
        if sort and sort in table.sortable():
            table.order_by = sort
            ordered = table.data.data
            if ordered.query.order_by:  # a stable order across pages: the id breaks ties
                ordered = ordered.order_by(*ordered.query.order_by, "-pk" if sort.startswith("-") else "pk")
                table.data.data = ordered
        return table

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        valid = not self.filterset.is_bound or self.filterset.is_valid()
        if valid or not self.get_strict():
            self.object_list = self.filterset.qs
        else:
            self.object_list = self.filterset.queryset.none()
        self.table = None
        if self.table_class is not None:
            self.table = self.get_table(self.object_list)
            self.object_list = self.table.data.data
            fmt = request.GET.get("export")
            if fmt:
                return self.export(fmt, valid)
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    def export_filters(self):
        """What the audit trail records of the export: the query without the export switch itself."""
        query = self.request.GET.copy()
        query.pop("export", None)
        return {key: query.getlist(key) if len(query.getlist(key)) > 1 else query.get(key) for key in query}

    def export(self, fmt, valid):
        back = self.request.GET.copy()
        back.pop("export", None)
        back_url = f"{self.request.path}?{back.urlencode()}" if back else self.request.path
        if fmt not in self.export_formats:
            messages.error(self.request, _("This list cannot be exported in that format."))
            return redirect(back_url)
        if not valid:
            messages.error(self.request, _("Correct the filters before exporting."))
            return redirect(back_url)
        try:
            content, filename, ascii_name, content_type = export_table(
                self.table, self.object_list, user=self.request.user, filters=self.export_filters(), fmt=fmt)
        except ExportTooLarge as exc:
            messages.error(self.request, exc.messages[0])
            return redirect(back_url)
        except ExportRateLimited as exc:
            messages.error(self.request, str(exc))
            return redirect(back_url)
        return download_response(content, filename, ascii_name, content_type)

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.partial_template_name:
            return [self.partial_template_name]
        return super().get_template_names()

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("page_size", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return max(self.min_page_size, min(size, self.max_page_size))

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        """A bounded count (core.pagination): "10000+" rows rather than counting a city's million on every
        page; the last page and ?count=exact count exactly."""
        page = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1
        limit = count_limit(page, per_page, exact=self.request.GET.get("count") == "exact", bound=self.count_bound)
        return BoundedPaginator(queryset, per_page, limit=limit, orphans=orphans,
                                allow_empty_first_page=allow_empty_first_page, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        """An out-of-range page shows the last page instead of a 404 (so does a page that is not a number)."""
        try:
            return super().paginate_queryset(queryset, page_size)
        except Http404:
            self.kwargs["page"] = "last"
            return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for key in ("page", "export"):
            query.pop(key, None)
        ctx["query_string"] = query.urlencode()  # what a page link keeps: filters, sort, page size
        sized = query.copy()
        sized.pop("page_size", None)
        ctx["size_query"] = sized.urlencode()  # a page size link starts again at page 1
        ctx["query_pairs"] = [(key, value) for key in query for value in query.getlist(key)]
        unsorted = query.copy()
        unsorted.pop("sort", None)
        ctx["unsorted_query"] = unsorted
        ctx["list_url"] = self.request.path
        page_size = self.get_paginate_by(None)
        ctx["page_size"] = page_size
        ctx["page_sizes"] = sorted(set(self.page_sizes) | {page_size})
        ctx["export_formats"] = self.export_formats if self.table is not None else ()
        if self.table is not None:
            page = ctx.get("page_obj")
            ctx["table"] = self.table
            ctx["table_rows"] = self.table.rows_of(page.object_list if page else ctx["object_list"])
            sort = self.request.GET.get("sort", "")
            ctx["sort"] = sort if sort in self.table.sortable() else ""
            ctx["headers"] = self.table.headers(unsorted, ctx["sort"])
        return ctx


class ScopedDetailView(PermissionRequiredMixin, DetailView):
    """Loads the object only within the user's scope: anything else is a 404, never a hint."""

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


class ServiceFormView(PermissionRequiredMixin, FormView):
    """A form whose valid data goes to `perform(form)` (a service call).

    ValidationError from the service lands on the form, a version conflict says so plainly,
    and nothing is half-saved because services are atomic.
    """

    success_message = None
    page_title = None

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "page_title": self.page_title}

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        except ConflictError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


class ServiceUpdateView(ServiceFormView):
    """Edits one object in scope through its update service, with the version the user loaded.

    The form validates (and so mutates) one copy; the service gets a freshly loaded one, so it sees
    exactly which fields changed, and the stored version decides whether the save goes through.
    """

    update_service = None  # staticmethod(services.<entity>_update)
    object_kwarg = None  # the service's keyword for the object, e.g. "visit"

    def load_object(self):
        """The object in the user's scope (else 404) and within reach of `required_perm` (else 403)."""
        raise NotImplementedError

    @cached_property
    def edited(self):
        return self.load_object()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.edited}

    def perform(self, form):
        return self.update_service(actor=self.request.user, **{self.object_kwarg: self.load_object()},
                                   data=form.field_data(), expected_version=form.cleaned_data["version"])


class SpreadsheetImportView(PermissionRequiredMixin, View):
    """GET: the upload form. POST: import, then show the summary and the rows with problems.

    One page for every spreadsheet import: a subclass declares `form_class` and `template_name` (extending
    includes/import_page.html) and says how to import and what to tell the user.
    """

    form_class = None
    max_shown = 500  # rows listed on the page; the summary counts them all

    def run_import(self, *, user, fileobj, import_good_rows):
        """The import service's summary: "imported", "errors" (RowError) and "error_count" at least."""
        raise NotImplementedError

    def imported_message(self, summary):
        raise NotImplementedError

    def refused_message(self, summary):
        raise NotImplementedError

    def max_rows(self):
        return settings.IMPORT_MAX_ROWS

    def page_context(self, summary):
        """What the import's own template shows besides the summary and errors."""
        return {}

    def get(self, request):
        return self.show(self.form_class())

    def post(self, request):
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self.show(form)
        try:
            summary = self.run_import(user=request.user, fileobj=form.cleaned_data["file"],
                                      import_good_rows=form.cleaned_data["import_good_rows"])
        except ConflictError as exc:
            messages.error(request, str(exc))
            return self.show(form)
        if summary["imported"]:
            messages.success(request, self.imported_message(summary))
        else:
            messages.error(request, self.refused_message(summary))
        return self.show(self.form_class(), summary=summary)

    def show(self, form, summary=None):
        errors = summary["errors"][:self.max_shown] if summary else []
        return render(self.request, self.template_name, {
            "form": form, "summary": summary, "errors": errors,
            "hidden_errors": summary["error_count"] - len(errors) if summary else 0,
            "max_rows": self.max_rows(), "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
            **self.page_context(summary),
        })


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        from parkbeat.core.home import home_page

        return {**super().get_context_data(**kwargs), **home_page(user=self.request.user)}


def health(request):
    """For load balancers: no auth, no data."""
    return JsonResponse({"status": "ok"})
