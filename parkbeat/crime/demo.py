"""The crime demo: the CNC-template theft at a factory of the first demo park (reported, the suspect identified
within 48 hours, arrested, the templates recovered across regions and the loss recovered in yuan, solved), and the
cigarettes of unknown origin sold to students outside a campus: a patrol's lead worked for days with the tobacco
bureau (added here to the demo station when the org demo has none), then a case of illegal business. Written through
the services, so the timelines, the audit trail and the figures are the real ones. Times lie before `ctx.now`; the
entries say why they come in late (a paper ledger)."""
from datetime import timedelta

from parkbeat.crime import services
from parkbeat.crime.models import Case
from parkbeat.org.models import Agency, Role, RoleAssignment

REQUIRES = ("org", "enterprises")
LATE = "纸质台账补录"


def _tobacco_bureau(ctx):
    agency, _created = Agency.objects.get_or_create(station=ctx.shared["station"], name="天元区烟草专卖局",
                                                    defaults={"kind": Agency.Kind.TOBACCO, "phone": "0731-28686901"})
    # as the org demo's agencies, it serves the station's parks and its school's surroundings
    agency.parks.add(*ctx.shared["demo_parks"], *ctx.shared.get("demo_areas", ()))
    return agency


def seed(ctx):
    if Case.objects.filter(title="数控模板被盗案").exists():
        return {}
    accounts, park = ctx.shared["accounts"], ctx.shared["demo_parks"][0]
    officer = accounts["officer1"]
    now = ctx.now.replace(second=0, microsecond=0)
    liaison = RoleAssignment.objects.filter(role=Role.LIAISON, user=accounts.get("liaison1"),
                                            enterprise__park=park).select_related("enterprise").first()
    factory = liaison.enterprise if liaison else ctx.shared["active"][0][0]  # liaison1 then sees its case

    # the CNC templates (数控模板) stolen from a factory, recovered across regions
    reported = now - timedelta(days=40)
    theft = services.case_create(actor=officer, kind=Case.Kind.THEFT, title="数控模板被盗案", enterprise=factory,
                                 description="夜间车间内 12 套数控加工模板被盗，门锁无破坏痕迹，监控显示一辆外地牌照面包车",
                                 occurred_at=reported - timedelta(hours=9), reported_at=reported,
                                 loss_yuan="86000", loss_items="数控加工模板 12 套", late_reason=LATE)
    services.suspect_add(actor=officer, case=theft, name="周某某", note="外省籍，曾在该厂短期务工")
    services.case_note(actor=officer, case=theft, note="调取园区卡口监控，锁定面包车行驶轨迹",
                       at=reported + timedelta(hours=6), late_reason=LATE)
    steps = ((services.Kind.SUSPECT_IDENTIFIED, timedelta(hours=31), {}),
             (services.Kind.ARRESTED, timedelta(days=3), {}),
             (services.Kind.RECOVERED, timedelta(days=6), {"recovered_yuan": "86000", "cross_region": True,
                                                          "note": "在外省某废品收购站起获全部模板"}))
    for kind, after, extra in steps:
        services.case_key_time(actor=officer, case=theft, kind=kind, at=reported + after, late_reason=LATE,
                               expected_version=theft.version, **extra)
    services.case_transition(actor=officer, case=theft, status=Case.Status.SOLVED, expected_version=theft.version)

    # cigarettes of unknown origin sold to students outside a campus (护校安园), worked with the tobacco bureau, in
    # the station's school surroundings (a prevention area of its own) when the org demo made it
    bureau = _tobacco_bureau(ctx)
    received = now - timedelta(days=25)
    campus = (ctx.shared.get("demo_areas") or [None])[0]
    officer = accounts["leader"] if campus else officer  # the station's own area: its leader works it
    lead = services.lead_create(actor=officer, park=campus or park, source="patrol",
                                area="校门口小卖部" if campus else "园区旁中学周边（护校安园）",
                                description="巡逻发现校门口小卖部向学生出售来源不明的散装香烟", agency=bureau,
                                received_at=received, late_reason=LATE)
    for days, note in ((1, "烟草专卖局联合检查：卷烟无合法来源，疑似假冒"), (3, "放学时段蹲守，确认向未成年人出售"),
                       (5, "查明进货渠道为园区内一家无证仓库")):
        services.lead_observe(actor=officer, lead=lead, note=note, at=received + timedelta(days=days), late_reason=LATE)
    case = services.case_create(actor=officer, lead=lead, kind=Case.Kind.ILLEGAL_BUSINESS, title="校园周边非法经营卷烟案",
                                description="无证仓库储存并向校园周边分销假冒卷烟", occurred_at=received - timedelta(days=10),
                                reported_at=received + timedelta(days=6), loss_yuan="0", late_reason=LATE,
                                expected_version=lead.version)
    services.case_key_time(actor=officer, case=case, kind=services.Kind.SUSPECT_IDENTIFIED,
                           at=received + timedelta(days=7), late_reason=LATE, expected_version=case.version)
    return {"criminal cases": 2, "leads": 1}
