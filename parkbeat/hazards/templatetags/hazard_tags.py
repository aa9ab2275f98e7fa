"""`{% inspection_hazards inspection %}` on an inspection's page: for each item found a hazard, the hazard registered
from it (seen by the viewer) or, for the police, the link to register it."""
from django import template

from parkbeat.core.permissions import can

register = template.Library()


@register.inclusion_tag("hazards/partials/inspection_hazards.html", takes_context=True)
def inspection_hazards(context, inspection):
    from parkbeat.hazards.selectors import hazards_by_result
    from parkbeat.inspections.models import InspectionResult

    user = context["request"].user
    results = list(InspectionResult.objects.visible_to(user).filter(
        inspection=inspection, outcome=InspectionResult.Outcome.HAZARD).select_related("item__area")
        .order_by("item__area__order", "item__order"))
    registered = hazards_by_result(user=user, inspection=inspection) if results else {}
    may_add = can(user, "hazard.add", inspection.enterprise)
    return {"rows": [{"result": r, "hazard": registered.get(r.pk)} for r in results], "may_add": may_add,
            "inspection": inspection}
