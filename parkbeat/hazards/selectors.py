"""Every read of hazards a user sees starts from `visible_to(user)`: another station's hazard is a 404."""
from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from parkbeat.hazards.models import Hazard, HazardEvent, HazardEvidence


def hazard_list(*, user):
    return (Hazard.objects.visible_to(user)
            .select_related("enterprise", "park", "recorded_by", "referred_to")
            .defer("park__boundary", "park__description", "enterprise__production_hours"))


def hazard_get(*, user, pk):
    try:
        return hazard_list(user=user).select_related("inspection", "result__item", "incident", "struck_off_by").get(
            pk=pk)
    except (Hazard.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def event_list(*, user, hazard):
    return HazardEvent.objects.visible_to(user).filter(hazard=hazard).select_related("recorded_by").order_by("at", "id")


def evidence_list(*, user, hazard):
    """The hazard's evidence rows, each with `files` (its attachments), oldest first."""
    from parkbeat.files.models import Attachment

    rows = list(HazardEvidence.objects.visible_to(user).filter(hazard=hazard).select_related("uploaded_by")
                .order_by("uploaded_at", "id"))
    files = {}
    for attachment in Attachment.objects.filter(content_type=ContentType.objects.get_for_model(HazardEvidence),
                                                object_id__in=[row.pk for row in rows]).order_by("id"):
        files.setdefault(attachment.object_id, []).append(attachment)
    for row in rows:
        row.files = files.get(row.pk, [])
    return rows


def hazards_by_result(*, user, inspection):
    """{result id: hazard} of the hazards registered from the inspection's results that the user sees."""
    return {h.result_id: h for h in Hazard.objects.visible_to(user).filter(inspection=inspection,
                                                                           result__isnull=False)}
