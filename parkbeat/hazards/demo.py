"""The hazards demo: a hazard registered for each item the demo inspections found a hazard, in every state — fixed
on the spot and struck off or awaiting strike-off, under a deadline being rectified, overdue (some escalated),
with evidence awaiting review, rejected once and back to rectifying, struck off — a few referred to the fire
brigade. Written through the services (the liaison accounts upload the evidence of their own enterprise), so the
timeline, the audit trail and the figures are the real ones.
"""
import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from PIL import Image

from parkbeat.hazards import services
from parkbeat.hazards.models import Hazard
from parkbeat.inspections.models import InspectionResult
from parkbeat.org.models import Agency, Role, RoleAssignment

REQUIRES = ("org", "enterprises", "inspections")
PEOPLE = ("王建国", "李娟", "张伟", "刘洋", "陈静", "杨帆")
PLACES = {"workshop": "一号车间", "warehouse": "成品仓库", "fire": "东侧安全出口", "electrical": "配电房",
          "hazmat": "危化品库", "dormitory": "员工宿舍三楼", "security": "门卫室"}
# what happens to each hazard, in turn (the demo's share of every state)
PLAN = ("on_spot_struck", "deadline", "submitted", "overdue", "rejected", "struck", "on_spot_waiting", "overdue_old",
        "deadline", "struck")


def _photo(rng, name):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (rng.randrange(256), rng.randrange(256), rng.randrange(256))).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _liaison_of(enterprise, fallback):
    assignment = (RoleAssignment.objects.filter(role=Role.LIAISON, enterprise=enterprise, user__is_active=True)
                  .select_related("user").order_by("id").first())
    return assignment.user if assignment else fallback


def seed(ctx):
    rng, accounts = ctx.rng("hazards"), ctx.shared["accounts"]
    today = services.today_in_shanghai()
    results = list(InspectionResult.objects.filter(outcome=InspectionResult.Outcome.HAZARD, inspection__status="done",
                                                   inspection__park__in=ctx.shared["demo_parks"])
                   .select_related("inspection__enterprise", "item__area").order_by("inspection__happened_at", "id"))
    parks = {park.pk: k for k, park in enumerate(ctx.shared["demo_parks"], 1)}
    referred = 0
    for n, result in enumerate(results):
        inspection = result.inspection
        officer = accounts[f"officer{parks[inspection.park_id]}"]
        liaison = _liaison_of(inspection.enterprise, officer)
        plan = PLAN[n % len(PLAN)]
        common = {"actor": officer, "result": result, "description": result.note,
                  "location": PLACES.get(result.item.area.kind, result.item.area.name),
                  "severity": Hazard.Severity.MAJOR if rng.random() < 0.2 else Hazard.Severity.GENERAL,
                  "late_reason": "纸质检查记录补录"}
        if plan.startswith("on_spot"):
            hazard = services.hazard_create(disposition=Hazard.Disposition.ON_SPOT, evidence=[_photo(rng, "现场整改.png")],
                                            evidence_note="检查时已当场整改", **common)
            if plan == "on_spot_struck":
                services.hazard_review(actor=officer, hazard=hazard, accept=True, expected_version=hazard.version)
            continue
        hazard = services.hazard_create(disposition=Hazard.Disposition.DEADLINE, responsible_name=rng.choice(PEOPLE),
                                        responsible_mobile=f"139{rng.randrange(10**8):08d}",
                                        deadline=today + timedelta(days=rng.randint(2, 20)), **common)
        if plan.startswith("overdue"):
            # the deadline given when it was found (or last extended), now just passed: the demo's past, set as then
            found = inspection.happened_at.astimezone(services.SHANGHAI).date()
            late = max(found + timedelta(days=1), today - timedelta(days=4 if plan == "overdue_old" else 1))
            Hazard.objects.filter(pk=hazard.pk).update(deadline=late)
            continue
        if plan == "deadline":
            if rng.random() < 0.3 and inspection.enterprise.park.agencies.filter(kind=Agency.Kind.FIRE).exists():
                fire = inspection.enterprise.park.agencies.filter(kind=Agency.Kind.FIRE).order_by("id").first()
                services.hazard_refer(actor=officer, hazard=hazard, agency=fire, note="消防设施问题，移交消防救援大队执法",
                                      expected_version=hazard.version)
                referred += 1
            continue
        services.hazard_evidence_add(actor=liaison, hazard=hazard, uploads=[_photo(rng, "整改后.png")],
                                     note="已按要求整改完毕", expected_version=hazard.version)
        hazard.refresh_from_db()
        if plan == "rejected":
            services.hazard_review(actor=officer, hazard=hazard, accept=False, reason="整改照片未显示全貌，请补充",
                                   expected_version=hazard.version)
        elif plan == "struck":
            services.hazard_follow_up(actor=officer, hazard=hazard, note="现场回访，整改到位")
            hazard.refresh_from_db()
            services.hazard_review(actor=officer, hazard=hazard, accept=True, expected_version=hazard.version)
    escalated = services.hazard_reminders()
    states = {**dict.fromkeys(Hazard.State.values, 0),
              **dict(Hazard.objects.order_by().values_list("state").annotate(n=Count("pk")))}
    return {"hazards": len(results), "hazards struck off": states[Hazard.State.STRUCK_OFF],
            "hazards being rectified": states[Hazard.State.RECTIFYING],
            "hazards awaiting review": states[Hazard.State.SUBMITTED], "hazards referred": referred,
            "hazard reminders": escalated}
