"""One filterset per list, shared by the pages and the API."""
import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.filters import ListFilterSet, visible_parks
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


class PersonChoiceField(ObjectChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


def _people_filter(label, related):
    """A person chosen by name among those who appear on the user's visible `related` rows (a visit's
    visitor, a demand's assignee): a searchable static picker, never an id to type."""
    from django.contrib.auth import get_user_model

    def people(request):
        user = getattr(request, "user", None)
        model = {"visits": Visit, "demands_assigned": Demand}[related]
        if user is None:
            return get_user_model().objects.none()
        rows = model.objects.visible_to(user).values("pk")
        return (get_user_model().objects.filter(**{f"{related}__in": rows}).distinct()
                .only("id", "username", "full_name").order_by("full_name", "username"))

    return PersonFilter(queryset=people, label=label, widget=PickerSelect())


class EnterpriseFilterSet(ListFilterSet):
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


class VisitFilterSet(ListFilterSet):
    enterprise = EnterpriseFilter()
    park = django_filters.ModelChoiceFilter(field_name="enterprise__park", queryset=visible_parks, label=_("Park"))
    visitor = _people_filter(_("Visitor"), "visits")
    date_from = django_filters.DateFilter(field_name="visited_at", lookup_expr="date__gte", label=_("Visited from"))
    date_to = django_filters.DateFilter(field_name="visited_at", lookup_expr="date__lte", label=_("Visited until"))

    class Meta:
        model = Visit
        fields = ["enterprise", "park", "visitor", "date_from", "date_to"]


class DemandFilterSet(ListFilterSet):
    """With no status asked for, the list shows the open demands (the home card 未办结诉求); 全部 is
    `status=all`."""

    ALL = "all"
    q = django_filters.CharFilter(field_name="content", lookup_expr="icontains", label=_("Search"))
    enterprise = EnterpriseFilter()
    park = django_filters.ModelChoiceFilter(field_name="enterprise__park", queryset=visible_parks, label=_("Park"))
    status = django_filters.ChoiceFilter(choices=[*Demand.Status.choices, (ALL, _("All"))], method="filter_status",
                                         label=_("Status"))
    category = django_filters.ChoiceFilter(choices=Demand.Category.choices, label=_("Category"))
    assignee = _people_filter(_("Assignee"), "demands_assigned")
    created_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("Raised from"))
    created_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("Raised until"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Assigned to me"))
    role_filters = {"assignee": "demand.answer", "mine": "demand.answer"}  # a liaison is assigned nothing

    class Meta:
        model = Demand
        fields = ["q", "enterprise", "park", "status", "category", "assignee", "created_from", "created_to",
                  "overdue", "mine"]

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            status = form.fields["status"]
            status.empty_label = _("Open (default)")  # what the list shows when no status is asked for
            status.choices = [choice for choice in status.choices if choice[0] != ""]
        return self._form

    def filter_status(self, queryset, name, value):
        return queryset if value == self.ALL else queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status__in=Demand.OPEN_STATUSES, due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        mine = Q(assignee_id=self.request.user.pk)
        return queryset.filter(mine) if value else queryset.exclude(mine)
