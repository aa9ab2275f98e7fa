"""The background checks demo: for each demo liaison's enterprise, a year of hiring checks (warehouse keepers,
cashiers, drivers, security guards…) each with a consent PDF, answered by an officer of the park within hours to
days, the latest two still awaiting an answer; those answered before the retention period are erased, as the
daily task would have done. Written through the services, so the audit trail and the figures are the real ones.
"""
import io
from datetime import timedelta

from parkbeat.checks import services
from parkbeat.checks.models import BackgroundCheck, PostKind
from parkbeat.core.demo import lognormal, person_name, resident_id
from parkbeat.core.permissions import can

REQUIRES = ("org", "enterprises")
POSTS = (
    ("仓库保管员", PostKind.WAREHOUSE), ("成品仓管理员", PostKind.WAREHOUSE), ("出纳", PostKind.FINANCE),
    ("会计", PostKind.FINANCE), ("危化品库管理员", PostKind.HAZMAT), ("门卫保安", PostKind.SECURITY),
    ("监控室值班员", PostKind.SECURITY), ("货车司机", PostKind.DRIVER), ("叉车司机", PostKind.DRIVER),
    ("机修工", PostKind.OTHER),
)
ADVICE = {
    BackgroundCheck.Outcome.ADVICE: ("可以录用，建议试用期内不单独保管现金和票据。", "可以录用，建议危化品出入库实行双人复核。",
                                     "可以录用，建议上岗前完成交通安全培训。"),
    BackgroundCheck.Outcome.NOT_RECOMMENDED: ("不建议安排在该岗位，可考虑非涉密、非保管类岗位。",
                                              "不建议从事驾驶岗位。"),
}
PER_LIAISON = 12


def consent_pdf():
    """A one-page PDF standing in for the scanned signed consent."""
    upload = io.BytesIO(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>"
                        b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    upload.name, upload.size = "同意书.pdf", len(upload.getvalue())
    return upload


def _handler(accounts, check):
    for name in sorted(accounts):
        if name.startswith("officer") and can(accounts[name], "check.handle", check):
            return accounts[name]
    return accounts["leader"]


def seed(ctx):
    rng, accounts, now = ctx.rng("checks"), ctx.shared["accounts"], ctx.now
    made = answered = 0
    for name in sorted(a for a in accounts if a.startswith("liaison")):
        liaison = accounts[name]
        enterprise = liaison.role_assignments.filter(enterprise__isnull=False).first()
        if enterprise is None:
            continue
        enterprise = enterprise.enterprise
        for n in range(PER_LIAISON):
            asked = now - timedelta(days=365 * (PER_LIAISON - n) / PER_LIAISON, hours=rng.randrange(24))
            post, kind = rng.choice(POSTS)
            check = services.check_request(actor=liaison, enterprise=enterprise, candidate_name=person_name(rng),
                                           resident_id=resident_id(rng), post=post, post_kind=kind,
                                           consent=consent_pdf())
            BackgroundCheck.objects.filter(pk=check.pk).update(created_at=asked, updated_at=asked)
            made += 1
            if n >= PER_LIAISON - 2:
                continue  # the latest two await an answer
            r = rng.random()
            outcome = (BackgroundCheck.Outcome.SUITABLE if r < 0.6 else BackgroundCheck.Outcome.ADVICE if r < 0.85
                       else BackgroundCheck.Outcome.NOT_RECOMMENDED)
            advice = rng.choice(ADVICE[outcome]) if outcome in ADVICE else ""
            check.refresh_from_db()
            services.check_answer(actor=_handler(accounts, check), check=check, outcome=outcome, advice=advice,
                                  second_factor=True, expected_version=check.version)
            at = asked + timedelta(hours=lognormal(rng, 30, 0.8, 2, 240))
            BackgroundCheck.objects.filter(pk=check.pk).update(answered_at=at, updated_at=at)
            answered += 1
    erased = services.erase_expired(now=now)
    return {"background checks": made, "background checks answered": answered,
            "background checks erased": erased}
