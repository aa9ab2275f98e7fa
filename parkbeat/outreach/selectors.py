"""Every read of publicity a user sees starts from `visible_to(user)`: another station's lecture is a 404."""
from django.http import Http404

from parkbeat.outreach.models import Campaign, Lecture, LectureEvent, Rule, RuleAdoption, Speaker

NOT_FOUND = (ValueError, TypeError, OverflowError)


def campaign_list(*, user):
    return Campaign.objects.visible_to(user).select_related("station", "created_by")


def campaign_get(*, user, pk):
    try:
        return campaign_list(user=user).get(pk=pk)
    except (Campaign.DoesNotExist, *NOT_FOUND):
        raise Http404 from None


def lecture_list(*, user):
    return (Lecture.objects.visible_to(user).select_related("enterprise", "park", "campaign")
            .defer("park__boundary", "park__description", "enterprise__production_hours"))


def lecture_get(*, user, pk):
    try:
        return (Lecture.objects.visible_to(user).select_related("enterprise", "park", "campaign", "scheduled_by",
                                                                "attendance_recorded_by")
                .defer("park__boundary", "park__description").get(pk=pk))
    except (Lecture.DoesNotExist, *NOT_FOUND):
        raise Http404 from None


def event_list(*, user, lecture):
    return (LectureEvent.objects.visible_to(user).filter(lecture=lecture).select_related("recorded_by")
            .order_by("at", "id"))


def speaker_list(*, lecture):
    return list(Speaker.objects.filter(lecture=lecture).select_related("user").order_by("id"))


def rule_list(*, user):
    return Rule.objects.visible_to(user).order_by("text", "id")


def adoption_list(*, user):
    return (RuleAdoption.objects.visible_to(user).select_related("rule", "enterprise", "park", "recorded_by")
            .defer("park__boundary", "park__description", "enterprise__production_hours"))


def adoption_get(*, user, pk):
    try:
        return adoption_list(user=user).get(pk=pk)
    except (RuleAdoption.DoesNotExist, *NOT_FOUND):
        raise Http404 from None
