"""One filterset each for the lecture list, the coverage list and the adoptions, on the pages, exports and API."""
from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.bounds import plausible
from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.enterprises.filters import EnterpriseFilter
from parkbeat.outreach.models import Campaign, Lecture, Rule, RuleAdoption, Theme

UPCOMING_DAYS = 7


def visible_campaigns(request):
    user = getattr(request, "user", None)
    return Campaign.objects.visible_to(user).only("id", "title") if user is not None else Campaign.objects.none()


def visible_rules(request):
    user = getattr(request, "user", None)
    if user is None:
        return Rule.objects.none()
    seen = RuleAdoption.objects.visible_to(user).values("rule_id")  # a liaison: the rules their enterprise adopted
    return Rule.objects.filter(Q(pk__in=Rule.objects.visible_to(user).values("pk")) | Q(pk__in=seen)).only(
        "id", "text")


class LectureFilterSet(ListFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), widget=forms.TextInput(
        attrs={"placeholder": _("Topic or enterprise"), "type": "search"}))
    campaign = django_filters.ModelChoiceFilter(queryset=visible_campaigns, label=_("Campaign"))
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    enterprise = EnterpriseFilter()
    theme = django_filters.ChoiceFilter(choices=Theme.choices, label=_("Theme"))
    status = django_filters.ChoiceFilter(choices=Lecture.Status.choices, label=_("Status"))
    upcoming = django_filters.BooleanFilter(method="filter_upcoming", label=_("Planned, in the next 7 days"))
    starts_from = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label=_("From"),
                                         validators=[plausible])
    starts_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("To"),
                                       validators=[plausible])

    class Meta:
        model = Lecture
        fields = ["q", "campaign", "park", "enterprise", "theme", "status", "upcoming", "starts_from", "starts_to"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(topic__icontains=value) | Q(enterprise__name__icontains=value))

    def filter_upcoming(self, queryset, name, value):
        if value is None:
            return queryset
        now = timezone.now()
        upcoming = Q(status=Lecture.Status.PLANNED, starts_at__gte=now,
                     starts_at__lt=now + timedelta(days=UPCOMING_DAYS))
        return queryset.filter(upcoming) if value else queryset.exclude(upcoming)


BAND_CHOICES = [("never", _("Never reached")), ("under_half", _("Under 50 %")), ("half_and_over", _("50 % and over"))]


class CoverageFilterSet(ListFilterSet):
    """Over coverage_rows: the period and the campaign are read by the view (they change the sums, not the rows)."""

    q = django_filters.CharFilter(method="search", label=_("Search"), widget=forms.TextInput(
        attrs={"placeholder": _("Enterprise"), "type": "search"}))
    campaign = django_filters.ModelChoiceFilter(queryset=visible_campaigns, label=_("Campaign"), method="keep")
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    band = django_filters.ChoiceFilter(choices=BAND_CHOICES, label=_("Coverage"))
    start = django_filters.DateFilter(label=_("From"), method="keep", validators=[plausible])
    end = django_filters.DateFilter(label=_("To"), method="keep", validators=[plausible])

    class Meta:
        model = Lecture.enterprise.field.related_model
        fields = ["q", "campaign", "park", "band", "start", "end"]

    def keep(self, queryset, name, value):
        return queryset

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        return queryset.filter(name__icontains=value) if value else queryset


class AdoptionFilterSet(ListFilterSet):
    rule = django_filters.ModelChoiceFilter(queryset=visible_rules, label=_("Rule"))
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    enterprise = EnterpriseFilter()
    in_force = django_filters.BooleanFilter(field_name="ended_on", lookup_expr="isnull", label=_("In force"))
    since_from = django_filters.DateFilter(field_name="since", lookup_expr="gte", label=_("Adopted from"),
                                            validators=[plausible])
    since_to = django_filters.DateFilter(field_name="since", lookup_expr="lte", label=_("Adopted to"),
                                          validators=[plausible])

    class Meta:
        model = RuleAdoption
        fields = ["rule", "park", "enterprise", "in_force", "since_from", "since_to"]
