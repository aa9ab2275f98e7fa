"""Every read of crime starts from `visible_to(user)`: another station's lead or case is a 404.

How much of a case a user sees (`case_view_of`): "full" for leaders and officers of its park; "summary" for
auxiliaries (type, enterprise, times, status, loss and recovered totals: no description, items, suspects or
timeline); "status" for the enterprise's liaison (status and recovered value only)."""
from django.http import Http404

from parkbeat.core.permissions import AUXILIARY, LEADER, OFFICER
from parkbeat.core.scoping import access_for
from parkbeat.crime.models import Case, CaseEvent, Lead, LeadObservation, Suspect


def case_view_of(user, case=None):
    roles = access_for(user).roles
    if case is None:
        if roles & {LEADER, OFFICER}:
            return "full"
        return "summary" if AUXILIARY in roles else "status"
    if Case.objects.visible_to(user, roles={LEADER, OFFICER}).filter(pk=case.pk).exists():
        return "full"
    if Case.objects.visible_to(user, roles={AUXILIARY}).filter(pk=case.pk).exists():
        return "summary"
    return "status"


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
    return (Case.objects.visible_to(user).select_related("enterprise", "park")
            .defer("park__boundary", "park__description", "enterprise__production_hours"))


def case_get(*, user, pk):
    try:
        return case_list(user=user).select_related("recorded_by", "incident", "lead").get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def event_list(*, user, case):
    return CaseEvent.objects.visible_to(user).filter(case=case).select_related("recorded_by").order_by("at", "id")


def suspect_list(*, user, case):
    return Suspect.objects.visible_to(user).filter(case=case).order_by("id")
