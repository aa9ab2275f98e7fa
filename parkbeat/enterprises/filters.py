"""One filterset per list, shared by the pages and the API."""
import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.filters import IdFilter, visible_parks
from parkbeat.core.forms import FilterForm
from parkbeat.core.widgets import ObjectChoiceField, PickerSelect
from parkbeat.enterprises.models import Demand, Enterprise, Industry, Visit


def visible_enterprises(request):
    """The enterprises a filter may name: those the requesting user sees."""
    user = getattr(request, "user", None)
    enterprises = Enterprise.objects.visible_to(user) if user is not None else Enterprise.objects.none()
    return enterprises.only("id", "name", "park_id")


class EnterpriseFilter(django_filters.ModelChoiceFilter):
    """An enterprise chosen by typing its name (a picker over /api/v1/enterprises/?q=). The parameter
    stays `enterprise=<id>`, but the page shows the name, and an id outside the user's scope is an
    invalid choice shown on the form (the API answers 400), never rows. Incidents and disputes use it too."""

    field_class = ObjectChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", visible_enterprises)
        kwargs.setdefault("label", _("Enterprise"))
        kwargs.setdefault("widget", PickerSelect(source="enterprise-list", detail_field="park_name",
                                                 placeholder=_("Type an enterprise name")))
        super().__init__(*args, **kwargs)


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label=_("Industry"))
    is_key = django_filters.BooleanFilter(label=_("Key enterprise"))
    status = django_filters.ChoiceFilter(choices=Enterprise.Status.choices, label=_("Status"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("In the register"))

    class Meta:
        model = Enterprise
        fields = ["q", "park", "industry", "is_key", "status", "current"]

    def filter_current(self, queryset, name, value):
        """The home page's 企业 figure: active and moved enterprises, the closed ones left out."""
        if value is None:
            return queryset
        closed = Q(status=Enterprise.Status.CLOSED)
        return queryset.exclude(closed) if value else queryset.filter(closed)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__iexact=value) | Q(address__icontains=value))


class VisitFilterSet(django_filters.FilterSet):
    enterprise = EnterpriseFilter()
    park = django_filters.ModelChoiceFilter(field_name="enterprise__park", queryset=visible_parks, label=_("Park"))
    visitor = IdFilter(field_name="visitor_id", label=_("Visitor"))
    date_from = django_filters.DateFilter(field_name="visited_at", lookup_expr="date__gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="visited_at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = Visit
        fields = ["enterprise", "park", "visitor", "date_from", "date_to"]
        form = FilterForm


class DemandFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="content", lookup_expr="icontains", label=_("Search"))
    enterprise = EnterpriseFilter()
    park = django_filters.ModelChoiceFilter(field_name="enterprise__park", queryset=visible_parks, label=_("Park"))
    status = django_filters.ChoiceFilter(choices=Demand.Status.choices, label=_("Status"))
    category = django_filters.ChoiceFilter(choices=Demand.Category.choices, label=_("Category"))
    assignee = IdFilter(field_name="assignee_id", label=_("Assignee"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Assigned to me"))

    class Meta:
        model = Demand
        fields = ["q", "enterprise", "park", "status", "category", "assignee", "overdue", "mine"]
        form = FilterForm

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status__in=Demand.OPEN_STATUSES, due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_mine(self, queryset, name, value):
        if value:
            return queryset.filter(assignee_id=self.request.user.pk)
        return queryset
