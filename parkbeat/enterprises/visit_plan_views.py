"""The page of visits planned by risk (应访未访): the enterprises due a visit and not visited, most overdue first,
with filters (park, key only, officer), pagination and export, and the visit coverage of this month and this
quarter above it. Reads through `visit_plan`."""
from datetime import date

import django_filters
import django_tables2 as tables
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.core.tables import Table, local_time
from parkbeat.core.views import ScopedListView
from parkbeat.enterprises import visit_plan
from parkbeat.enterprises.filters import PersonFilter
from parkbeat.enterprises.models import Enterprise


def visible_officers(request):
    """The park officers of the parks the requesting user sees (whom the list may be narrowed to)."""
    from django.contrib.auth import get_user_model

    from parkbeat.org.models import Park, Role, RoleAssignment

    user = getattr(request, "user", None)
    if user is None:
        return get_user_model().objects.none()
    parks = Park.objects.visible_to(user).values("pk")
    ids = RoleAssignment.objects.filter(role=Role.PARK_OFFICER, park__in=parks).values("user_id")
    return (get_user_model().objects.filter(pk__in=ids, is_active=True).only("id", "username", "full_name")
            .order_by("full_name", "username"))


@extend_schema_field(OpenApiTypes.INT)
class OfficerFilter(PersonFilter):
    """A park officer chosen by name; the API takes the id."""


class VisitPlanFilterSet(ListFilterSet):
    park = django_filters.ModelChoiceFilter(field_name="park", queryset=visible_parks, label=_("Park"))
    key_only = django_filters.BooleanFilter(method="filter_key_only", label=_("Key enterprises only"))
    officer = OfficerFilter(queryset=visible_officers, method="filter_officer", label=_("Responsible officer"))

    class Meta:
        model = Enterprise
        fields = ["park", "key_only", "officer"]

    def filter_key_only(self, queryset, name, value):
        return queryset.filter(is_key=True) if value else queryset

    def filter_officer(self, queryset, name, value):
        return visit_plan.officer_filter(queryset, value) if value else queryset


class VisitPlanTable(Table):
    name = tables.Column(verbose_name=_("Enterprise"), orderable=True, attrs={"td": {"class": "text-break"}})
    park = tables.Column(accessor="park__name", verbose_name=_("Park"),
                         attrs={"td": {"class": "text-nowrap d-none d-md-table-cell"},
                                "th": {"class": "d-none d-md-table-cell"}})
    is_key = tables.Column(verbose_name=_("Class"), orderable=True, order_by=("-is_key", "due_on", "pk"))
    last_visit_at = tables.Column(verbose_name=_("Last visited"), default=_("Never visited"), orderable=True,
                                  order_by=("last_visit_at", "pk"),
                                  attrs={"td": {"class": "text-nowrap d-none d-sm-table-cell"},
                                         "th": {"class": "d-none d-sm-table-cell"}})
    due_on = tables.Column(verbose_name=_("Visit due on"), orderable=True, order_by=("due_on", "pk"),
                           attrs={"td": {"class": "text-nowrap"}})
    overdue = tables.Column(verbose_name=_("Days overdue"), accessor="due_on", empty_values=(),
                            attrs={"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}})

    card_template = "enterprises/partials/visit_plan_card.html"
    export_filename = ("应访未访企业", "visits-due")
    export_noun = _("%(count)s enterprises due a visit")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "visit-plan-results"}
        empty_text = _("No enterprise is due a visit. Well done.")

    @cached_property
    def today(self):
        return visit_plan.local_today(self.now)

    def _due(self, value):
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])  # SQLite: text

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_name(self, value):
        return value

    def render_is_key(self, value):
        if value:
            return format_html('<span class="badge text-bg-warning">{}</span>', _("Key enterprise"))
        return _("Ordinary enterprise")

    def value_is_key(self, value):
        return str(_("Key enterprise") if value else _("Ordinary enterprise"))

    def render_last_visit_at(self, value):
        return local_time(value)

    def value_last_visit_at(self, value):
        return local_time(value) if value else str(_("Never visited"))

    def render_due_on(self, value):
        return self._due(value).isoformat()

    def value_due_on(self, value):
        return self._due(value).isoformat()

    def render_overdue(self, value):
        days = (self.today - self._due(value)).days
        css = "text-danger fw-semibold" if days > 0 else "text-muted"
        return format_html('<span class="{}">{}</span>', css, days)

    def value_overdue(self, value):
        return (self.today - self._due(value)).days


class VisitPlanView(ScopedListView):
    """GET: the user's enterprises due a visit and not visited (the police), most overdue first."""

    model = Enterprise
    required_perm = "visit.add"
    filterset_class = VisitPlanFilterSet
    table_class = VisitPlanTable
    template_name = "enterprises/visit_plan.html"
    partial_template_name = "includes/list_results.html"
    strict = True  # another station's park or officer is a form error, and no rows

    def get_base_queryset(self):
        return visit_plan.due_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = visit_plan.local_today()
        page = ctx.get("page_obj")
        for record in (page.object_list if page else ()):  # the phone's cards read them (the page's rows only)
            record.due_day, record.days_overdue = visit_plan.due_date(record), visit_plan.overdue_days(record, today)
        month = (today.replace(day=1), today)
        quarter = (visit_plan.quarter_of(today)[0], today)
        ctx["coverage"] = [(label, start, end, visit_plan.coverage(user=self.request.user, start=start, end=end))
                           for label, (start, end) in ((_("This month"), month), (_("This quarter"), quarter))]
        ctx["visit_days"] = visit_plan.visit_days()
        return ctx


def parse_period(data):
    """The period of `from` / `to` (YYYY-MM-DD, Asia/Shanghai; default: this quarter up to today), or a
    ValidationError naming the parameter."""
    today = visit_plan.local_today()
    found = {}
    for key, default in (("from", visit_plan.quarter_of(today)[0]), ("to", today)):
        raw = data.get(key)
        if raw in (None, ""):
            found[key] = default
            continue
        try:
            found[key] = date.fromisoformat(raw)
        except (TypeError, ValueError):
            raise ValidationError({key: _("Give a date as YYYY-MM-DD.")}) from None
    if found["to"] < found["from"]:
        raise ValidationError({"to": _("The period ends before it starts.")})
    if (found["to"] - found["from"]).days > 366 * 3:
        raise ValidationError({"to": _("A period lasts at most three years.")})
    return found["from"], found["to"]
