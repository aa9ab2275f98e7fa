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


def speaker_choices(user):
    """The speakers `user` may choose: the police of the parks the user polices and the active volunteers of those
    parks' teams (the page's choices and the API's accepted ids alike)."""
    from django.db.models import Q

    from parkbeat.core.permissions import POLICE
    from parkbeat.core.scoping import access_for
    from parkbeat.org.models import Role, User
    from parkbeat.volunteers.models import Volunteer

    if user is None or not getattr(user, "is_authenticated", False):
        return User.objects.none()
    parks = sorted(access_for(user).park_ids(POLICE))
    volunteers = Volunteer.objects.filter(status=Volunteer.Status.ACTIVE, team__park_id__in=parks,
                                          user__isnull=False).values("user_id")
    police = User.objects.filter(role_assignments__role__in=[Role.PARK_OFFICER, Role.AUXILIARY],
                                 role_assignments__park_id__in=parks).values("pk")
    return User.objects.filter(Q(pk__in=police) | Q(pk__in=volunteers), is_active=True).order_by("full_name", "id")


def campaign_materials(campaigns):
    """{campaign id: [its attachments, oldest first]} for the campaigns given, in one query."""
    from django.contrib.contenttypes.models import ContentType

    from parkbeat.files.models import Attachment

    found = {}
    ids = [c.pk for c in campaigns]
    if not ids:
        return found
    rows = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Campaign), object_id__in=ids)
    for attachment in rows.select_related("content_type").order_by("created_at", "id"):
        found.setdefault(attachment.object_id, []).append(attachment)
    return found
