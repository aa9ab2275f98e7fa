"""Every read of crime starts from `visible_to(user)`: another station's lead or case is a 404.

How much of a case a user sees (`case_view_of`): "full" for leaders and officers of its park; "summary" for
auxiliaries (type, enterprise, times, status, loss and recovered totals: no description, items, suspects or
timeline); "status" for the enterprise's liaison (status and recovered value only). The level is the user's role
in each case's park, row by row: a user who is an officer in one park and an auxiliary or a liaison in another
sees each case as the role there allows (`case_list` annotates every row with `crime_view`)."""
from django.db.models import Case as When_, CharField, Value, When
from django.http import Http404

from parkbeat.core.permissions import AUXILIARY, LEADER, OFFICER
from parkbeat.core.scoping import access_for
from parkbeat.crime.models import Case, CaseEvent, Lead, LeadObservation, Suspect

FULL, SUMMARY, STATUS = "full", "summary", "status"
LEVELS = (FULL, SUMMARY, STATUS)


def view_levels(user):
    """The user's level per park: (parks seen in full, parks seen as a summary); every other visible row is
    "status" (an enterprise's liaison). A leader's every park is full."""
    access = access_for(user)
    full = access.park_ids({LEADER, OFFICER})
    return full, access.park_ids({AUXILIARY}) - full


def with_view_level(user, queryset):
    """`queryset` with `crime_view` on each row: the level of the user's role in that row's park. A constant
    where the user has one level everywhere (no CASE in the SQL)."""
    roles = access_for(user).roles
    full, summary = view_levels(user)
    if not roles & {AUXILIARY} and not roles - {LEADER, OFFICER}:
        return queryset.annotate(crime_view=Value(FULL, output_field=CharField()))
    if not full and not summary:
        return queryset.annotate(crime_view=Value(STATUS, output_field=CharField()))
    if not full and roles == {AUXILIARY}:
        return queryset.annotate(crime_view=Value(SUMMARY, output_field=CharField()))
    whens = ([When(park_id__in=sorted(full), then=Value(FULL))] if full else []) + (
        [When(park_id__in=sorted(summary), then=Value(SUMMARY))] if summary else [])
    return queryset.annotate(crime_view=When_(*whens, default=Value(STATUS), output_field=CharField()))


def row_view(case):
    """The level annotated on a row of `case_list` ("full" when read otherwise: the caller checked the role)."""
    return getattr(case, "crime_view", FULL)


def case_view_of(user, case=None):
    """The level of one case for `user`; without a case, the highest level the user holds anywhere (which table or
    serializer can hold the rows: each row then shows only its own level, see `with_view_level`)."""
    roles = access_for(user).roles
    if case is None:
        if roles & {LEADER, OFFICER}:
            return "full"
        return "summary" if AUXILIARY in roles else "status"
    if case.park_id in view_levels(user)[0]:
        return FULL
    if case.park_id in view_levels(user)[1]:
        return SUMMARY
    return STATUS


def lead_list(*, user):
    return Lead.objects.visible_to(user).select_related("park", "agency", "recorded_by").defer(
        "park__boundary", "park__description")


def lead_get(*, user, pk):
    try:
        return lead_list(user=user).select_related("enterprise", "finding", "incident").get(pk=pk)
    except (Lead.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def observation_list(*, user, lead):
    return LeadObservation.objects.visible_to(user).filter(lead=lead).select_related("recorded_by").order_by("at", "id")


def case_list(*, user):
    """The cases `user` sees, each row annotated with the user's level there (`crime_view`)."""
    return with_view_level(user, Case.objects.visible_to(user).select_related("enterprise", "park")
                           .defer("park__boundary", "park__description", "enterprise__production_hours"))


def case_figure_rows(*, user, queryset=None):
    """The rows whose figures (loss, times) the user may see: those at the full or summary level."""
    full, summary = view_levels(user)
    qs = Case.objects.visible_to(user) if queryset is None else queryset
    return qs.filter(park_id__in=sorted(full | summary))


def case_get(*, user, pk):
    try:
        return case_list(user=user).select_related("recorded_by", "incident", "lead").get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def event_list(*, user, case):
    return CaseEvent.objects.visible_to(user).filter(case=case).select_related("recorded_by").order_by("at", "id")


def suspect_list(*, user, case):
    return Suspect.objects.visible_to(user).filter(case=case).order_by("id")
