"""One filterset for the dispute list page and the API."""
import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.disputes.models import Agreement, Dispute, MediationSession, Obligation
from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.core.scoping import access_for
from parkbeat.enterprises.filters import EnterpriseFilter


def taking_part(user):
    """Handling, having opened it, mediating it (by name or in a session) or there for one's agency."""
    named = MediationSession.objects.filter(mediators=user).values("dispute_id")
    joined = Dispute.objects.filter(Q(agencies__in=access_for(user).agencies)
                                    | Q(sessions__agencies__in=access_for(user).agencies)).values("pk")
    return (Q(handler_id=user.pk) | Q(opened_by_id=user.pk) | Q(mediator_id=user.pk) | Q(pk__in=named)
            | Q(pk__in=joined))


class DisputeFilterSet(ListFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    enterprise = EnterpriseFilter()  # by name; another station's id is a filter error
    category = django_filters.ChoiceFilter(choices=Dispute.Category.choices, label=_("Category"))
    level = django_filters.ChoiceFilter(choices=Dispute.Level.choices, label=_("Level"))
    status = django_filters.ChoiceFilter(choices=Dispute.Status.choices, label=_("Status"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Unsettled"))
    began_from = django_filters.DateFilter(field_name="began_at", lookup_expr="date__gte", label=_("Began from"))
    began_to = django_filters.DateFilter(field_name="began_at", lookup_expr="date__lte", label=_("Began until"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Instalments overdue"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Cases I take part in"))

    class Meta:
        model = Dispute
        fields = ["q", "park", "enterprise", "category", "level", "status", "open", "began_from", "began_to",
                  "overdue", "mine"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value)
                               | Q(enterprise__name__icontains=value) | Q(parties__name__icontains=value)).distinct()

    def filter_open(self, queryset, name, value):
        """Being mediated or under an agreement being kept (the home page's 未化解纠纷)."""
        if value is None:
            return queryset
        unsettled = Q(status__in=Dispute.OPEN_STATUSES)
        return queryset.filter(unsettled) if value else queryset.exclude(unsettled)

    def filter_mine(self, queryset, name, value):
        """The cases the user takes part in (the workbench's 我的纠纷 panels link here)."""
        if value is None:
            return queryset
        mine = taking_part(self.request.user)
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def filter_overdue(self, queryset, name, value):
        """Disputes with an instalment missed, or pending past its due date (today, station time)."""
        if value is None:
            return queryset
        overdue = Obligation.objects.filter(
            Q(status=Obligation.Status.MISSED)
            | Q(status=Obligation.Status.PENDING, due_on__lt=timezone.localdate())
        ).exclude(agreement__status="superseded").values("agreement__dispute_id")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


# The API's child lists filter by a plain number: any id answers 200 with the visible rows only (an id of
# another station's record gives an empty page, never a 400 that would tell it exists).
class SessionFilterSet(django_filters.FilterSet):
    dispute = django_filters.NumberFilter(field_name="dispute_id", label=_("Dispute"))

    class Meta:
        model = MediationSession
        fields = ["dispute"]


class AgreementFilterSet(django_filters.FilterSet):
    dispute = django_filters.NumberFilter(field_name="dispute_id", label=_("Dispute"))
    status = django_filters.ChoiceFilter(choices=Agreement.Status.choices, label=_("Status"))

    class Meta:
        model = Agreement
        fields = ["dispute", "status"]


class ObligationFilterSet(django_filters.FilterSet):
    agreement = django_filters.NumberFilter(field_name="agreement_id", label=_("Agreement"))
    dispute = django_filters.NumberFilter(field_name="agreement__dispute_id", label=_("Dispute"))
    status = django_filters.ChoiceFilter(choices=Obligation.Status.choices, label=_("Status"))

    class Meta:
        model = Obligation
        fields = ["agreement", "dispute", "status"]


def filter_case_number(queryset, name, value):
    """A case number as people write it (JF20261202-000123, or just 123): the dispute it names."""
    match = re.search(r"(\d+)\s*$", value or "")
    if not value or not value.strip():
        return queryset
    if not match or len(match.group(1)) > 12:
        return queryset.none()
    return queryset.filter(dispute_id=int(match.group(1)))


CASE_WIDGET = forms.TextInput(attrs={"placeholder": _("Case number, e.g. JF20261202-000123"), "type": "search"})


class SessionListFilterSet(ListFilterSet):
    """The mediation session list page (调解记录)."""

    q = django_filters.CharFilter(method=filter_case_number, label=_("Case number"), widget=CASE_WIDGET)
    park = django_filters.ModelChoiceFilter(field_name="dispute__park", queryset=visible_parks, label=_("Park"))
    outcome = django_filters.ChoiceFilter(choices=MediationSession.Outcome.choices, label=_("Outcome"))
    date_from = django_filters.DateFilter(field_name="started_at", lookup_expr="date__gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="started_at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = MediationSession
        fields = ["q", "park", "outcome", "date_from", "date_to"]


class AgreementListFilterSet(ListFilterSet):
    """The agreement list page (调解协议)."""

    q = django_filters.CharFilter(method=filter_case_number, label=_("Case number"), widget=CASE_WIDGET)
    park = django_filters.ModelChoiceFilter(field_name="dispute__park", queryset=visible_parks, label=_("Park"))
    status = django_filters.ChoiceFilter(choices=Agreement.Status.choices, label=_("Status"))
    date_from = django_filters.DateFilter(field_name="signed_on", lookup_expr="gte", label=_("Signed from"))
    date_to = django_filters.DateFilter(field_name="signed_on", lookup_expr="lte", label=_("Signed until"))

    class Meta:
        model = Agreement
        fields = ["q", "park", "status", "date_from", "date_to"]
